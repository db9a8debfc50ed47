package net.dtm.vendor.linux;

import static net.dtm.vendor.linux.Samples.OTHER_KEY;
import static net.dtm.vendor.linux.Samples.PEER_KEY;
import static net.dtm.vendor.linux.Samples.ip;
import static net.dtm.vendor.linux.Samples.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.TunnelType;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.TunnelIntent;

/** Recorded and documented tool outputs decode into the intents that built them. */
class RunningStateDecoderTest {

    static TunnelIntent decode(String link, String addr, String route4, String route6, String dump) throws ConfigException {
        LinkState l = LinkState.parse(text(link), "link").get(0);
        List<AddressEntry> addresses = addr == null ? List.of() : AddressEntry.parse(text(addr), "addr");
        List<GatewayRoute> routes = new ArrayList<>();
        if (route4 != null) {
            routes.addAll(GatewayRoute.parse(text(route4), false, "route4"));
        }
        if (route6 != null) {
            routes.addAll(GatewayRoute.parse(text(route6), true, "route6"));
        }
        Optional<WireGuardState> wg = dump == null ? Optional.empty() : Optional.of(WireGuardState.parseDump(text(dump), "dump"));
        return RunningStateDecoder.decode(TunnelIntent.Role.DEVICE, l, addresses, routes, wg);
    }

    @Test
    void vxlanOverIpv4RecordedOnThisKernel() throws Exception {
        TunnelIntent expected = Samples.intent("dtm0", TunnelType.VXLAN, "192.168.77.1", "192.168.77.2", 4789, 42, "10.9.0.1", 30,
                "10.9.0.2", 1300, "0.0.0.0/0", "10.20.0.0/16");
        assertEquals(expected, decode("vxlan4-link.json", "vxlan4-addr.json", "vxlan4-route4.json", "vxlan4-route6.json", null));
    }

    @Test
    void vxlanOverIpv6RecordedOnThisKernel() throws Exception {
        TunnelIntent expected = Samples.intent("dtm6", TunnelType.VXLAN, "fd00:77::1", "fd00:77::2", 4790, 7, "fd00:99::1", 64,
                "fd00:99::2", 1500, "fd00:aa::/48");
        assertEquals(expected, decode("vxlan6-link.json", "vxlan6-addr.json", "vxlan6-route4.json", "vxlan6-route6.json", null));
    }

    @Test
    void greWithKeyReadsTheDottedQuadKey() throws Exception {
        TunnelIntent expected = Samples.intent("dtm1", TunnelType.GRE, "192.0.2.1", "192.0.2.2", 0, 42, "10.9.1.1", 30, "10.9.1.2",
                1400, "172.16.0.0/12");
        assertEquals(expected, decode("gre4-link.json", "gre4-addr.json", "gre4-route4.json", null, null));
    }

    @Test
    void greWithoutKeyAndAnyLocalReadsZeroAndTheUnspecifiedAddress() throws Exception {
        TunnelIntent t = decode("gre4-nokey-link.json", null, null, null, null);
        assertEquals(0, t.key());
        assertEquals(ip("0.0.0.0"), t.localOuter());
        assertEquals(ip("0.0.0.0"), t.innerAddress(), "no global address");
        assertEquals(0, t.prefixLength());
        assertEquals(ip("0.0.0.0"), t.peerInner(), "no routes: peer inner cannot be read");
        assertEquals(1476, t.mtu());
    }

    @Test
    void greWithDifferentInputAndOutputKeysReadsAKeyNoIntentHas() throws Exception {
        assertEquals(-1, decode("gre4-keymismatch-link.json", null, null, null, null).key());
    }

    @Test
    void ip6greCarryingIpv4() throws Exception {
        TunnelIntent t = decode("ip6gre-link.json", "ip6gre-addr.json", null, null, null);
        assertEquals(TunnelType.GRE, t.type());
        assertEquals(ip("2001:db8::1"), t.localOuter());
        assertEquals(Samples.endpoint("2001:db8::2", 0), t.remoteOuter());
        assertEquals(65536, t.key());
        assertEquals(ip("10.9.2.1"), t.innerAddress());
        assertEquals(31, t.prefixLength());
        assertEquals(ip("0.0.0.0"), t.peerInner());
    }

