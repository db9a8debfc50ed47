package net.dtm.vendor.linux;

import static net.dtm.vendor.linux.Samples.ip;
import static net.dtm.vendor.linux.Samples.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import net.dtm.api.Cidr;

/** Parsing of recorded {@code ip -j} output and {@code wg show dump}. */
class ToolOutputParsingTest {

    @Test
    void linkListingGivesNamesKindsMtusAndAliases() {
        List<LinkState> links = LinkState.parse(text("linkA-list.json"), "ip -j -d link show");
        assertEquals(List.of("lo", "vcapA", "dtm0", "dtm6"), links.stream().map(LinkState::name).toList());
        assertEquals(Optional.empty(), links.get(0).kind());
        assertEquals(Optional.of("veth"), links.get(1).kind());
        assertEquals(Optional.of("vxlan"), links.get(2).kind());
        assertEquals(1300, links.get(2).mtu());
        assertEquals(Optional.of("dtm:local=1.2.3.4"), links.get(2).alias());
        assertEquals(42L, links.get(2).infoData().get("id"));
        assertEquals(Optional.empty(), links.get(3).alias());
    }

    @Test
    void wireguardGoIsATunLink() {
        LinkState tun = LinkState.parse(text("wggo-link.json"), "x").get(0);
        assertEquals(Optional.of("tun"), tun.kind());
        assertEquals("tun", tun.infoData().get("type"));
    }

    @Test
    void linkWithoutNameOrMtuIsUnexpected() {
        JsonFields.UnexpectedOutputException e = assertThrows(JsonFields.UnexpectedOutputException.class,
                () -> LinkState.parse("[{\"mtu\":1500}]", "ip -j -d link show dev x"));
        assertEquals("ip -j -d link show dev x: field \"ifname\" is missing", e.getMessage());
        e = assertThrows(JsonFields.UnexpectedOutputException.class, () -> LinkState.parse("[{\"ifname\":\"x\"}]", "src"));
        assertEquals("src: field \"mtu\" is missing", e.getMessage());
    }

    @Test
    void addressesOfEveryInterfaceWithScope() {
        List<AddressEntry> all = AddressEntry.parse(text("addrA-all.json"), "ip -j addr show");
        assertTrue(all.contains(new AddressEntry("lo", ip("127.0.0.1"), 8, "host")));
        assertTrue(all.contains(new AddressEntry("vcapA", ip("192.168.77.1"), 24, "global")));
        assertTrue(all.contains(new AddressEntry("vcapA", ip("fd00:77::1"), 64, "global")));
        assertTrue(all.contains(new AddressEntry("dtm0", ip("10.9.0.1"), 30, "global")));
        List<AddressEntry> dtm6 = AddressEntry.parse(text("vxlan6-addr.json"), "x");
        assertEquals(2, dtm6.size());
        assertTrue(dtm6.get(0).global());
        assertFalse(dtm6.get(1).global(), "link-local fe80::");
    }

    @Test
    void addressEntriesWithoutLocalAreSkipped() {
        assertEquals(List.of(), AddressEntry.parse("[{\"ifname\":\"x\",\"addr_info\":[{}]}]", "src"));
    }

    @Test
    void routesKeepOnlyThoseWithAGatewayAndSpellDefault() {
        List<GatewayRoute> v4 = GatewayRoute.parse(text("vxlan4-route4.json"), false, "x");
        assertEquals(List.of(new GatewayRoute(Cidr.parse("0.0.0.0/0"), ip("10.9.0.2")),
                new GatewayRoute(Cidr.parse("10.20.0.0/16"), ip("10.9.0.2"))), v4);
        List<GatewayRoute> v6 = GatewayRoute.parse(text("ip6tnl-route6.json"), true, "x");
        assertEquals(List.of(new GatewayRoute(Cidr.parse("::/0"), ip("fd00:9:4::2"))), v6);
        assertEquals(List.of(), GatewayRoute.parse(text("vxlan4-route6.json"), true, "x"));
        assertEquals(List.of(new GatewayRoute(Cidr.parse("10.1.2.3/32"), ip("10.9.0.2"))),
                GatewayRoute.parse("[{\"dst\":\"10.1.2.3\",\"gateway\":\"10.9.0.2\"}]", false, "x"), "a host route has no /32");
    }

