package net.dtm.vendor.linux;

import static net.dtm.vendor.linux.Samples.PEER_KEY;
import static net.dtm.vendor.linux.Samples.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.WireGuardKeys;

/** The lines each behaviour renders. */
class RenderingTest {

    private final LinuxWireGuardPeer peer = new LinuxWireGuardPeer();
    private final LinuxTunnelInterfaces tunnels = new LinuxTunnelInterfaces(peer);

    static final TunnelIntent VXLAN = Samples.intent("dtm0", TunnelType.VXLAN, "192.0.2.1", "192.0.2.2", 4789, 42, "10.9.0.1", 30,
            "10.9.0.2", 1400, "10.20.0.0/16");
    static final TunnelIntent WG = Samples.wireGuard("dtm7", "192.0.2.1", "192.0.2.2", 51821, "10.9.5.1", 30, "10.9.5.2", 1420,
            Path.of("/etc/dtm/wg.key"), PEER_KEY, 51820, 25, "10.40.0.0/16", "10.41.0.0/16");

    @Test
    void offersEveryType() {
        assertEquals(EnumSet.allOf(TunnelType.class), tunnels.types());
    }

    @Test
    void vxlanOverIpv4AndIpv6() {
        assertEquals(List.of("ip link add name dtm0 type vxlan id 42 local 192.0.2.1 remote 192.0.2.2 dstport 4789",
                "ip link set dev dtm0 up"), tunnels.create(VXLAN));
        TunnelIntent v6 = Samples.intent("dtm0", TunnelType.VXLAN, "2001:db8:0:0::1", "2001:db8::2", 4790, 7, "10.9.0.1", 30,
                "10.9.0.2", 1400);
        assertEquals("ip link add name dtm0 type vxlan id 7 local 2001:db8::1 remote 2001:db8::2 dstport 4790",
                tunnels.create(v6).get(0));
    }

    @Test
    void greWithAndWithoutKeyAndOverIpv6() {
        TunnelIntent keyed = Samples.intent("dtm1", TunnelType.GRE, "192.0.2.1", "192.0.2.2", 0, 42, "10.9.1.1", 30, "10.9.1.2", 1400);
        assertEquals(List.of("ip link add name dtm1 type gre local 192.0.2.1 remote 192.0.2.2 key 42 ttl 64",
                "ip link set dev dtm1 up"), tunnels.create(keyed));
        TunnelIntent plain = Samples.intent("dtm1", TunnelType.GRE, "192.0.2.1", "192.0.2.2", 0, 0, "10.9.1.1", 30, "10.9.1.2", 1400);
        assertEquals("ip link add name dtm1 type gre local 192.0.2.1 remote 192.0.2.2 ttl 64", tunnels.create(plain).get(0));
        TunnelIntent v6 = Samples.intent("dtm4", TunnelType.GRE, "2001:db8::1", "2001:db8::2", 0, 4294967295L, "10.9.2.1", 31,
                "10.9.2.0", 1400);
        assertEquals("ip link add name dtm4 type ip6gre local 2001:db8::1 remote 2001:db8::2 key 4294967295 ttl 64",
                tunnels.create(v6).get(0));
    }

    @Test
    void ipipAndIp6tnl() {
        TunnelIntent v4 = Samples.intent("dtm5", TunnelType.IPIP, "192.0.2.1", "192.0.2.2", 0, 0, "10.9.3.1", 32, "10.9.3.2", 1480);
        assertEquals(List.of("ip link add name dtm5 type ipip local 192.0.2.1 remote 192.0.2.2", "ip link set dev dtm5 up"),
                tunnels.create(v4));
        TunnelIntent v6 = Samples.intent("dtm6", TunnelType.IPIP, "2001:db8::1", "2001:db8::2", 0, 0, "fd00:9:4::1", 64,
                "fd00:9:4::2", 1452);
        assertEquals("ip link add name dtm6 type ip6tnl mode any local 2001:db8::1 remote 2001:db8::2", tunnels.create(v6).get(0));
    }

