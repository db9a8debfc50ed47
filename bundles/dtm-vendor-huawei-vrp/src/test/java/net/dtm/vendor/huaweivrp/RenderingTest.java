package net.dtm.vendor.huaweivrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.CommitConfirmBehaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.WireGuardKeys;
import net.dtm.spi.config.WireGuardPeerBehaviour;

/** What the behaviours render, how names map to tunnels, and the target options. */
class RenderingTest {

    private final TunnelNumbers numbers = new TunnelNumbers(4000);
    private final VrpTunnelInterfaces tunnels = new VrpTunnelInterfaces(numbers);
    private final VrpAddressing addressing = new VrpAddressing(numbers);
    private final VrpRoutes routes = new VrpRoutes(numbers);

    @Test
    void typesAreGreAndIpipOnlyAndSaySoForTheOthers() {
        assertEquals(Set.of(TunnelType.GRE, TunnelType.IPIP), tunnels.types());
        TunnelIntent g = Samples.gre("dtm7", 0);
        TunnelIntent vxlan = new TunnelIntent("dtm7", g.role(), TunnelType.VXLAN, g.localOuter(),
                new InetSocketAddress(g.remoteOuter().getAddress(), 4789), 42, g.innerAddress(), 30, g.peerInner(), g.routes(),
                1400, Optional.empty(), 0);
        assertTrue(tunnels.validate(vxlan).get(0).contains("NVE"), tunnels.validate(vxlan).toString());
        TunnelIntent wg = new TunnelIntent("dtm7", g.role(), TunnelType.WIREGUARD, g.localOuter(), vxlan.remoteOuter(), 0,
                g.innerAddress(), 30, g.peerInner(), g.routes(), 1400,
                Optional.of(new WireGuardKeys(Path.of("/k"), "x".repeat(43) + "=", 0)), 0);
        assertTrue(tunnels.validate(wg).get(0).contains("no WireGuard"));
        HuaweiVrpAdapter adapter = new HuaweiVrpAdapter(new InMemorySsh(null));
        assertTrue(adapter.behaviour(WireGuardPeerBehaviour.class).isEmpty());
        assertTrue(adapter.behaviour(CommitConfirmBehaviour.class).isPresent());
    }

    @Test
    void createRendersOneInterfaceBlockWithTheOwnerDescription() {
        assertEquals(List.of("interface Tunnel0/0/4007", "description dtm:dtm7", "tunnel-protocol gre", "source 192.0.2.1",
                "destination 198.51.100.7", "gre key plain 4711", "quit"), tunnels.create(Samples.gre("dtm7", 4711)));
        assertEquals(List.of("interface Tunnel0/0/4007", "description dtm:dtm7", "tunnel-protocol gre", "source 192.0.2.1",
                "destination 198.51.100.7", "quit"), tunnels.create(Samples.gre("dtm7", 0)));
        assertEquals(List.of("interface Tunnel0/0/4007", "description dtm:dtm7", "tunnel-protocol ipv4-ipv4", "source 192.0.2.1",
                "destination 198.51.100.7", "quit"), tunnels.create(Samples.ipip("dtm7")));
    }

    @Test
    void updateIsInPlaceAndTakesTheKeyOffBeforeTheProtocolChanges() {
        TunnelIntent keyed = Samples.gre("dtm7", 4711);
        assertFalse(tunnels.recreates(Samples.ipip("dtm7"), keyed));
        assertEquals(List.of("interface Tunnel0/0/4007", "undo gre key", "tunnel-protocol ipv4-ipv4", "source 192.0.2.1",
                "destination 198.51.100.7", "quit"), tunnels.update(Samples.ipip("dtm7"), keyed));
        assertEquals(List.of("interface Tunnel0/0/4007", "undo gre key", "tunnel-protocol gre", "source 192.0.2.1",
                "destination 198.51.100.7", "gre key plain 5", "quit"), tunnels.update(Samples.gre("dtm7", 5), keyed));
        assertEquals(List.of("interface Tunnel0/0/4007", "tunnel-protocol gre", "source 192.0.2.1", "destination 198.51.100.7",
                "gre key plain 5", "quit"), tunnels.update(Samples.gre("dtm7", 5), Samples.ipip("dtm7")));
        assertEquals(List.of("undo interface Tunnel0/0/4007"), tunnels.delete("dtm7"));
    }