    @Test
    void ipipWithAHostAddressAndAnOnlinkRoute() throws Exception {
        TunnelIntent expected = Samples.intent("dtm5", TunnelType.IPIP, "192.0.2.1", "192.0.2.2", 0, 0, "10.9.3.1", 32, "10.9.3.2",
                1480, "198.51.100.0/24");
        assertEquals(expected, decode("ipip-link.json", "ipip-addr.json", "ipip-route4.json", null, null));
    }

    @Test
    void ip6tnlCarryingIpv6WithADefaultRoute() throws Exception {
        TunnelIntent expected = Samples.intent("dtm6", TunnelType.IPIP, "2001:db8::1", "2001:db8::2", 0, 0, "fd00:9:4::1", 64,
                "fd00:9:4::2", 1452, "::/0");
        assertEquals(expected, decode("ip6tnl-link.json", "ip6tnl-addr.json", null, "ip6tnl-route6.json", null));
    }

    @Test
    void kernelWireGuardReadsPeerAliasAndKeepalive() throws Exception {
        TunnelIntent written = Samples.wireGuard("dtm7", "192.0.2.1", "192.0.2.2", 51821, "10.9.5.1", 30, "10.9.5.2", 1420,
                Path.of("/etc/dtm/wg.key"), PEER_KEY, 51820, 25, "10.40.0.0/16");
        assertEquals(Samples.asRead(written), decode("wgk-link.json", "wgk-addr.json", "wgk-route4.json", null, "wgk-dump.txt"));
    }

    @Test
    void wireguardGoRecordedOnThisHostWithoutAliasOrRoutes() throws Exception {
        TunnelIntent t = decode("wggo-link.json", "wggo-addr.json", "wggo-route4.json", null, "wggo-dump.txt");
        assertEquals(TunnelType.WIREGUARD, t.type());
        assertEquals("wgB", t.name());
        assertEquals(ip("0.0.0.0"), t.localOuter(), "no alias: the local outer address is unknown");
        assertEquals(Samples.endpoint("192.168.77.1", 51820), t.remoteOuter());
        assertEquals(ip("10.8.0.2"), t.innerAddress());
        assertEquals(ip("10.8.0.1"), t.peerInner(), "from the peer's allowed host prefix");
        assertEquals(List.of(), t.routes());
        assertEquals(OTHER_KEY, t.wireGuard().orElseThrow().peerPublicKey());
        assertEquals(51821, t.wireGuard().orElseThrow().listenPort());
        assertEquals(Path.of(""), t.wireGuard().orElseThrow().privateKeyFile());
        assertEquals(0, t.persistentKeepaliveSeconds());
        assertEquals(1420, t.mtu());
    }

    @Test
    void wireGuardListenPortZeroInTheAliasReadsZeroNotTheKernelsChoice() throws Exception {
        LinkState link = new LinkState("dtm7", 1420, Optional.of("wireguard"), java.util.Map.of(),
                Optional.of("dtm:local=192.0.2.1,listen-port=0"));
        WireGuardState wg = WireGuardState.parseDump(text("wg-dump-no-peer.txt"), "dump");
        assertEquals(43117, wg.listenPort());
        TunnelIntent t = RunningStateDecoder.decode(TunnelIntent.Role.GATEWAY, link, List.of(), List.of(), Optional.of(wg));
        assertEquals(0, t.wireGuard().orElseThrow().listenPort());
        assertEquals("", t.wireGuard().orElseThrow().peerPublicKey(), "no peer");
        assertEquals(TunnelIntent.Role.GATEWAY, t.role());
        assertEquals(ip("192.0.2.1"), t.localOuter());
    }

