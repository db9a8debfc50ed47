package net.dtm.vendor.linux;

import static net.dtm.vendor.linux.Samples.PEER_KEY;
import static net.dtm.vendor.linux.Samples.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.TunnelType;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.TunnelIntent;

/** check(): what the target shows about an intent, read only. */
class EndpointChecksTest {

    @TempDir
    Path dir;

    private static final TunnelIntent VXLAN = Samples.intent("dtm0", TunnelType.VXLAN, "192.168.77.1", "192.168.77.2", 4789, 42,
            "10.9.0.1", 30, "10.9.0.2", 1400);
    private static final TunnelIntent GRE6 = Samples.intent("dtm4", TunnelType.GRE, "fd00:77::1", "fd00:77::2", 0, 0, "10.9.2.1", 31,
            "10.9.2.0", 1400);

    private static EndpointChecks checks(Fixture f) {
        LinuxHost host = f.host(Optional.of("ns1"));
        KernelModules modules = new KernelModules(host, f.files.sysModule());
        return new EndpointChecks(host, modules, new WireGuardSupport(host, modules, f.files.tunDevice()));
    }

    @Test
    void aBuildableIntentHasNoProblems() throws Exception {
        Fixture f = new Fixture(dir).module("vxlan");
        f.runner.ok("ip -n ns1 -j addr show", text("addrA-all.json"))
                .ok("ip -n ns1 -j route get 192.168.77.2 from 192.168.77.1", text("route-get4.json"));
        assertEquals(List.of(), checks(f).check(VXLAN));
    }

    @Test
    void everyProblemIsASentence() throws Exception {
        Fixture f = new Fixture(dir);
        f.runner.ok("ip -n ns1 -j addr show", text("addrA-all.json"))
                .fail("ip -n ns1 -j route get 203.0.113.9", 2, "RTNETLINK answers: Network is unreachable\n")
                .fail("modprobe -n -q vxlan", 1, "");
        TunnelIntent t = VXLAN.withLocalOuter(Samples.ip("192.168.99.1")).withRemoteOuter(Samples.endpoint("203.0.113.9", 4789));
        assertEquals(List.of("local outer address 192.168.99.1 is not configured in netns ns1",
                "endpoint 203.0.113.9 unreachable in netns ns1: RTNETLINK answers: Network is unreachable",
                "the kernel lacks vxlan (VXLAN over IPv4): it is neither loaded nor built in, and modprobe cannot find it"),
                checks(f).check(t));
        assertEquals("ip -n ns1 -j route get 203.0.113.9", f.runner.lines().get(1), "no 'from' an address that is not here");
    }

    @Test
    void unreachableFromTheLocalAddress() throws Exception {
        Fixture f = new Fixture(dir).module("ip6_gre");
        f.runner.ok("ip -n ns1 -j addr show", text("addrA-all.json"))
                .fail("ip -n ns1 -j route get fd00:77::2 from fd00:77::1", 2, "RTNETLINK answers: No route to host");
        assertEquals(List.of("endpoint fd00:77::2 unreachable from fd00:77::1: RTNETLINK answers: No route to host"),
                checks(f).check(GRE6));
    }

    @Test
    void anEndpointRoutedThroughTheTunnelItselfIsAProblem() throws Exception {
        Fixture f = new Fixture(dir).module("vxlan");
        f.runner.ok("ip -n ns1 -j addr show", text("addrA-all.json"))
                .ok("ip -n ns1 -j route get 8.8.8.8", text("route-get-via-tunnel.json"));
        TunnelIntent t = VXLAN.withLocalOuter(Samples.ip("0.0.0.0")).withRemoteOuter(Samples.endpoint("8.8.8.8", 4789));
        assertEquals(List.of("endpoint 8.8.8.8 is routed through the tunnel dtm0 itself; it needs a route outside the tunnel"),
                checks(f).check(t));
        assertEquals(List.of("ip -n ns1 -j route get 8.8.8.8"), f.runner.lines(), "an unspecified local address is not looked up");
    }