    @Test
    void malformedRouteIsUnexpected() {
        JsonFields.UnexpectedOutputException e = assertThrows(JsonFields.UnexpectedOutputException.class,
                () -> GatewayRoute.parse("[{\"dst\":\"10.0.0.1/8\",\"gateway\":\"10.9.0.2\"}]", false, "ip -4 -j route show dev x"));
        assertTrue(e.getMessage().startsWith("ip -4 -j route show dev x: '10.0.0.1/8' is not a prefix"), e.getMessage());
        e = assertThrows(JsonFields.UnexpectedOutputException.class,
                () -> GatewayRoute.parse("[{\"gateway\":\"10.9.0.2\"}]", false, "src"));
        assertEquals("src: field \"dst\" is missing", e.getMessage());
    }

    @Test
    void routeLookupGivesTheOutgoingDevice() {
        assertEquals(Optional.of("vcapA"), GatewayRoute.lookupDevice(text("route-get4.json"), "x"));
        assertEquals(Optional.of("vcapA"), GatewayRoute.lookupDevice(text("route-get6.json"), "x"));
        assertEquals(Optional.of("dtm0"), GatewayRoute.lookupDevice(text("route-get-via-tunnel.json"), "x"));
        assertEquals(Optional.empty(), GatewayRoute.lookupDevice("[]", "x"));
    }

    @Test
    void wgDumpGivesPortAndPeers() {
        WireGuardState s = WireGuardState.parseDump(text("wgk-dump.txt"), "wg show dtm7 dump");
        assertEquals(51820, s.listenPort());
        assertEquals(1, s.peers().size());
        WireGuardState.Peer p = s.peers().get(0);
        assertEquals(Samples.PEER_KEY, p.publicKey());
        assertEquals(Optional.of(Samples.endpoint("192.0.2.2", 51821)), p.endpoint());
        assertEquals(Samples.cidrs("10.9.5.2/32", "10.40.0.0/16"), p.allowedIps());
        assertEquals(25, p.persistentKeepalive());
        WireGuardState two = WireGuardState.parseDump(text("wg-dump-two-peers.txt"), "x");
        assertEquals(Optional.of(Samples.endpoint("2001:db8::2", 51821)), two.peers().get(0).endpoint());
        assertEquals(Optional.empty(), two.peers().get(1).endpoint());
        assertEquals(List.of(), two.peers().get(1).allowedIps());
        assertEquals(0, two.peers().get(1).persistentKeepalive());
        assertTrue(WireGuardState.parseDump(text("wg-dump-no-peer.txt"), "x").peers().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "aPrivateKeyThatMustNeverBeQuotedAnywhere000=\tpub\t51820\n",
            "aPrivateKeyThatMustNeverBeQuotedAnywhere000=\tpub\tport\toff\n",
            "aPrivateKeyThatMustNeverBeQuotedAnywhere000=\tpub\t1\toff\nk\t(none)\t1.2.3.4:5\t(none)\t0\t0\t0\n",
            "aPrivateKeyThatMustNeverBeQuotedAnywhere000=\tpub\t1\toff\nk\t(none)\t1.2.3.4\t(none)\t0\t0\t0\toff\n",
            "aPrivateKeyThatMustNeverBeQuotedAnywhere000=\tpub\t1\toff\nk\t(none)\t2001:db8::1:5\t(none)\t0\t0\t0\toff\n",
            "aPrivateKeyThatMustNeverBeQuotedAnywhere000=\tpub\t1\toff\nk\t(none)\t1.2.3.4:99999\t(none)\t0\t0\t0\toff\n",
            "aPrivateKeyThatMustNeverBeQuotedAnywhere000=\tpub\t1\toff\nk\t(none)\t1.2.3.4:5\t(none)\t0\t0\t0\tsoon\n",
            "aPrivateKeyThatMustNeverBeQuotedAnywhere000=\tpub\t1\toff\nk\t(none)\t1.2.3.4:5\t10.0.0.1/8\t0\t0\t0\toff\n",
    })
    void malformedDumpIsUnexpectedAndNeverQuotesThePrivateKey(String dump) {
        JsonFields.UnexpectedOutputException e = assertThrows(JsonFields.UnexpectedOutputException.class,
                () -> WireGuardState.parseDump(dump, "wg show dtm7 dump"));
        assertTrue(e.getMessage().startsWith("wg show dtm7 dump"), e.getMessage());
        assertFalse(e.getMessage().contains("aPrivateKey"), e.getMessage());
    }

    @Test
    void commandResultsNeverShowStandardOutput() {
        CommandRunner.Result r = new CommandRunner.Result(0, text("wgk-dump.txt"), "");
        assertFalse(r.toString().contains("aPrivateKey"));
        assertEquals("exit 1: boom", new CommandRunner.Result(1, "secret", " boom\n").toString());
    }
}