    @Test
    void anUnspecifiedLocalAddressIsLeftOut() {
        TunnelIntent any = Samples.intent("dtm1", TunnelType.GRE, "0.0.0.0", "192.0.2.2", 0, 0, "10.9.1.1", 30, "10.9.1.2", 1400);
        assertEquals("ip link add name dtm1 type gre remote 192.0.2.2 ttl 64", tunnels.create(any).get(0));
    }

    @Test
    void wireGuardCreatesTheLinkThePeerAndBringsItUp() {
        assertEquals(List.of("ip link add name dtm7 type wireguard",
                "ip link set dev dtm7 alias dtm:local=192.0.2.1,listen-port=51820",
                "wg set dtm7 private-key /etc/dtm/wg.key listen-port 51820 peer " + PEER_KEY
                        + " endpoint 192.0.2.2:51821 allowed-ips 10.9.5.2/32,10.40.0.0/16,10.41.0.0/16 persistent-keepalive 25",
                "ip link set dev dtm7 up"), tunnels.create(WG));
    }

    @Test
    void wireGuardPeerOverIpv6WithoutListenPortOrKeepalive() {
        TunnelIntent v6 = Samples.wireGuard("dtm7", "::", "2001:db8::2", 51821, "fd00:5::1", 64, "fd00:5::2", 1420,
                Path.of("/k"), PEER_KEY, 0, 0);
        assertEquals(List.of("ip link set dev dtm7 alias dtm:local=::,listen-port=0",
                "wg set dtm7 private-key /k peer " + PEER_KEY + " endpoint [2001:db8::2]:51821 allowed-ips fd00:5::2/128"
                        + " persistent-keepalive off"), peer.setPeer(v6));
    }

