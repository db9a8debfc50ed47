package net.dtm.store.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.dtm.api.AddressRange;
import net.dtm.api.Cidr;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.EnrolmentKey;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.store.zookeeper.Codec.NodeRecord;

class CodecTest {

    @Test
    void recordsRoundTripExactly() {
        Pool p = Pool.of("pd", "2001:db8::/48", 86400).withDelegatedLength(64)
                .withExcluded(List.of(AddressRange.parse("2001:db8:0:8000::/56"), AddressRange.parse("2001:db8:0:1::")))
                .withDevicePatterns(List.of("car-*", "x?")).withTunnelTypes(EnumSet.of(TunnelType.GRE, TunnelType.VXLAN));
        assertEquals(new Codec.StoredPool(p, "g1"), Codec.pool(Codec.pool(p, "g1")));

        Lease l = new Lease("pd", DeviceId.of("car-1"), Cidr.parseLiteral("2001:db8:0:7::"), LeaseState.BOUND, Long.MAX_VALUE,
                Instant.ofEpochSecond(1_900_000_000L, 123_456_789), "node %0A with\nnewline and %25", true);
        assertEquals(l, Codec.lease(Codec.lease(l)), "nanoseconds, escapes and the reservation survive");
        Lease marked = new Lease("pd", DeviceId.of("car-1"), Cidr.parseLiteral("2001:db8:0:7::"), LeaseState.LOCKED, 9,
                Instant.ofEpochSecond(5), "n", false, Long.MAX_VALUE, 9);
        assertEquals(marked, Codec.lease(Codec.lease(marked)), "the device's mark and the instance survive");

        DeviceCredential c = new DeviceCredential(DeviceId.of("d:1"), new byte[32], Instant.ofEpochSecond(5, 7));
        assertEquals(c, Codec.device(Codec.device(c)));
        assertTrue(new String(Codec.device(c), java.nio.charset.StandardCharsets.UTF_8).startsWith("device 1\n"),
                "an enabled device with one key stays readable by older nodes");
        byte[] next = new byte[32];
        next[0] = 9;
        DeviceCredential rekeyed = c.rekeyed(next, Instant.ofEpochSecond(99, 5));
        assertEquals(rekeyed, Codec.device(Codec.device(rekeyed)));
        assertEquals(c.withDisabled(true), Codec.device(Codec.device(c.withDisabled(true))));
        assertEquals(rekeyed.withDisabled(true), Codec.device(Codec.device(rekeyed.withDisabled(true))));

        byte[] router = new byte[32];
        router[31] = 7;
        DeviceCredential selfEnrolled = DeviceCredential.enrolledBy(DeviceId.of("bus-1"), next, Instant.ofEpochSecond(6, 1), router);
        assertEquals(selfEnrolled, Codec.device(Codec.device(selfEnrolled)));
        assertTrue(new String(Codec.device(selfEnrolled), StandardCharsets.UTF_8).startsWith("device 3\n"));
        DeviceCredential allowed = selfEnrolled.withReenrolUntil(Instant.ofEpochSecond(1_900_000_000L, 999_999_999));
        assertEquals(allowed, Codec.device(Codec.device(allowed)));
        DeviceCredential everything = allowed.rekeyed(new byte[32], Instant.ofEpochSecond(70, 3)).withDisabled(true);
        assertEquals(everything, Codec.device(Codec.device(everything)));
        DeviceCredential allowanceOnly = c.withReenrolUntil(Instant.ofEpochSecond(8));
        assertEquals(allowanceOnly, Codec.device(Codec.device(allowanceOnly)), "an operator-enrolled device allowed to re-enrol");
        assertTrue(new String(Codec.device(c.withDisabled(true)), StandardCharsets.UTF_8).startsWith("device 2\n"),
                "without the new fields: still version 2, readable by older nodes");

        EnrolmentKey k = new EnrolmentKey("k1a2b3c4d5e6", router, next, "dépôt %0A 100% \"nord\"", "bus-??:*", "depot", 5, 2,
                Instant.ofEpochSecond(10, 1), Instant.ofEpochSecond(1_900_000_000L, 2), true);
        assertEquals(k, Codec.enrolmentKey(Codec.enrolmentKey(k)), "every field, escapes and the revoked flag survive");
        EnrolmentKey plain = new EnrolmentKey("abcd", router, router, "", "*", "", 0, 0, Instant.ofEpochSecond(1), Instant.ofEpochSecond(2),
                false);
        assertEquals(plain, Codec.enrolmentKey(Codec.enrolmentKey(plain)), "empty label and pool");

        NodeRecord n = new NodeRecord("n1", "west", List.of(new InetSocketAddress(Cidr.parseLiteral("10.0.0.1"), 47800),
                new InetSocketAddress(Cidr.parseLiteral("fd00::1"), 1), InetSocketAddress.createUnresolved("dtm.example", 9)),
                12, Instant.ofEpochMilli(1234));
        NodeRecord back = Codec.node(Codec.node(n));
        assertEquals(n.endpoints().subList(0, 2), back.endpoints().subList(0, 2));
        assertEquals("dtm.example", back.endpoints().get(2).getHostString());
        assertEquals(9, back.endpoints().get(2).getPort());
        assertEquals(12, back.leasesServed());
    }