    @Test
    void addressMtuAndRoutesUseMasksAndTheTunnelAsOutgoingInterface() {
        TunnelIntent g = Samples.gre("dtm7", 0);
        assertEquals(List.of("interface Tunnel0/0/4007", "ip address 10.220.0.1 255.255.255.252", "quit"),
                addressing.addAddress("dtm7", g.innerAddress(), 30));
        assertEquals(List.of("interface Tunnel0/0/4007", "undo ip address 10.220.0.1 255.255.255.252", "quit"),
                addressing.removeAddress("dtm7", g.innerAddress(), 30));
        assertEquals(List.of(), addressing.removeAddress("dtm7", Cidr.parseLiteral("0.0.0.0"), 0));
        assertEquals(List.of("interface Tunnel0/0/4007", "mtu 1380", "quit"), new VrpLinkSettings(numbers).setMtu("dtm7", 1380));
        assertEquals(List.of("ip route-static 10.221.0.0 255.255.0.0 Tunnel0/0/4007 10.220.0.2"),
                routes.addRoute("dtm7", Cidr.parse("10.221.0.0/16"), g.peerInner()));
        assertEquals(List.of("undo ip route-static 0.0.0.0 0.0.0.0 Tunnel0/0/4007"), routes.removeRoute("dtm7", Cidr.parse("0.0.0.0/0")));
    }

    @Test
    void ipv6InnerAddressesAndRoutes() {
        assertEquals(List.of("interface Tunnel0/0/4007", "ipv6 enable", "ipv6 address fd00::1/64", "quit"),
                addressing.addAddress("dtm7", Cidr.parseLiteral("fd00::1"), 64));
        assertEquals(List.of("interface Tunnel0/0/4007", "undo ipv6 address fd00::1/64", "quit"),
                addressing.removeAddress("dtm7", Cidr.parseLiteral("fd00::1"), 64));
        assertEquals(List.of("ipv6 route-static fd01:: 48 Tunnel0/0/4007 fd00::2"),
                routes.addRoute("dtm7", Cidr.parse("fd01::/48"), Cidr.parseLiteral("fd00::2")));
        assertEquals(List.of("undo ipv6 route-static fd01:: 48 Tunnel0/0/4007"), routes.removeRoute("dtm7", Cidr.parse("fd01::/48")));
    }

