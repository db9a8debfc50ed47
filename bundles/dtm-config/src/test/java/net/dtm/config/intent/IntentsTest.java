package net.dtm.config.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseEvent;
import net.dtm.api.LeaseState;
import net.dtm.api.OuterPath;
import net.dtm.api.Pool;
import net.dtm.api.TunnelEvent;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelPeer;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;

class IntentsTest {

    static InetAddress ip(String s) {
        return Cidr.parseLiteral(s);
    }

    static final TunnelParameters VXLAN = new TunnelParameters(ip("10.64.0.5"), 16, ip("10.64.0.1"),
            new InetSocketAddress(ip("10.99.0.1"), 4789), TunnelType.VXLAN, 1400, 10, 3600, "node-a", 5, "");
    static final OuterPath LTE = new OuterPath("lte", new InetSocketAddress(ip("100.64.1.2"), 40000));
    static final DeviceId DEVICE = DeviceId.of("smr-1");

    final DeviceIntents device = new DeviceIntents("dtm0", List.of(Cidr.parse("10.0.0.0/8")), Path.of("/etc/wg.key"));

    TunnelEvent event(TunnelEvent.Type type, Optional<TunnelParameters> p, Optional<OuterPath> path) {
        return new TunnelEvent(type, DEVICE, p, Optional.empty(), path, Instant.EPOCH);
    }

    @Test
    void theRouterEndFollowsTheParametersAndTheCarryingLink() {
        TunnelIntent i = device.after(event(TunnelEvent.Type.ESTABLISHED, Optional.of(VXLAN), Optional.of(LTE))).orElseThrow();
        assertEquals("dtm0", i.name());
        assertEquals(TunnelIntent.Role.DEVICE, i.role());
        assertEquals(ip("100.64.1.2"), i.localOuter());
        assertEquals(new InetSocketAddress(ip("10.99.0.1"), 4789), i.remoteOuter());
        assertEquals(5, i.key());
        assertEquals(ip("10.64.0.5"), i.innerAddress());
        assertEquals(16, i.prefixLength());
        assertEquals(ip("10.64.0.1"), i.peerInner());
        assertEquals(List.of(Cidr.parse("10.0.0.0/8")), i.routes());
        assertEquals(1400, i.mtu());
        assertTrue(i.wireGuard().isEmpty());
        assertEquals(0, i.persistentKeepaliveSeconds());
    }

    @Test
    void releasedLostAndPathlessEventsLeaveTheTunnelAlone() {
        assertTrue(device.after(event(TunnelEvent.Type.RELEASED, Optional.empty(), Optional.of(LTE))).isEmpty());
        assertTrue(device.after(event(TunnelEvent.Type.LOST, Optional.empty(), Optional.of(LTE))).isEmpty());
        assertTrue(device.after(event(TunnelEvent.Type.ESTABLISHED, Optional.of(VXLAN), Optional.empty())).isEmpty());
    }

    @Test
    void wireGuardCarriesTheServersKeyAndTheKeepalive() {
        TunnelParameters wg = new TunnelParameters(ip("10.64.0.5"), 16, ip("10.64.0.1"),
                new InetSocketAddress(ip("10.99.0.1"), 51820), TunnelType.WIREGUARD, 1380, 25, 3600, "node-a", 0,
                "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=");
        TunnelIntent i = device.intent(wg, LTE.localAddress());
        assertEquals("HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=", i.wireGuard().orElseThrow().peerPublicKey());
        assertEquals(Path.of("/etc/wg.key"), i.wireGuard().orElseThrow().privateKeyFile());
        assertEquals(25, i.persistentKeepaliveSeconds());
    }

    @Test
    void theCoreEndIsNamedByTheDeviceAddressAndPointsAtItsOuterAddress() {
        GatewayIntents gw = new GatewayIntents("dtmg", new InetSocketAddress(ip("10.99.0.1"), 4789), 1400);
        Pool pool = Pool.of("demo", "10.64.0.0/16", 3600);
        TunnelPeer peer = new TunnelPeer(TunnelType.VXLAN, LTE.localAddress(), 5, ip("10.64.0.5"),
                Cidr.parse("10.64.0.5/32"), Optional.empty());
        Lease lease = new Lease("demo", DEVICE, ip("10.64.0.5"), LeaseState.BOUND, 2, Instant.EPOCH, "node-a");
        TunnelIntent i = gw.after(new LeaseEvent(LeaseEvent.Type.BOUND, lease, Optional.of(peer), Instant.EPOCH), pool)
                .orElseThrow();
        assertEquals("dtmg0a400005", i.name());
        assertEquals(TunnelIntent.Role.GATEWAY, i.role());
        assertEquals(ip("10.99.0.1"), i.localOuter());
        assertEquals(new InetSocketAddress(ip("100.64.1.2"), 4789), i.remoteOuter());
        assertEquals(pool.gateway(), i.innerAddress());
        assertEquals(32, i.prefixLength());
        assertEquals(ip("10.64.0.5"), i.peerInner());
        assertEquals(List.of(Cidr.parse("10.64.0.5/32")), i.routes());
        assertEquals(5, i.key());
        assertTrue(i.name().length() <= 15);
        assertTrue(gw.after(new LeaseEvent(LeaseEvent.Type.RELEASED, lease, Optional.empty(), Instant.EPOCH), pool).isEmpty());
        for (LeaseEvent.Type t : LeaseEvent.Type.values()) {
            boolean removes = t == LeaseEvent.Type.RELEASED || t == LeaseEvent.Type.EXPIRED
                    || t == LeaseEvent.Type.RECLAIMED || t == LeaseEvent.Type.MOVED_AWAY;
            assertEquals(removes, GatewayIntents.removes(new LeaseEvent(t, lease, Optional.empty(), Instant.EPOCH)), t.name());
        }
        // IPv6 and delegated prefixes: hashed, so devices whose low bits repeat get different names
        String a = gw.name(Cidr.parse("2001:db8:0:7::/64"));
        String b = gw.name(Cidr.parse("2001:db8:0:8::/64"));
        String c = gw.name(Cidr.parse("2001:db8:1::2/128"));
        String d = gw.name(Cidr.parse("2001:db8:2::2/128"));
        assertTrue(a.matches("dtmg[0-9a-f]{8}") && !a.equals(b) && !c.equals(d), a + " " + b + " " + c + " " + d);
        assertEquals(a, gw.name(Cidr.parse("2001:db8:0:7::/64")), "stable");
        assertEquals(Cidr.parse("2001:db8:0:7::/64"), Pool.of("p6", "2001:db8::/48", 60)
                .withDelegatedLength(64).routedPrefix(ip("2001:db8:0:7::")));
        assertThrows(IllegalArgumentException.class, () -> new GatewayIntents("dtmgw", gw.endpoint(), 1400));
    }
}