    @Test
    void wireGuardWithTwoPeersReadsBothKeysSoNoIntentMatches() throws Exception {
        LinkState link = new LinkState("dtm7", 1420, Optional.of("wireguard"), java.util.Map.of(), Optional.empty());
        WireGuardState wg = WireGuardState.parseDump(text("wg-dump-two-peers.txt"), "dump");
        TunnelIntent t = RunningStateDecoder.decode(TunnelIntent.Role.DEVICE, link, List.of(), List.of(), Optional.of(wg));
        assertEquals(String.join(",", new java.util.TreeSet<>(java.util.List.of(PEER_KEY, OTHER_KEY))),
                t.wireGuard().orElseThrow().peerPublicKey(), "every peer, sorted");
        assertEquals(Samples.endpoint("2001:db8::2", 51821), t.remoteOuter());
        assertEquals(ip("::"), t.localOuter(), "unspecified, in the endpoint's family");
        assertEquals(25, t.persistentKeepaliveSeconds());
    }

    @Test
    void aLinkThatIsNoTunnelIsRefusedWithItsKind() {
        LinkState veth = LinkState.parse(text("linkB-list.json"), "link").get(1);
        ConfigException e = assertThrows(ConfigException.class,
                () -> RunningStateDecoder.decode(TunnelIntent.Role.DEVICE, veth, List.of(), List.of(), Optional.empty()));
        assertTrue(e.rejected());
        assertTrue(e.getMessage().contains("interface vcapB exists as a 'veth' link"), e.getMessage());
        LinkState lo = LinkState.parse(text("linkB-list.json"), "link").get(0);
        e = assertThrows(ConfigException.class,
                () -> RunningStateDecoder.decode(TunnelIntent.Role.DEVICE, lo, List.of(), List.of(), Optional.empty()));
        assertTrue(e.getMessage().contains("exists as a non-virtual link"), e.getMessage());
    }

    @Test
    void aTunDeviceWgDoesNotKnowIsRefused() {
        LinkState tun = LinkState.parse(text("wggo-link.json"), "link").get(0);
        ConfigException e = assertThrows(ConfigException.class,
                () -> RunningStateDecoder.decode(TunnelIntent.Role.DEVICE, tun, List.of(), List.of(), Optional.empty()));
        assertTrue(e.rejected());
        assertTrue(e.getMessage().contains("TUN device that wg does not know"), e.getMessage());
    }

    @Test
    void kernelWireGuardWithoutItsPeerStateIsAReadFailure() {
        LinkState link = LinkState.parse(text("wgk-link.json"), "link").get(0);
        ConfigException e = assertThrows(ConfigException.class,
                () -> RunningStateDecoder.decode(TunnelIntent.Role.DEVICE, link, List.of(), List.of(), Optional.empty()));
        assertFalse(e.rejected());
    }

    @Test
    void malformedGreKeysAndAddressesAreReportedWithTheCommand() {
        LinkState badKey = new LinkState("dtm1", 1400, Optional.of("gre"), java.util.Map.of("remote", "192.0.2.2", "ikey", "zz"),
                Optional.empty());
        JsonFields.UnexpectedOutputException e = assertThrows(JsonFields.UnexpectedOutputException.class,
                () -> RunningStateDecoder.decode(TunnelIntent.Role.DEVICE, badKey, List.of(), List.of(), Optional.empty()));
        assertTrue(e.getMessage().contains("ip -j -d link show dev dtm1: GRE ikey 'zz' is neither a number nor a dotted quad"),
                e.getMessage());
        LinkState badRemote = new LinkState("dtm1", 1400, Optional.of("ipip"), java.util.Map.of("remote", "nowhere"), Optional.empty());
        e = assertThrows(JsonFields.UnexpectedOutputException.class,
                () -> RunningStateDecoder.decode(TunnelIntent.Role.DEVICE, badRemote, List.of(), List.of(), Optional.empty()));
        assertTrue(e.getMessage().contains("'nowhere' is not an IP address"), e.getMessage());
        LinkState numericKey = new LinkState("dtm1", 1400, Optional.of("gre"),
                java.util.Map.of("remote", "192.0.2.2", "ikey", 7L, "okey", "7"), Optional.empty());
        assertEquals(7, assertDoesNotThrowDecode(numericKey).key());
    }

    private static TunnelIntent assertDoesNotThrowDecode(LinkState link) {
        try {
            return RunningStateDecoder.decode(TunnelIntent.Role.DEVICE, link, List.of(), List.of(), Optional.empty());
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }
}
