package net.dtm.vendor.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.spi.config.ConfigException;

/** Applying lines through a fake runner: what runs, and how every failure is reported. */
class BatchApplierTest {

    @TempDir
    Path dir;
    private Process child;

    @AfterEach
    void stopChild() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    private static final List<String> VXLAN_LINES = List.of(
            "ip link add name dtm0 type vxlan id 42 local 192.0.2.1 remote 192.0.2.2 dstport 4789",
            "ip link set dev dtm0 mtu 1400",
            "ip addr add 10.9.0.1/30 dev dtm0",
            "ip link set dev dtm0 up");

    @Test
    void ipLinesRunAsOneBatchOnStandardInput() throws Exception {
        Fixture f = new Fixture(dir);
        f.runner.ok("ip -batch -", "");
        f.applier(f.host()).apply(VXLAN_LINES);
        assertEquals(List.of("ip -batch -"), f.runner.lines());
        assertEquals("link add name dtm0 type vxlan id 42 local 192.0.2.1 remote 192.0.2.2 dstport 4789\n"
                + "link set dev dtm0 mtu 1400\naddr add 10.9.0.1/30 dev dtm0\nlink set dev dtm0 up\n", f.runner.commands.get(0).stdin());
    }

    @Test
    void inANamespaceIpUsesMinusNAndOtherToolsNetnsExec() throws Exception {
        Fixture f = new Fixture(dir).module("wireguard");
        f.runner.ok("ip -n ns1 -batch -", "").fail("ip netns exec ns1 wg show dtm7 peers", 1, "Unable to access interface")
                .ok("ip netns exec ns1 wg set", "");
        f.applier(f.host(Optional.of("ns1"))).apply(List.of("ip link add name dtm7 type wireguard", "wg set dtm7 peer K endpoint 1.2.3.4:5"));
        assertEquals(List.of("ip -n ns1 -batch -", "ip netns exec ns1 wg show dtm7 peers",
                "ip netns exec ns1 wg set dtm7 peer K endpoint 1.2.3.4:5"), f.runner.lines());
        assertEquals("link add name dtm7 type wireguard\n", f.runner.commands.get(0).stdin(), "kernel WireGuard: an ip line");
    }

    @Test
    void aRefusedLineIsNamedWithTheToolsErrorAndNothingAfterItRuns() {
        Fixture f = new Fixture(dir);
        f.runner.fail("ip -batch -", 1, "RTNETLINK answers: File exists\nCommand failed -:1\n").ok("wg", "");
        List<String> lines = List.of("wg set dtm0 listen-port 1", "ip link add name dtm0 type vxlan id 42 remote 192.0.2.2 dstport 4789",
                "ip link set dev dtm0 up", "wg set dtm0 listen-port 2");
        ConfigException e = assertThrows(ConfigException.class, () -> f.applier(f.host()).apply(lines));
        assertTrue(e.rejected());
        assertEquals("ip refused line 2 'ip link add name dtm0 type vxlan id 42 remote 192.0.2.2 dstport 4789' in this host: "
                + "RTNETLINK answers: File exists", e.getMessage());
        assertEquals(List.of("wg set dtm0 listen-port 1", "ip -batch -"), f.runner.lines(), "the last wg line never ran");
    }

    @Test
    void aBatchIpRefusesWithoutALineNumberNamesTheBatch() {
        Fixture f = new Fixture(dir);
        f.runner.fail("ip -batch -", 255, "Error: argument \"abc\" is wrong: Invalid \"mtu\" value\n\n");
        ConfigException e = assertThrows(ConfigException.class, () -> f.applier(f.host()).apply(VXLAN_LINES));
        assertTrue(e.rejected());
        assertEquals("ip refused the batch of lines 1..4 in this host (exit 255): Error: argument \"abc\" is wrong: "
                + "Invalid \"mtu\" value", e.getMessage());
    }

    @Test
    void aLineNumberOutsideTheBatchIsNotTrusted() {
        Fixture f = new Fixture(dir);
        f.runner.fail("ip -batch -", 1, "Command failed -:9\n");
        ConfigException e = assertThrows(ConfigException.class, () -> f.applier(f.host()).apply(VXLAN_LINES));
        assertEquals("ip refused the batch of lines 1..4 in this host (exit 1): (no error text)", e.getMessage());
    }

