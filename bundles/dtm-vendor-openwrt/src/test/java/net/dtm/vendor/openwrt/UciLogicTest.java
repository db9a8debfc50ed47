package net.dtm.vendor.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.TunnelIntent;

/** The adapter's pure logic: names, lines, parsing of what the device prints, planning a batch. */
class UciLogicTest {

    private static final String SHOW = """
            network.loopback=interface
            network.loopback.device='lo'
            network.@device[0]=device
            network.@device[0].name='br-lan'
            network.@device[0].ports='lan1' 'lan2'
            network.odd=interface
            network.odd.description='it'\\''s'
            network.dtm0=interface
            network.dtm0.dtm_owner='1'
            network.dtm0.proto='vxlan'
            network.dtm0.ipaddr='192.0.2.10'
            network.dtm0.peeraddr='198.51.100.1'
            network.dtm0.vid='4242'
            network.dtm0.mtu='1400'
            network.dtm0_inner=interface
            network.dtm0_inner.proto='static'
            network.dtm0_inner.device='dtm0'
            network.dtm0_inner.ipaddr='10.99.0.1'
            network.dtm0_inner.netmask='255.255.255.252'
            network.dtm0_r_10_200_0_0_16=route
            network.dtm0_r_10_200_0_0_16.interface='dtm0_inner'
            network.dtm0_r_10_200_0_0_16.target='10.200.0.0'
            network.dtm0_r_10_200_0_0_16.netmask='255.255.0.0'
            network.dtm0_r_10_200_0_0_16.gateway='10.99.0.2'
            network.dtm00=interface
            network.dtm00.dtm_owner='1'
            network.dtm00.proto='vxlan6'
            network.dtm_op=interface
            network.dtm_op.proto='gre'
            network.dtm_op.ipaddr='192.0.2.10'
            network.dtm_op.peeraddr='198.51.100.9'
            network.dtm_x=interface
            network.dtm_x.dtm_owner='1'
            network.dtm_x.proto='static'
            """;

    /** {@code ubus call network.device status}, as netifd prints it (abridged). */
    private static final String DEVICES = "{\"eth0\": {\"present\": true, \"mtu\": 1500},"
            + " \"dtm0\": {\"external\": false, \"present\": true, \"type\": \"vxlan\", \"up\": true, \"mtu\": 1400, \"mtu6\": 1400}}";
    /** {@code ubus call network.interface.dtm0_inner status} (abridged). */
    private static final String INNER = "{\"up\": true, \"l3_device\": \"dtm0\", \"device\": \"dtm0\","
            + " \"ipv4-address\": [{\"address\": \"10.99.0.1\", \"mask\": 30}],"
            + " \"ipv6-address\": [{\"address\": \"fd00::1\", \"mask\": 64}]}";

    @Test
    void uciShowIsParsedWithListsQuotesAndAnonymousSections() {
        UciShow u = UciShow.parse("network", SHOW);
        assertEquals(List.of("lan1", "lan2"), u.section("@device[0]").orElseThrow().options().get("ports"));
        assertEquals(Optional.of("it's"), u.section("odd").orElseThrow().get("description"));
        assertEquals("route", u.section("dtm0_r_10_200_0_0_16").orElseThrow().type());
        assertThrows(IllegalArgumentException.class, () -> UciShow.parse("network", "system.x=y\n"));
    }