    @Test
    void leaseRecordsOfVersionOneStillDecode() {
        byte[] old = String.join("\n", "lease 1", "p", "car-1", "10.0.0.2", "BOUND", "7", "1900000000", "5", "n1", "dynamic")
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(new Lease("p", DeviceId.of("car-1"), Cidr.parseLiteral("10.0.0.2"), LeaseState.BOUND, 7,
                Instant.ofEpochSecond(1_900_000_000L, 5), "n1", false, 0, 0), Codec.lease(old), "no mark, instance unknown");
        assertTrue(new String(Codec.lease(Codec.lease(old)), StandardCharsets.UTF_8).startsWith("lease 2\n"),
                "written back as version 2");
    }

    @Test
    void deviceRecordsOfVersionsOneAndTwoStillDecode() {
        String key = "00".repeat(31) + "01";
        String previous = "00".repeat(31) + "02";
        byte[] v1 = String.join("\n", "device 1", "d1", key, "5", "7").getBytes(StandardCharsets.UTF_8);
        DeviceCredential one = Codec.device(v1);
        assertEquals(new DeviceCredential(DeviceId.of("d1"), java.util.HexFormat.of().parseHex(key), Instant.ofEpochSecond(5, 7)), one);
        byte[] v2 = String.join("\n", "device 2", "d2", key, "5", "7", "disabled", previous, "99", "5")
                .getBytes(StandardCharsets.UTF_8);
        DeviceCredential two = Codec.device(v2);
        assertEquals(new DeviceCredential(DeviceId.of("d2"), java.util.HexFormat.of().parseHex(key), Instant.ofEpochSecond(5, 7),
                true, java.util.HexFormat.of().parseHex(previous), Instant.ofEpochSecond(99, 5)), two);
        assertEquals(null, two.routerKey(), "no router key before version 3");
        assertEquals(null, two.reenrolUntil());
        byte[] future = String.join("\n", "device 4", "d1", key, "5", "7").getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Codec.device(future)).getMessage().contains("device 4"));
        byte[] cut = String.join("\n", "device 3", "d2", key, "5", "7", "enabled", "", "", "", previous)
                .getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Codec.device(cut)).getMessage().contains("fields"));
        assertThrows(IllegalArgumentException.class, () -> Codec.enrolmentKey("enrolment-key 2\nabcd".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void unknownKindsVersionsAndTruncatedRecordsAreRefused() {
        byte[] future = "lease 3\np".getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Codec.lease(future)).getMessage().contains("lease 3"));
        byte[] pool = Codec.pool(Pool.of("p", "10.0.0.0/8", 60), "g");
        assertThrows(IllegalArgumentException.class, () -> Codec.lease(pool));
        byte[] cut = new String(pool, StandardCharsets.UTF_8).replaceAll("\n[^\n]*$", "").getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Codec.pool(cut)).getMessage().contains("fields"));
        assertThrows(IllegalArgumentException.class, () -> Codec.device((byte[]) null));
    }

    @Test
    void dotNamesAreEscapedForZooKeeper() {
        assertEquals("%2E", ZkPaths.escape("."));
        assertEquals("%2E%2E", ZkPaths.escape(".."));
        assertEquals("...", ZkPaths.escape("..."));
        assertEquals("..", ZkPaths.unescape(ZkPaths.escape("..")));
    }
}