    @Test
    void aRefusedWgLineIsNamed() {
        Fixture f = new Fixture(dir);
        f.runner.ok("wg show dtm7 peers", "").fail("wg set", 1, "Unable to modify interface: Protocol not supported\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> f.applier(f.host()).apply(List.of("wg set dtm7 private-key /k peer K endpoint 1.2.3.4:5")));
        assertTrue(e.rejected());
        assertEquals("wg refused line 1 'wg set dtm7 private-key /k peer K endpoint 1.2.3.4:5' in this host: "
                + "Unable to modify interface: Protocol not supported", e.getMessage());
    }

    @Test
    void settingThePeerRemovesEveryOtherPeerInTheSameCall() throws Exception {
        Fixture f = new Fixture(dir);
        f.runner.ok("wg show dtm7 peers", "OLD1=\nKEEP=\n\nOLD2=\n").ok("wg set", "");
        f.applier(f.host()).apply(List.of("wg set dtm7 private-key /k peer KEEP= endpoint 1.2.3.4:5 persistent-keepalive off"));
        assertEquals("wg set dtm7 private-key /k peer KEEP= endpoint 1.2.3.4:5 persistent-keepalive off peer OLD1= remove peer OLD2= remove",
                f.runner.lines().get(1));
    }

    @Test
    void wgLinesWithoutAPeerAreRunAsTheyAre() throws Exception {
        Fixture f = new Fixture(dir);
        f.runner.ok("wg set", "");
        f.applier(f.host()).apply(List.of("wg set dtm7 listen-port 5"));
        assertEquals(List.of("wg set dtm7 listen-port 5"), f.runner.lines());
    }

    @Test
    void withoutKernelWireGuardTheLinkIsMadeByWireguardGo() throws Exception {
        Fixture f = new Fixture(dir).tun();
        f.runner.fail("modprobe -n -q wireguard", 1, "").ok("ip -batch -", "").ok("wireguard-go dtm7", "");
        f.applier(f.host()).apply(List.of("ip link add name dtm7 type wireguard", "ip link set dev dtm7 up"));
        assertEquals(List.of("modprobe -n -q wireguard", "wireguard-go dtm7", "ip -batch -"), f.runner.lines());
        assertEquals(Set.of("LOG_LEVEL", "WG_PROCESS_FOREGROUND"), f.runner.commands.get(1).unsetEnvironment(),
                "wireguard-go must daemonise and keep our pipes out of its child");
    }

    @Test
    void aRefusingWireguardGoIsNamedWithoutItsBanner() {
        Fixture f = new Fixture(dir).tun();
        f.runner.fail("modprobe", 1, "").fail("wireguard-go dtm7", 1, "\u250c\u2500\u2500\u2510\n\u2502   Running wireguard-go is not "
                + "required \u2502\n\u2514\u2500\u2500\u2518\nERROR: (dtm7) Failed to create TUN device: no such file or directory\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> f.applier(f.host()).apply(List.of("ip link add name dtm7 type wireguard")));
        assertTrue(e.rejected());
        assertEquals("wireguard-go refused line 1 'ip link add name dtm7 type wireguard' in this host: "
                + "ERROR: (dtm7) Failed to create TUN device: no such file or directory", e.getMessage());
    }

    @Test
    void aMissingToolIsAChannelFailureThatSaysWhatToInstall() {
        Fixture f = new Fixture(dir);
        f.missing.add("ip");
        ConfigException e = assertThrows(ConfigException.class, () -> f.applier(f.host()).apply(VXLAN_LINES));
        assertFalse(e.rejected());
        assertEquals("ip not found: install iproute2", e.getMessage());
        Fixture g = new Fixture(dir.resolve("g"));
        g.missing.add("wg");
        e = assertThrows(ConfigException.class, () -> g.applier(g.host()).apply(List.of("wg set x listen-port 1")));
        assertEquals("wg not found: install wireguard-tools", e.getMessage());
    }

    @Test
    void aToolVanishingWhileStartingIsStillNamed() {
        Fixture f = new Fixture(dir);
        f.runner.on("ip", c -> {
            throw new NoSuchFileException("/usr/sbin/ip");
        });
        ConfigException e = assertThrows(ConfigException.class, () -> f.applier(f.host()).apply(VXLAN_LINES));
        assertFalse(e.rejected());
        assertEquals("ip not found: install iproute2", e.getMessage());
        Fixture g = new Fixture(dir.resolve("g"));
        g.runner.on("ip netns exec ns1 wg", c -> {
            throw new NoSuchFileException("wg");
        });
        e = assertThrows(ConfigException.class, () -> g.applier(g.host(Optional.of("ns1"))).apply(List.of("wg set x listen-port 1")));
        assertEquals("wg not found: install wireguard-tools", e.getMessage());
    }

    @Test
    void aTimeoutIsAChannelFailure() {
        Fixture f = new Fixture(dir);
        f.runner.on("ip", c -> {
            throw new TimeoutException("ip -batch - did not finish");
        });
        ConfigException e = assertThrows(ConfigException.class, () -> f.applier(f.host()).apply(VXLAN_LINES));
        assertFalse(e.rejected());
        assertEquals("ip -batch - in this host did not finish within 10000 ms and was killed", e.getMessage());
    }

    @Test
    void anIoFailureIsAChannelFailure() {
        Fixture f = new Fixture(dir);
        f.runner.on("ip", c -> {
            throw new IOException("Too many open files");
        });
        ConfigException e = assertThrows(ConfigException.class, () -> f.applier(f.host(Optional.of("ns1"))).apply(VXLAN_LINES));
        assertFalse(e.rejected());
        assertEquals("could not run ip -batch - in netns ns1: Too many open files", e.getMessage());
    }

    @Test
    void aWireguardGoThatOutlivesItsDeletedInterfaceIsStopped() throws Exception {
        Fixture f = new Fixture(dir);
        child = new ProcessBuilder("sleep", "60").start();
        FakeProc.self(f.files.proc(), 7);
        FakeProc.process(f.files.proc(), child.pid(), 'S', 7, "/usr/bin/wireguard-go", "dtm7");
        f.runner.ok("ip -batch -", "");
        f.applier(f.host()).apply(List.of("ip link del dev dtm7"));
        assertFalse(child.isAlive(), "stopped after the grace period");
    }

    @Test
    void aWireguardGoWhoseDeletionFailedIsLeftAlone() throws Exception {
        Fixture f = new Fixture(dir);
        child = new ProcessBuilder("sleep", "60").start();
        FakeProc.self(f.files.proc(), 7);
        FakeProc.process(f.files.proc(), child.pid(), 'S', 7, "/usr/bin/wireguard-go", "dtm7");
        f.runner.fail("ip -batch -", 1, "Cannot find device \"dtm7\"\nCommand failed -:1\n");
        assertThrows(ConfigException.class, () -> f.applier(f.host()).apply(List.of("ip link del dev dtm7")));
        assertTrue(child.isAlive());
    }
}