    @Test
    void stateIsDecodedFromUciAndTheKernel() throws ConfigException {
        UciShow u = UciShow.parse("network", SHOW);
        TunnelIntent t = TunnelState.decode(u, "dtm0", TunnelIntent.Role.GATEWAY,
                TunnelState.kernelLink(DEVICES, INNER, "dtm0")).orElseThrow();
        assertEquals(TunnelIntent.Role.GATEWAY, t.role());
        assertEquals(4789, t.remoteOuter().getPort(), "netifd's default port");
        assertEquals(4242, t.key());
        assertEquals("10.99.0.1", Cidr.format(t.innerAddress()));
        assertEquals(30, t.prefixLength(), "legacy netmask form");
        assertEquals(List.of(Cidr.parse("10.200.0.0/16")), t.routes());
        assertEquals("10.99.0.2", Cidr.format(t.peerInner()));
        assertEquals(1400, t.mtu());
        TunnelIntent down = TunnelState.decode(u, "dtm0", TunnelIntent.Role.DEVICE, Optional.empty()).orElseThrow();
        assertEquals(0, down.mtu(), "a device netifd did not create must not read as in sync");
        assertEquals(Optional.empty(), TunnelState.decode(u, "dtm1", TunnelIntent.Role.DEVICE, Optional.empty()));
        assertEquals(Optional.empty(), TunnelState.kernelLink(DEVICES, INNER, "gre4-dtm0"));
        assertEquals(2, TunnelState.kernelLink(DEVICES, INNER, "dtm0").orElseThrow().addresses().size());
        assertEquals(List.of(), TunnelState.kernelLink(DEVICES, INNER.replace("\"up\": true", "\"up\": false"), "dtm0")
                .orElseThrow().addresses(), "an interface that is down has no address");
        assertEquals(Optional.empty(), TunnelState.decode(u, "loopback", TunnelIntent.Role.DEVICE, Optional.empty()),
                "a section DTM does not own reads as absent");
        assertEquals(Optional.empty(), TunnelState.decode(u, "dtm_op", TunnelIntent.Role.DEVICE, Optional.empty()),
                "an operator's tunnel named like DTM's is not DTM's");
        assertThrows(ConfigException.class, () -> TunnelState.decode(u, "dtm_x", TunnelIntent.Role.DEVICE, Optional.empty()),
                "DTM's section that is no tunnel");
        assertThrows(ConfigException.class, () -> TunnelState.decode(u, "dtm00", TunnelIntent.Role.DEVICE, Optional.empty()),
                "a tunnel without its addresses");
    }

    @Test
    void namesFollowTheIntentAndRefuseWhatUciCannotHold() {
        assertEquals("dtm0_r_10_200_0_0_16", UciNames.route("dtm0", Cidr.parse("10.200.0.0/16")));
        assertEquals("dtm0_r6_2001_db8_200___48", UciNames.route("dtm0", Cidr.parse("2001:db8:200::/48")));
        assertTrue(UciNames.isRouteOf("dtm0", "dtm0_r6_2001_db8_200___48"));
        assertFalse(UciNames.isRouteOf("dtm0", "dtm00_r_10_0_0_0_8"));
        assertEquals(List.of(), UciNames.problems("dtm_0"));
        assertEquals(1, UciNames.problems("dtm-0").size());
        assertEquals(1, UciNames.problems("a_inner").size());
        assertEquals(1, UciNames.problems("abcdefghijklmnop").size());
    }

