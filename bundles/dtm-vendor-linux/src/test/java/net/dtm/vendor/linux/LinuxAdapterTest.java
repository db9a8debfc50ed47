package net.dtm.vendor.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.spi.config.AddressingBehaviour;
import net.dtm.spi.config.Behaviour;
import net.dtm.spi.config.CommitConfirmBehaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.LinkSettingsBehaviour;
import net.dtm.spi.config.RouteBehaviour;
import net.dtm.spi.config.TunnelInterfaceBehaviour;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;
import net.dtm.spi.config.WireGuardPeerBehaviour;

class LinuxAdapterTest {

    @TempDir
    Path dir;

    private static DeviceTarget target(Map<String, String> options) {
        return new DeviceTarget("linux", "", "", "", 0, "", Optional.empty(), options);
    }

    @Test
    void offersEachBehaviourAsItsOwnObjectAndNoCommitConfirm() {
        VendorAdapter a = new LinuxAdapter();
        assertEquals("linux", a.vendor());
        for (Class<? extends Behaviour> type : List.of(TunnelInterfaceBehaviour.class, AddressingBehaviour.class, RouteBehaviour.class,
                LinkSettingsBehaviour.class, WireGuardPeerBehaviour.class)) {
            Behaviour b = a.behaviour(type).orElseThrow(() -> new AssertionError("missing " + type.getSimpleName()));
            assertTrue(type.isInstance(b));
            assertFalse(b instanceof VendorAdapter, "behaviours are small classes, not the adapter");
        }
        assertEquals(Optional.empty(), a.behaviour(CommitConfirmBehaviour.class));
        assertEquals(Optional.empty(), a.behaviour(Behaviour.class));
    }

    @Test
    void aSessionRunsInTheNamedNamespaceWithItsTimeout() throws Exception {
        Fixture f = new Fixture(dir);
        Files.writeString(f.files.netnsDir().resolve("ns1"), "");
        f.runner.fail("ip -n ns1 -j -d link show dev dtm0", 1, "Device \"dtm0\" does not exist.");
        try (ConfigSession s = f.adapter().open(target(Map.of("netns", "ns1", "command.timeout.seconds", "3")))) {
            assertEquals(Optional.empty(), s.read("dtm0", TunnelIntent.Role.DEVICE));
        }
        assertEquals(Duration.ofSeconds(3), f.runner.commands.get(0).timeout());
    }

    @Test
    void aSessionOnThisHostDelegatesEveryCall() throws Exception {
        Fixture f = new Fixture(dir).module("vxlan");
        f.runner.ok("ip -j -d link show", Samples.text("linkA-list.json")).ok("ip -batch -", "")
                .ok("ip -j addr show", Samples.text("addrA-all.json")).ok("ip -j route get", Samples.text("route-get4.json"))
                .ok("ping", "");
        TunnelIntent t = Samples.intent("dtm0", net.dtm.api.TunnelType.VXLAN, "192.168.77.1", "192.168.77.2", 4789, 42, "10.9.0.1",
                30, "10.9.0.2", 1400);
        try (ConfigSession s = f.adapter().open(DeviceTarget.local("linux"))) {
            assertEquals(List.of("dtm0", "dtm6"), s.list("dtm"));
            s.apply(List.of("ip link set dev dtm0 up"));
            assertEquals(List.of(), s.check(t));
            assertTrue(s.probe(t, Duration.ofSeconds(1)));
        }
        assertEquals(Duration.ofSeconds(10), f.runner.commands.get(0).timeout(), "the default timeout");
    }

    @Test
    void aRemoteDeviceIsRefused() {
        DeviceTarget remote = new DeviceTarget("linux", "", "", "192.0.2.50", 22, "root", Optional.empty(), Map.of());
        ConfigException e = assertThrows(ConfigException.class, () -> new LinuxAdapter().open(remote));
        assertTrue(e.rejected());
        assertEquals("the linux adapter configures the machine it runs on; device 192.0.2.50 is remote: leave host empty and run "
                + "DTM on it, or use an adapter that logs in remotely", e.getMessage());
    }

    @Test
    void unknownOptionsAndBadValuesAreRefused() {
        Fixture f = new Fixture(dir);
        ConfigException e = assertThrows(ConfigException.class, () -> f.adapter().open(target(Map.of("vrf", "blue"))));
        assertTrue(e.rejected());
        assertEquals("unknown option(s) [vrf] for the linux adapter; it knows netns and command.timeout.seconds", e.getMessage());
        for (String bad : List.of("0", "x", "3601", "-1")) {
            e = assertThrows(ConfigException.class, () -> f.adapter().open(target(Map.of("command.timeout.seconds", bad))));
            assertEquals("command.timeout.seconds '" + bad + "' must be a whole number of seconds, 1..3600", e.getMessage());
        }
        e = assertThrows(ConfigException.class, () -> f.adapter().open(target(Map.of("netns", "../etc"))));
        assertEquals("netns '../etc' is not a valid namespace name", e.getMessage());
    }

    @Test
    void aMissingNamespaceIsAChannelFailure() {
        Fixture f = new Fixture(dir);
        ConfigException e = assertThrows(ConfigException.class, () -> f.adapter().open(target(Map.of("netns", "gone"))));
        assertFalse(e.rejected());
        assertTrue(e.getMessage().startsWith("network namespace gone does not exist"), e.getMessage());
    }

    @Test
    void aBlankNamespaceMeansThisHost() throws Exception {
        Fixture f = new Fixture(dir);
        f.runner.ok("ip -j -d link show", "[]");
        try (ConfigSession s = f.adapter().open(target(Map.of("netns", " ")))) {
            assertEquals(List.of(), s.list("dtm"));
        }
        assertEquals(List.of("ip -j -d link show"), f.runner.lines());
    }
}
