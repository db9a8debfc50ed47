package net.dtm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.config.fake.Samples;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.WireGuardKeys;

class IntentDiffTest {

    private final TunnelIntent base = Samples.vxlan();

    @Test
    void sameIntentIsInSync() {
        IntentDiff d = IntentDiff.between(Optional.of(base), Optional.of(base));
        assertTrue(d.isEmpty());
        assertEquals("in sync", d.toString());
        assertTrue(IntentDiff.between(Optional.empty(), Optional.empty()).isEmpty());
    }

    @Test
    void absentAndPresentShowAsTheInterface() {
        IntentDiff create = IntentDiff.between(Optional.empty(), Optional.of(base));
        assertEquals(List.of(new FieldChange(IntentDiff.INTERFACE, "absent", base.describe())), create.changes());
        IntentDiff delete = IntentDiff.between(Optional.of(base), Optional.empty());
        assertEquals("interface: " + base.describe() + " -> absent", delete.lines().get(0));
    }

    @Test
    void eachFieldIsReported() {
        assertChange(base.withMtu(1300), "mtu: 1400 -> 1300");
        assertChange(base.withLocalOuter(Cidr.parseLiteral("192.0.2.11")), "local outer: 192.0.2.10 -> 192.0.2.11");
        assertChange(base.withRemoteOuter(new InetSocketAddress(Cidr.parseLiteral("198.51.100.1"), 4790)),
                "remote outer: 198.51.100.1:4789 -> 198.51.100.1:4790");
        assertChange(Samples.key(base, 101), "key: 100 -> 101");
        assertChange(Samples.inner(base, "10.64.0.6", 16, "10.64.0.1"), "inner: 10.64.0.5/16 -> 10.64.0.6/16");
        assertChange(Samples.inner(base, "10.64.0.5", 24, "10.64.0.1"), "inner: 10.64.0.5/16 -> 10.64.0.5/24");
        assertChange(Samples.of(TunnelType.GRE, "dtm0"), "type: vxlan -> gre", "key: 100 -> 7");
        assertChange(Samples.inner(base, "10.64.0.5", 16, "10.64.0.2"), "peer inner: 10.64.0.1 -> 10.64.0.2");
    }

    @Test
    void routesAreASetDifference() {
        TunnelIntent running = Samples.routes(base, "10.0.0.0/8", "172.16.0.0/12");
        TunnelIntent wanted = Samples.routes(base, "10.0.0.0/8", "192.168.0.0/16");
        IntentDiff d = IntentDiff.between(Optional.of(running), Optional.of(wanted));
        assertEquals(List.of("route -172.16.0.0/12", "route +192.168.0.0/16"), d.lines());
        assertEquals(new FieldChange(IntentDiff.ROUTE, "", "192.168.0.0/16"), d.changes().get(1));
    }

    @Test
    void ipv6EndpointIsBracketed() {
        TunnelIntent v6 = new TunnelIntent("dtm6", TunnelIntent.Role.DEVICE, TunnelType.VXLAN,
                Cidr.parseLiteral("2001:db8::10"), new InetSocketAddress(Cidr.parseLiteral("2001:db8:1::1"), 4789), 5,
                Cidr.parseLiteral("fd00::5"), 64, Cidr.parseLiteral("fd00::1"), List.of(), 1400, Optional.empty(), 0);
        TunnelIntent moved = v6.withRemoteOuter(new InetSocketAddress(Cidr.parseLiteral("2001:db8:1::2"), 4789));
        assertEquals(List.of("remote outer: [2001:db8:1::1]:4789 -> [2001:db8:1::2]:4789"),
                IntentDiff.between(Optional.of(v6), Optional.of(moved)).lines());
    }

    @Test
    void remotePortIsIgnoredForGreAndIpip() {
        TunnelIntent gre = Samples.of(TunnelType.GRE, "dtm0");
        TunnelIntent readBack = gre.withRemoteOuter(new InetSocketAddress(gre.remoteOuter().getAddress(), 0));
        assertTrue(IntentDiff.between(Optional.of(readBack), Optional.of(gre)).isEmpty());
    }

    @Test
    void peerInnerOnlyComparedWhenBothHaveRoutes() {
        TunnelIntent noRoutes = Samples.routes(base);
        TunnelIntent otherPeer = Samples.inner(noRoutes, "10.64.0.5", 16, "10.64.0.9");
        assertTrue(IntentDiff.between(Optional.of(noRoutes), Optional.of(otherPeer)).isEmpty());
        assertEquals(List.of("route +10.0.0.0/8"),
                IntentDiff.between(Optional.of(otherPeer), Optional.of(base)).lines());
    }

    @Test
    void roleIsNotCompared() {
        TunnelIntent gw = new TunnelIntent(base.name(), TunnelIntent.Role.GATEWAY, base.type(), base.localOuter(),
                base.remoteOuter(), base.key(), base.innerAddress(), base.prefixLength(), base.peerInner(), base.routes(),
                base.mtu(), base.wireGuard(), base.persistentKeepaliveSeconds());
        assertTrue(IntentDiff.between(Optional.of(gw), Optional.of(base)).isEmpty());
    }

    @Test
    void wireGuardPeerPortAndKeepaliveAreComparedButNeverThePrivateKeyFile() {
        TunnelIntent wg = Samples.of(TunnelType.WIREGUARD, "dtm0");
        WireGuardKeys k = wg.wireGuard().orElseThrow();
        TunnelIntent unreadableKey = withWg(wg, new WireGuardKeys(Path.of(""), k.peerPublicKey(), k.listenPort()), 25);
        assertTrue(IntentDiff.between(Optional.of(unreadableKey), Optional.of(wg)).isEmpty());

        String otherKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        TunnelIntent changed = withWg(wg, new WireGuardKeys(k.privateKeyFile(), otherKey, 51822), 10);
        assertEquals(List.of("wireguard peer: " + k.peerPublicKey() + " -> " + otherKey, "wireguard listen port: 51821 -> 51822",
                "keepalive: 25 -> 10"), IntentDiff.between(Optional.of(wg), Optional.of(changed)).lines());
    }

    @Test
    void keepaliveIsOnlyComparedForWireGuard() {
        TunnelIntent odd = new TunnelIntent(base.name(), base.role(), base.type(), base.localOuter(), base.remoteOuter(),
                base.key(), base.innerAddress(), base.prefixLength(), base.peerInner(), base.routes(), base.mtu(),
                Optional.empty(), 30);
        assertTrue(IntentDiff.between(Optional.of(odd), Optional.of(base)).isEmpty());
    }

    @Test
    void interfaceFieldsAreRecognised() {
        assertTrue(IntentDiff.between(Optional.of(base), Optional.of(Samples.key(base, 5))).touchesInterface());
        IntentDiff mtu = IntentDiff.between(Optional.of(base), Optional.of(base.withMtu(1300)));
        assertTrue(!mtu.touchesInterface() && mtu.has(IntentDiff.MTU));
    }

    private void assertChange(TunnelIntent wanted, String... lines) {
        assertEquals(List.of(lines), IntentDiff.between(Optional.of(base), Optional.of(wanted)).lines());
    }

    private static TunnelIntent withWg(TunnelIntent i, WireGuardKeys k, int keepalive) {
        return new TunnelIntent(i.name(), i.role(), i.type(), i.localOuter(), i.remoteOuter(), i.key(), i.innerAddress(),
                i.prefixLength(), i.peerInner(), i.routes(), i.mtu(), Optional.of(k), keepalive);
    }
}