    @Test
    void greKeysAboveWhatNetifdTakesAreRefused() {
        TunnelIntent g = OpenWrtLab.sample(net.dtm.api.TunnelType.GRE);
        OpenWrtTunnels tunnels = new OpenWrtTunnels();
        java.util.function.LongFunction<TunnelIntent> keyed = k -> new TunnelIntent(g.name(), g.role(), g.type(), g.localOuter(),
                g.remoteOuter(), k, g.innerAddress(), g.prefixLength(), g.peerInner(), g.routes(), g.mtu(), g.wireGuard(), 0);
        assertEquals(List.of(), tunnels.validate(keyed.apply(2147483647L)));
        List<String> problems = tunnels.validate(keyed.apply(2147483648L));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("GRE key 2147483648 is above 2147483647"), problems.get(0));
        assertTrue(tunnels.create(g).contains("set network.dtm0.zone='lan'"), "netifd's gre proto would put it in wan");
    }

    @Test
    void linesHaveOneFixedShape() {
        assertEquals("set network.dtm0.mtu='1400'", UciLine.set("dtm0", "mtu", "1400"));
        assertTrue(UciLine.isSafe("delete network.dtm0"));
        assertTrue(UciLine.isSafe("set network.dtm0=interface"));
        for (String bad : List.of("set network.dtm0.mtu='1'; reboot", "set network.dtm0.mtu=1400", "commit network",
                "set system.x.y='1'", "set network.dtm0.mtu='1400'\nreboot", "delete network.dtm0 ")) {
            assertFalse(UciLine.isSafe(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> UciLine.set("dtm0", "mtu", "$(reboot)"));
        assertThrows(IllegalArgumentException.class, () -> UciLine.section("dtm-0", "interface"));
        assertEquals("255.255.255.252", Netmasks.ofLength(30));
        assertEquals("0.0.0.0", Netmasks.ofLength(0));
        assertEquals(30, Netmasks.length("255.255.255.252"));
        assertThrows(IllegalArgumentException.class, () -> Netmasks.length("255.0.255.0"));
    }

    @Test
    void deletingATunnelAlsoDeletesItsRoutesAndSkipsWhatIsAbsent() {
        UciShow u = UciShow.parse("network", SHOW);
        assertEquals(List.of("delete network.dtm0_inner", "delete network.dtm0", "delete network.dtm0_r_10_200_0_0_16"),
                OpenWrtSession.plan(new OpenWrtTunnels().delete("dtm0"), u));
        assertEquals(List.of(), OpenWrtSession.plan(List.of("delete network.dtm9", "delete network.dtm0.port"), u));
        assertEquals(List.of("set network.x=interface", "delete network.x"),
                OpenWrtSession.plan(List.of("set network.x=interface", "delete network.x"), u));
    }

    @Test
    void aScriptMarksEachCommandsOutcome() {
        String nonce = "0123456789abcdef";
        String script = DeviceCommands.script(nonce, List.of("uci show network", DeviceCommands.batch(
                "0123456789abcdef0123456789abcdef", List.of("set network.a=interface"))));
        assertTrue(script.startsWith("uci show network 2>&1\necho \"--dtm-" + nonce + "-rc-$?--\"\n"
                + "uci -P /var/run/rpcd/uci-0123456789abcdef0123456789abcdef batch <<'DTM_UCI_EOF' 2>&1\n"), script);
        assertTrue(script.endsWith("\nset network.a=interface\nDTM_UCI_EOF\necho \"--dtm-" + nonce + "-rc-$?--\"\n"), script);
        List<DeviceCommands.Part> parts = DeviceCommands.parts(nonce,
                "a\nb\n--dtm-" + nonce + "-rc-0--\nCommand failed: No response\n--dtm-" + nonce + "-rc-5--\n", 2);
        assertEquals(new DeviceCommands.Part(0, "a\nb\n"), parts.get(0));
        assertEquals(new DeviceCommands.Part(DeviceCommands.UBUS_NO_DATA, "Command failed: No response\n"), parts.get(1));
        assertFalse(parts.get(1).ok());
        assertEquals("uci -P /var/run/rpcd/uci-<rpcd-session> batch", OpenWrtSession.oneLine(
                "uci -P /var/run/rpcd/uci-0123456789abcdef0123456789abcdef batch\n"), "session ids never reach a message");
        assertThrows(IllegalArgumentException.class, () -> DeviceCommands.parts(nonce, "a\n", 1));
        assertThrows(IllegalArgumentException.class, () -> DeviceCommands.batch("0123456789abcdef0123456789abcdef",
                List.of("set network.a=interface\nDTM_UCI_EOF")));
        assertThrows(IllegalArgumentException.class, () -> DeviceCommands.apply("x'; reboot", 30));
    }

    @Test
    void jsonAsTheToolsPrintIt() {
        Object o = Json.parse("{\"a\": [1, -2.5, true, null, \"x\\\"y\\u0041\"], \"b\": {}}");
        assertEquals(Map.of("a", java.util.Arrays.asList(1L, -2.5, true, null, "x\"yA"), "b", Map.of()), o);
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1] x"));
    }

    @Test
    void theComponentPublishesThePlainAdapterWithVendorAndVersions() {
        java.util.Dictionary<String, Object> props = OpenWrtAdapterComponent.properties(new OpenWrtAdapter(target -> {
            throw new ConfigException("unused", false);
        }));
        assertEquals("openwrt", props.get(net.dtm.spi.config.VendorAdapter.PROP_VENDOR));
        assertEquals(List.of("21.", "22.", "23.", "24."),
                List.of((String[]) props.get(net.dtm.spi.config.VendorAdapter.PROP_OS_VERSIONS)));
    }
}