    @Test
    void validateExplainsNamesWithoutNumberAndIpv6() {
        TunnelIntent g = Samples.gre("dtmgw", 0);
        List<String> p = tunnels.validate(g);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains("'dtmgw'") && p.get(0).contains("tunnel.base") && p.get(0).contains("dtmgw1"), p.get(0));
        TunnelIntent v6 = Samples.intent("dtm7", TunnelType.GRE, 0, "fd00::1", 64, "fd00::2", 1400, "fd01::/48");
        assertEquals(List.of(), tunnels.validate(v6), "GRE carries IPv6");
        TunnelIntent ipip6 = Samples.intent("dtm7", TunnelType.IPIP, 0, "fd00::1", 64, "fd00::2", 1400);
        assertTrue(tunnels.validate(ipip6).stream().anyMatch(s -> s.contains("IPv4 only")), tunnels.validate(ipip6).toString());
        TunnelIntent outer6 = new TunnelIntent("dtm7", g.role(), TunnelType.GRE, Cidr.parseLiteral("2001:db8::1"),
                new InetSocketAddress(Cidr.parseLiteral("2001:db8::2"), 0), 0, g.innerAddress(), 30, g.peerInner(), g.routes(),
                1400, Optional.empty(), 0);
        assertTrue(tunnels.validate(outer6).stream().anyMatch(s -> s.contains("over IPv4 only")), tunnels.validate(outer6).toString());
        assertEquals(List.of(), tunnels.validate(Samples.gre("dtm7", 4711)));
    }

    @Test
    void namesMapToTunnelNumbersFromTheBase() {
        TunnelNumbers numbers = new TunnelNumbers(4000);
        assertEquals("Tunnel0/0/4007", numbers.interfaceOf("dtm7"));
        assertEquals("Tunnel0/0/4012", numbers.interfaceOf("dtm-gw.12"));
        assertEquals(Optional.of(0), new TunnelNumbers(0).number("dtm0"));
        assertTrue(numbers.problem("dtm99999").orElseThrow().contains("above 65535"));
        assertTrue(numbers.problem("dtm123456").orElseThrow().contains("ends with no number (1 to 5 digits)"),
                "the whole run of digits counts, not its last five");
        assertThrows(IllegalArgumentException.class, () -> numbers.interfaceOf("dtm"));
        assertEquals("Tunnel0/0/10", new TunnelNumbers(0).interfaceOf("dtm10"));
        assertTrue(new TunnelNumbers(0).isInterfaceOf("dtm10", "Tunnel0/0/10"));
        assertFalse(numbers.isInterfaceOf("dtm10", "Tunnel0/0/10"));
        assertThrows(IllegalArgumentException.class, () -> new TunnelNumbers(65536));
    }

    @Test
    void theLinesTheCoreRecordsNameTheRealInterfaceNoPlaceholder() {
        TunnelNumbers based = new TunnelNumbers(100);
        TunnelIntent g = Samples.gre("dtm7", 9);
        List<String> all = new java.util.ArrayList<>(new VrpTunnelInterfaces(based).create(g));
        all.addAll(new VrpTunnelInterfaces(based).update(Samples.ipip("dtm7"), g));
        all.addAll(new VrpAddressing(based).addAddress("dtm7", g.innerAddress(), 30));
        all.addAll(new VrpLinkSettings(based).setMtu("dtm7", 1400));
        all.addAll(new VrpRoutes(based).addRoute("dtm7", Cidr.parse("10.221.0.0/16"), g.peerInner()));
        all.addAll(new VrpTunnelInterfaces(based).delete("dtm7"));
        assertTrue(all.stream().noneMatch(l -> l.contains("{") || l.contains("}")), all.toString());
        assertEquals(6, all.stream().filter(l -> l.contains("Tunnel0/0/107")).count(), all.toString());
    }

    @Test
    void aKeyDtmCannotReadIsNeverWritten() {
        TunnelIntent unreadable = Samples.gre("dtm7", TunnelConfig.UNREADABLE_KEY);
        assertEquals(List.of("interface Tunnel0/0/4007", "tunnel-protocol gre", "source 192.0.2.1", "destination 198.51.100.7", "quit"),
                tunnels.update(unreadable, Samples.gre("dtm7", 4711)), "rolling back to a cipher key leaves the key as it is");
        assertEquals(List.of("interface Tunnel0/0/4007", "undo gre key", "tunnel-protocol gre", "source 192.0.2.1",
                "destination 198.51.100.7", "gre key plain 4711", "quit"), tunnels.update(Samples.gre("dtm7", 4711), unreadable));
        assertEquals(List.of("interface Tunnel0/0/4007", "undo gre key", "tunnel-protocol gre", "source 192.0.2.1",
                "destination 198.51.100.7", "quit"), tunnels.update(Samples.gre("dtm7", 0), unreadable));
        assertFalse(tunnels.create(unreadable).stream().anyMatch(l -> l.startsWith("gre key")));
    }

    @Test
    void masks() {
        assertEquals("255.255.255.252", VrpSyntax.mask(30));
        assertEquals("0.0.0.0", VrpSyntax.mask(0));
        assertEquals("255.255.255.255", VrpSyntax.mask(32));
        assertEquals(17, VrpSyntax.maskLength("255.255.128.0"));
        assertThrows(IllegalArgumentException.class, () -> VrpSyntax.maskLength("255.0.255.0"));
    }

    @Test
    void blocksOfOneInterfaceAreJoined() {
        assertEquals(List.of("interface Tunnel0/0/1", "description dtm:dtm1", "mtu 1400", "ip address 10.0.0.1 255.255.255.252",
                "quit", "ip route-static 10.1.0.0 255.255.0.0 Tunnel0/0/1 10.0.0.2", "interface Tunnel0/0/1", "mtu 1300", "quit"),
                CandidateWriter.joinBlocks(List.of("interface Tunnel0/0/1", "description dtm:dtm1", "quit", "interface Tunnel0/0/1",
                        "mtu 1400", "quit", "interface Tunnel0/0/1", "ip address 10.0.0.1 255.255.255.252", "quit",
                        "ip route-static 10.1.0.0 255.255.0.0 Tunnel0/0/1 10.0.0.2", "interface Tunnel0/0/1", "mtu 1300", "quit")));
    }

    @Test
    void trialSecondsAreWholeAndAtLeastSixty() {
        assertEquals(60, CandidateWriter.trialSeconds(java.time.Duration.ofSeconds(15)));
        assertEquals(76, CandidateWriter.trialSeconds(java.time.Duration.ofMillis(75_001)));
        assertEquals(195, CandidateWriter.trialSeconds(java.time.Duration.ofSeconds(195)));
    }

    @Test
    void targetOptions() throws ConfigException {
        TunnelNumbers n = new TunnelNumbers(4000);
        assertEquals(4000, VrpTarget.of(Samples.target("r1", 0, Map.of()), n).numbers().base());
        assertEquals(java.time.Duration.ofSeconds(30), VrpTarget.of(Samples.target("r1", 0, Map.of()), n).commandTimeout());
        assertEquals(4000, VrpTarget.of(Samples.target("r1", 0, Map.of("tunnel.base", "4000")), n).numbers().base(),
                "the adapter's own base may be repeated");
        ConfigException unknown = assertThrows(ConfigException.class, () -> VrpTarget.of(Samples.target("r1", 0, Map.of("netns", "x")), n));
        assertTrue(unknown.getMessage().contains("netns") && unknown.rejected());
        assertThrows(ConfigException.class, () -> VrpTarget.of(net.dtm.spi.config.DeviceTarget.local("huawei-vrp"), n));
    }

    @Test
    void tunnelBaseIsTheAdaptersAndADifferentOneOnADeviceIsAClearError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> VrpTarget.of(Samples.target("r1", 22, Map.of("tunnel.base", "100")), new TunnelNumbers(4000)));
        assertTrue(e.getMessage().contains("tunnel.base=100") && e.getMessage().contains("4000")
                && e.getMessage().contains("net.dtm.vendor.huaweivrp") && e.getMessage().contains("r1:22"), e.getMessage());
        HuaweiVrpAdapter adapter = new HuaweiVrpAdapter(new InMemorySsh(null), 100);
        assertEquals(List.of("undo interface Tunnel0/0/107"),
                adapter.behaviour(net.dtm.spi.config.TunnelInterfaceBehaviour.class).orElseThrow().delete("dtm7"));
        assertThrows(IllegalArgumentException.class, () -> new HuaweiVrpAdapter(new InMemorySsh(null), 70000));
    }

    @Test
    void theCommandTimeoutIsCommandTimeoutSecondsOneToSixHundred() throws ConfigException {
        TunnelNumbers n = new TunnelNumbers(4000);
        assertEquals(java.time.Duration.ofSeconds(1),
                VrpTarget.of(Samples.target("r1", 0, Map.of("command.timeout.seconds", "1")), n).commandTimeout());
        assertEquals(java.time.Duration.ofSeconds(600),
                VrpTarget.of(Samples.target("r1", 0, Map.of("command.timeout.seconds", " 600 ")), n).commandTimeout());
        for (String bad : List.of("0", "601", "3600", "x", "")) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> VrpTarget.of(Samples.target("r1", 0, Map.of("command.timeout.seconds", bad)), n), bad);
            assertTrue(e.getMessage().contains("command.timeout.seconds") && e.getMessage().contains("1..600"), e.getMessage());
        }
        ConfigException old = assertThrows(ConfigException.class,
                () -> VrpTarget.of(Samples.target("r1", 0, Map.of("command.timeout", "30")), n));
        assertTrue(old.getMessage().contains("command.timeout is now command.timeout.seconds"), old.getMessage());
    }

    @Test
    void aNameWithALeadingZeroIsRefusedItWouldShareATunnel() {
        List<String> p = tunnels.validate(Samples.gre("dtm07", 0));
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains("leading zero"), p.get(0));
        assertEquals(List.of(), tunnels.validate(Samples.gre("dtm0", 0)));
        assertEquals(List.of(), tunnels.validate(Samples.gre("dtm70", 0)));
    }
}