    @Test
    void aModuleModprobeCanLoadIsAvailable() throws Exception {
        Fixture f = new Fixture(dir);
        f.runner.ok("ip -n ns1 -j addr show", text("addrA-all.json")).ok("ip -n ns1 -j route get", text("route-get6.json"))
                .ok("modprobe -n -q ip6_gre", "");
        assertEquals(List.of(), checks(f).check(GRE6));
        Fixture g = new Fixture(dir.resolve("g"));
        g.missing.add("modprobe");
        g.runner.ok("ip -n ns1 -j addr show", text("addrA-all.json")).ok("ip -n ns1 -j route get", text("route-get6.json"));
        assertEquals(List.of("the kernel lacks ip6_gre (GRE over IPv6): it is neither loaded nor built in, and modprobe cannot find it"),
                checks(g).check(GRE6));
    }

    @Test
    void wireGuardNeedsTheKernelOrWireguardGoAndWgAndTheKeyFile() throws Exception {
        Fixture f = new Fixture(dir);
        f.missing.add("wireguard-go");
        f.missing.add("wg");
        f.runner.ok("ip -n ns1 -j addr show", text("addrA-all.json")).ok("ip -n ns1 -j route get", text("route-get4.json"))
                .fail("modprobe -n -q wireguard", 1, "");
        TunnelIntent wg = Samples.wireGuard("dtm7", "192.168.77.1", "192.168.77.2", 51820, "10.9.5.1", 30, "10.9.5.2", 1420,
                dir.resolve("absent.key"), PEER_KEY, 0, 0);
        assertEquals(List.of("WireGuard is unavailable in netns ns1: the kernel has no wireguard module and wireguard-go is not "
                        + "installed (install wireguard-go or a kernel with WireGuard)",
                "wg not found: install wireguard-tools",
                "WireGuard private key file " + dir.resolve("absent.key") + " does not exist or is not readable"),
                checks(f).check(wg));
    }

    @Test
    void wireGuardInUserSpaceIsFine() throws Exception {
        Fixture f = new Fixture(dir).tun();
        Path key = Files.writeString(dir.resolve("wg.key"), "x");
        f.runner.ok("ip -n ns1 -j addr show", text("addrA-all.json")).ok("ip -n ns1 -j route get", text("route-get4.json"))
                .fail("modprobe -n -q wireguard", 1, "");
        TunnelIntent wg = Samples.wireGuard("dtm7", "192.168.77.1", "192.168.77.2", 51820, "10.9.5.1", 30, "10.9.5.2", 1420,
                key, PEER_KEY, 0, 0);
        assertEquals(List.of(), checks(f).check(wg));
        Fixture g = new Fixture(dir.resolve("g"));
        g.runner.ok("ip -n ns1 -j addr show", text("addrA-all.json")).ok("ip -n ns1 -j route get", text("route-get4.json"))
                .fail("modprobe -n -q wireguard", 1, "");
        assertEquals(List.of("WireGuard is unavailable in netns ns1: the kernel has no wireguard module and "
                + g.files.tunDevice() + " does not exist for wireguard-go"), checks(g).check(wg));
    }

    @Test
    void anUnresolvedRemoteIsAProblemWithoutRunningAnything() throws Exception {
        Fixture f = new Fixture(dir);
        TunnelIntent t = VXLAN.withRemoteOuter(InetSocketAddress.createUnresolved("gw.example", 4789));
        assertEquals(List.of("remote outer 'gw.example' is not an IP address"), checks(f).check(t));
        assertEquals(List.of(), f.runner.lines());
    }

    @Test
    void unreadableAddressesOrRoutesAreChannelFailures() {
        Fixture f = new Fixture(dir);
        f.runner.ok("ip -n ns1 -j addr show", "nonsense");
        ConfigException e = assertThrows(ConfigException.class, () -> checks(f).check(VXLAN));
        assertFalse(e.rejected());
        Fixture g = new Fixture(dir.resolve("g"));
        g.runner.ok("ip -n ns1 -j addr show", text("addrA-all.json")).ok("ip -n ns1 -j route get", "[1]");
        e = assertThrows(ConfigException.class, () -> checks(g).check(VXLAN));
        assertFalse(e.rejected());
        assertEquals("cannot read the route to 192.168.77.2: ip -j route get 192.168.77.2 from 192.168.77.1: expected objects in the "
                + "array at top level, found 1", e.getMessage());
    }
}
