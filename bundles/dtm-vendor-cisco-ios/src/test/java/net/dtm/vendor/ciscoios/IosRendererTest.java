package net.dtm.vendor.ciscoios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.config.IntentValidator;
import net.dtm.spi.config.TunnelIntent;

/** The IOS lines each behaviour renders. */
class IosRendererTest {

    private final IosRenderer r = new IosRenderer(new TunnelNumbers(4000));

    @Test
    void createsAGreTunnelWithKeyMarkedAsDtms() {
        assertEquals(List.of("interface Tunnel4007", "description dtm:dtm7", "tunnel mode gre ip", "tunnel source 192.0.2.1",
                "tunnel destination 198.51.100.7", "tunnel key 4711"), r.create(Samples.gre("dtm7")));
    }

    @Test
    void createsIpipAndGreOverIpv6() {
        assertEquals(List.of("interface Tunnel4000", "description dtm:gw0", "tunnel mode ipip", "tunnel source 192.0.2.1",
                "tunnel destination 198.51.100.7"), r.create(Samples.ipip("gw0")));
        TunnelIntent v6 = Samples.intent("dtm3", TunnelType.GRE, "2001:db8::1", "2001:db8:ffff::9", 0, "10.1.0.1", 30,
                "10.1.0.2", 1400);
        assertEquals("tunnel mode gre ipv6", r.create(v6).get(2));
        assertEquals("tunnel destination 2001:db8:ffff::9", r.create(v6).get(4));
    }

    @Test
    void updatesInPlaceAndDropsAKeyNoLongerWanted() {
        TunnelIntent running = Samples.gre("dtm7");
        TunnelIntent wanted = Samples.ipip("dtm7");
        assertFalse(r.recreates(wanted, running));
        assertEquals(List.of("interface Tunnel4007", "tunnel mode ipip", "tunnel source 192.0.2.1",
                "tunnel destination 198.51.100.7", "no tunnel key"), r.update(wanted, running));
        assertEquals(List.of("no interface Tunnel4007"), r.delete("dtm7"));
    }

    @Test
    void addressesMtuAndRoutesInIosSyntax() {
        assertEquals(List.of("interface Tunnel4001", "ip address 10.220.0.1 255.255.255.252"),
                r.addAddress("dtm1", Cidr.parseLiteral("10.220.0.1"), 30));
        assertEquals(List.of("interface Tunnel4001", "no ip address"), r.removeAddress("dtm1", Cidr.parseLiteral("10.220.0.1"), 30));
        assertEquals(List.of("interface Tunnel4001", "ipv6 address fd00:220::1/64"),
                r.addAddress("dtm1", Cidr.parseLiteral("fd00:220::1"), 64));
        assertEquals(List.of("interface Tunnel4001", "no ipv6 address fd00:220::1/64"),
                r.removeAddress("dtm1", Cidr.parseLiteral("fd00:220::1"), 64));
        assertEquals(List.of("interface Tunnel4001", "ip mtu 1400", "ipv6 mtu 1400"), r.setMtu("dtm1", 1400));
        assertEquals(List.of("interface Tunnel4001", "ip mtu 1000", "no ipv6 mtu"), r.setMtu("dtm1", 1000));
        assertEquals(List.of("ip route 10.221.0.0 255.255.0.0 Tunnel4001 10.220.0.2"),
                r.addRoute("dtm1", Cidr.parse("10.221.0.0/16"), Cidr.parseLiteral("10.220.0.2")));
        assertEquals(List.of("no ip route 10.221.0.0 255.255.0.0 Tunnel4001"), r.removeRoute("dtm1", Cidr.parse("10.221.0.0/16")));
        assertEquals(List.of("ipv6 route 2001:db8:100::/48 Tunnel4001 fd00:220::2"),
                r.addRoute("dtm1", Cidr.parse("2001:db8:100::/48"), Cidr.parseLiteral("fd00:220::2")));
        assertEquals(List.of("ip route 0.0.0.0 0.0.0.0 Tunnel4001 10.220.0.2"),
                r.addRoute("dtm1", Cidr.parse("0.0.0.0/0"), Cidr.parseLiteral("10.220.0.2")));
    }

    @Test
    void typesAreGreAndIpipAndTheCoreRefusesOthersClearly() {
        assertEquals(Set.of(TunnelType.GRE, TunnelType.IPIP), r.types());
        CiscoIosAdapter adapter = new CiscoIosAdapter(t -> {
            throw new AssertionError("no device in this test");
        });
        TunnelIntent vxlan = Samples.intent("dtm1", TunnelType.VXLAN, "192.0.2.1", "198.51.100.7", 100, "10.1.0.1", 30,
                "10.1.0.2", 1400);
        vxlan = new TunnelIntent(vxlan.name(), vxlan.role(), vxlan.type(), vxlan.localOuter(),
                new java.net.InetSocketAddress(vxlan.remoteOuter().getAddress(), 4789), 100, vxlan.innerAddress(),
                vxlan.prefixLength(), vxlan.peerInner(), vxlan.routes(), vxlan.mtu(), vxlan.wireGuard(), 0);
        assertEquals(List.of("adapter cisco-ios does not support vxlan"), new IntentValidator().validate(vxlan, adapter));
        assertTrue(r.validate(vxlan).get(0).contains("NVE/EVPN"), r.validate(vxlan)::toString);
    }

    @Test
    void validateExplainsNamesWithoutANumberAndIpipLimits() {
        List<String> p = r.validate(Samples.gre("gateway"));
        assertEquals(1, p.size());
        assertTrue(p.get(0).contains("'gateway'") && p.get(0).contains("must end in a number"), p.get(0));
        assertTrue(r.validate(Samples.gre("dtm2147483647")).get(0).contains("at most Tunnel2147483647"));
        assertEquals(List.of(), r.validate(Samples.gre("dtm2147479647")));
        assertTrue(r.validate(Samples.gre("dtm07")).get(0).contains("without leading zeros"), "dtm07 would share dtm7's tunnel");
        assertEquals(List.of(), r.validate(Samples.gre("dtm0")));
        TunnelIntent ipip6 = Samples.intent("dtm1", TunnelType.IPIP, "192.0.2.1", "198.51.100.7", 0, "fd00::1", 64, "fd00::2", 1400);
        assertTrue(r.validate(ipip6).get(0).contains("carries IPv4 only"), r.validate(ipip6)::toString);
    }
}