    @Test
    void setPeerNeedsKeys() {
        TunnelIntent noKeys = Samples.intent("dtm0", TunnelType.WIREGUARD, "192.0.2.1", "192.0.2.2", 51820, 0, "10.9.0.1", 30,
                "10.9.0.2", 1420);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> peer.setPeer(noKeys));
        assertEquals("intent dtm0 has no WireGuard keys", e.getMessage());
    }

    @Test
    void aliasRoundTrips() {
        WireGuardAlias a = WireGuardAlias.of(WG);
        assertEquals(Optional.of(a), WireGuardAlias.parse(a.render()));
        assertEquals(Optional.empty(), WireGuardAlias.parse("uplink to the depot"));
        assertEquals(Optional.empty(), WireGuardAlias.parse(null));
        assertEquals(Optional.empty(), WireGuardAlias.parse("dtm:local=nowhere,listen-port=1"));
        assertEquals(Optional.empty(), WireGuardAlias.parse("dtm:local=192.0.2.1"));
        assertEquals(Optional.empty(), WireGuardAlias.parse("dtm:local"));
        assertEquals(Optional.empty(), WireGuardAlias.parse("dtm:local=192.0.2.1,listen-port=x"));
    }

    @Test
    void addressMtuAndRouteLines() {
        LinuxAddressing addressing = new LinuxAddressing();
        assertEquals(List.of("ip addr add 10.9.0.1/30 dev dtm0"), addressing.addAddress("dtm0", ip("10.9.0.1"), 30));
        assertEquals(List.of("ip addr add fd00:99::1/64 dev dtm0 nodad"), addressing.addAddress("dtm0", ip("fd00:99::1"), 64));
        assertEquals(List.of("ip addr del 10.9.0.1/30 dev dtm0"), addressing.removeAddress("dtm0", ip("10.9.0.1"), 30));
        assertEquals(List.of(), addressing.removeAddress("dtm0", ip("0.0.0.0"), 0), "how a missing address reads back");
        assertEquals(List.of("ip link set dev dtm0 mtu 1380"), new LinuxLinkSettings().setMtu("dtm0", 1380));
        assertEquals(1280, new LinuxLinkSettings().minimumMtu(true));
        LinuxRoutes routes = new LinuxRoutes();
        assertEquals(List.of("ip route replace 10.20.0.0/16 via 10.9.0.2 dev dtm0 onlink"),
                routes.addRoute("dtm0", Cidr.parse("10.20.0.0/16"), ip("10.9.0.2")));
        assertEquals(List.of("ip route replace ::/0 via fd00:99::2 dev dtm0 onlink"),
                routes.addRoute("dtm0", Cidr.parse("::/0"), ip("fd00:99::2")));
        assertEquals(List.of("ip route del 10.20.0.0/16 dev dtm0"), routes.removeRoute("dtm0", Cidr.parse("10.20.0.0/16")));
    }

    @Test
    void deleteAndRecreate() {
        assertEquals(List.of("ip link del dev dtm0"), tunnels.delete("dtm0"));
        TunnelIntent moved = VXLAN.withRemoteOuter(Samples.endpoint("192.0.2.9", 4789));
        assertTrue(tunnels.recreates(moved, VXLAN));
        assertEquals(List.of("ip link del dev dtm0",
                "ip link add name dtm0 type vxlan id 42 local 192.0.2.1 remote 192.0.2.9 dstport 4789",
                "ip link set dev dtm0 up"), tunnels.update(moved, VXLAN));
        TunnelIntent gre = Samples.intent("dtm0", TunnelType.GRE, "192.0.2.1", "192.0.2.2", 0, 42, "10.9.0.1", 30, "10.9.0.2", 1400);
        assertTrue(tunnels.recreates(gre, VXLAN), "type change");
    }

    @Test
    void wireGuardToWireGuardChangesThePeerInPlace() {
        TunnelIntent moved = WG.withRemoteOuter(Samples.endpoint("192.0.2.9", 51821)).withLocalOuter(ip("192.0.2.7"));
        assertFalse(tunnels.recreates(moved, WG));
        assertEquals(List.of("ip link set dev dtm7 alias dtm:local=192.0.2.7,listen-port=51820",
                "wg set dtm7 private-key /etc/dtm/wg.key listen-port 51820 peer " + PEER_KEY
                        + " endpoint 192.0.2.9:51821 allowed-ips 10.9.5.2/32,10.40.0.0/16,10.41.0.0/16 persistent-keepalive 25"),
                tunnels.update(moved, WG));
        TunnelIntent vx = Samples.intent("dtm7", TunnelType.VXLAN, "192.0.2.1", "192.0.2.2", 4789, 42, "10.9.0.1", 30, "10.9.0.2", 1400);
        assertTrue(tunnels.recreates(vx, WG));
        assertTrue(tunnels.recreates(WG, vx));
        assertEquals("ip link del dev dtm7", tunnels.update(WG, vx).get(0));
    }

    @Test
    void validIntentsHaveNoProblems() {
        assertEquals(List.of(), tunnels.validate(VXLAN));
        assertEquals(List.of(), tunnels.validate(WG));
        assertEquals(List.of(), tunnels.validate(Samples.intent("dtm6", TunnelType.IPIP, "2001:db8::1", "2001:db8::2", 0, 0,
                "fd00:9:4::1", 64, "fd00:9:4::2", 1452, "::/0")));
        assertEquals(List.of(), tunnels.validate(Samples.intent("a.b_c-1", TunnelType.GRE, "0.0.0.0", "192.0.2.2", 0, 4294967295L,
                "10.9.1.1", 30, "10.9.1.2", 1400)));
    }

    @Test
    void linuxNameRules() {
        assertProblem(rename(VXLAN, "dtm-0123456789ab"), "is 16 bytes long; Linux allows at most 15");
        assertProblem(rename(VXLAN, "dtm 0"), "may contain only letters, digits");
        assertProblem(rename(VXLAN, "dtm/0"), "may contain only letters, digits");
        assertProblem(rename(VXLAN, "dtm%d"), "may contain only letters, digits");
        assertProblem(rename(VXLAN, ".."), "is not allowed by Linux");
        assertProblem(rename(VXLAN, "-x"), "must not start with '-'");
        assertProblem(rename(VXLAN, "all"), "is reserved on Linux");
        assertProblem(rename(VXLAN, "default"), "is reserved on Linux");
        assertProblem(rename(VXLAN, "lo"), "is reserved on Linux");
        assertEquals(List.of("the interface name is empty"), InterfaceNames.problems(""));
        assertEquals(List.of("the interface name is empty"), InterfaceNames.problems(null));
    }

    @Test
    void endpointsAndFamilies() {
        assertProblem(VXLAN.withRemoteOuter(InetSocketAddress.createUnresolved("gw.example", 4789)),
                "remote outer 'gw.example' is not an IP address");
        assertProblem(VXLAN.withRemoteOuter(Samples.endpoint("0.0.0.0", 4789)), "must be a unicast address");
        assertProblem(VXLAN.withRemoteOuter(Samples.endpoint("239.1.1.1", 4789)), "must be a unicast address");
        assertProblem(VXLAN.withRemoteOuter(Samples.endpoint("2001:db8::2", 4789)),
                "local outer 192.0.2.1 and remote outer 2001:db8::2 are of different address families");
        assertProblem(VXLAN.withRemoteOuter(Samples.endpoint("192.0.2.2", 0)), "VXLAN needs a destination port");
        assertProblem(Samples.intent("dtm0", TunnelType.VXLAN, "192.0.2.1", "192.0.2.2", 4789, 42, "10.9.0.1", 30, "10.9.0.2", 1400,
                "fd00::/8"), "route fd00::/8 and its next hop 10.9.0.2 are of different address families");
        assertProblem(Samples.intent("dtm1", TunnelType.GRE, "192.0.2.1", "192.0.2.2", 0, 4294967296L, "10.9.1.1", 30, "10.9.1.2",
                1400), "GRE key 4294967296 is outside 0..4294967295");
        assertProblem(Samples.intent("dtm1", TunnelType.GRE, "192.0.2.1", "192.0.2.2", 0, -1, "10.9.1.1", 30, "10.9.1.2",
                1400), "GRE key -1 is outside");
        assertProblem(Samples.intent("dtm5", TunnelType.IPIP, "192.0.2.1", "192.0.2.2", 0, 0, "fd00::1", 64, "fd00::2", 1480),
                "IPIP over IPv4 (Linux type ipip) carries IPv4 only");
    }

    @Test
    void wireGuardSettings() {
        assertProblem(withKeys(WG, new WireGuardKeys(Path.of("wg.key"), PEER_KEY, 1)), "must be an absolute path");
        assertProblem(withKeys(WG, new WireGuardKeys(Path.of("/etc/my keys/wg.key"), PEER_KEY, 1)), "must not contain whitespace");
        assertProblem(withKeys(WG, new WireGuardKeys(Path.of("/k"), "short", 1)), "is not a 44-character base64 key");
        assertProblem(withKeys(WG, new WireGuardKeys(Path.of("/k"), PEER_KEY.replace('I', 'J'), 1)), "is not a 44-character base64 key");
        assertProblem(withKeys(WG, new WireGuardKeys(Path.of("/k"), PEER_KEY, 70000)), "listen port 70000 is outside 0..65535");
        assertProblem(WG.withRemoteOuter(Samples.endpoint("192.0.2.2", 0)), "needs the peer's endpoint port");
        assertProblem(new TunnelIntent("dtm7", TunnelIntent.Role.DEVICE, TunnelType.WIREGUARD, WG.localOuter(), WG.remoteOuter(), 0,
                WG.innerAddress(), 30, WG.peerInner(), List.of(), 1420, WG.wireGuard(), -1), "persistent keepalive -1 is outside");
        assertProblem(withKeys(WG, null), "a WireGuard intent needs its keys");
    }

    private void assertProblem(TunnelIntent intent, String expected) {
        List<String> problems = tunnels.validate(intent);
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), problems.toString());
    }

    private static TunnelIntent rename(TunnelIntent t, String name) {
        return new TunnelIntent(name, t.role(), t.type(), t.localOuter(), t.remoteOuter(), t.key(), t.innerAddress(), t.prefixLength(),
                t.peerInner(), t.routes(), t.mtu(), t.wireGuard(), t.persistentKeepaliveSeconds());
    }

    private static TunnelIntent withKeys(TunnelIntent t, WireGuardKeys keys) {
        return new TunnelIntent(t.name(), t.role(), t.type(), t.localOuter(), t.remoteOuter(), t.key(), t.innerAddress(),
                t.prefixLength(), t.peerInner(), t.routes(), t.mtu(), Optional.ofNullable(keys), t.persistentKeepaliveSeconds());
    }
}
