package net.dtm.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PoolModelTest {

    @Test
    void ipv6IsWrittenInShortForm() {
        assertEquals("2001:db8:100::", Cidr.format(Cidr.parseLiteral("2001:db8:100:0:0:0:0:0")));
        assertEquals("2001:db8::1:0:0:1", Cidr.format(Cidr.parseLiteral("2001:db8:0:0:1:0:0:1")));
        assertEquals("::1", Cidr.format(Cidr.parseLiteral("::1")));
        assertEquals("2001:db8:0:1:1:1:1:1", Cidr.format(Cidr.parseLiteral("2001:db8:0:1:1:1:1:1")), "one zero group stays");
        assertEquals("10.0.0.1", Cidr.format(Cidr.parseLiteral("10.0.0.1")));
        assertEquals("2001:db8::/32", Cidr.parse("2001:db8::/32").toString());
    }

    @Test
    void rangesParseAndRefuseNonsense() {
        assertEquals("10.0.0.1-10.0.0.9", AddressRange.parse(" 10.0.0.1 - 10.0.0.9 ").toString());
        assertEquals("10.0.0.0-10.0.0.3", AddressRange.parse("10.0.0.0/30").toString());
        assertEquals("10.0.0.7", AddressRange.parse("10.0.0.7").toString());
        assertTrue(AddressRange.parse("10.0.0.1-10.0.0.9").contains(Cidr.parseLiteral("10.0.0.9")));
        assertFalse(AddressRange.parse("10.0.0.1-10.0.0.9").contains(Cidr.parseLiteral("2001:db8::1")));
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("10.0.0.9-10.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("10.0.0.1-2001:db8::1"));
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("bogus"));
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(""));
    }

    @Test
    void blocksOfADelegationPool() {
        Pool p = Pool.of("pd", "2001:db8::/56", 3600).withDelegatedLength(64);
        assertTrue(p.delegatesPrefixes());
        assertEquals(1, p.firstHostOffset());
        assertEquals(256, p.endHostOffset());
        assertEquals(Cidr.parseLiteral("2001:db8:0:ff::"), p.addressAt(255));
        assertEquals(255, p.offsetOf(Cidr.parseLiteral("2001:db8:0:ff::abcd")));
        assertTrue(p.isAssignable(Cidr.parseLiteral("2001:db8:0:5::")));
        assertFalse(p.isAssignable(Cidr.parseLiteral("2001:db8:0:5::1")), "not the start of a block");
        assertFalse(p.isAssignable(Cidr.parseLiteral("2001:db8::")), "block 0 holds the gateway");
        assertEquals(Cidr.parseLiteral("2001:db8::1"), p.gateway());
    }

    @Test
    void excludedBlocksAreClippedAndMerged() {
        Pool p = Pool.of("x", "10.0.0.0/24", 3600).withExcluded(List.of(AddressRange.parse("10.0.0.0-10.0.0.9"),
                AddressRange.parse("10.0.0.5-10.0.0.20"), AddressRange.parse("10.0.0.250-10.0.0.255")));
        List<long[]> blocks = p.excludedBlocks();
        assertEquals(2, blocks.size());
        assertEquals(List.of(2L, 21L), List.of(blocks.get(0)[0], blocks.get(0)[1]), "network and gateway are not counted");
        assertEquals(List.of(250L, 255L), List.of(blocks.get(1)[0], blocks.get(1)[1]), "the broadcast is not counted");
        assertEquals(19 + 5, p.excludedCount());
    }

    @Test
    void selectionRuleMatchesGlobsAndTypes() {
        Pool p = Pool.of("g", "10.0.0.0/24", 3600).withDevicePatterns(List.of("bus-*", "tram-?1")).withTunnelTypes(Set.of(TunnelType.VXLAN));
        assertTrue(p.serves(DeviceId.of("bus-42"), TunnelType.VXLAN));
        assertTrue(p.serves(DeviceId.of("tram-71"), null));
        assertFalse(p.serves(DeviceId.of("tram-711"), TunnelType.VXLAN));
        assertFalse(p.serves(DeviceId.of("bus-42"), TunnelType.GRE));
        assertFalse(p.serves(DeviceId.of("car-1"), TunnelType.VXLAN));
        assertEquals(3, p.specificity());
        assertThrows(IllegalArgumentException.class, () -> p.withDevicePatterns(List.of("bad pattern")));
    }
}
