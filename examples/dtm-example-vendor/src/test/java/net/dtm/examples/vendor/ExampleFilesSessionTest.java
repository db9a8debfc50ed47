package net.dtm.examples.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.TunnelType;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;

class ExampleFilesSessionTest {

    @TempDir
    Path root;

    private final ExampleFilesAdapter adapter = new ExampleFilesAdapter(Path.of("unused"));
    private final ExrCommands commands = new ExrCommands();

    private List<String> build(TunnelIntent i) {
        List<String> out = new ArrayList<>(commands.create(i));
        out.addAll(commands.setMtu(i.name(), i.mtu()));
        out.addAll(commands.addAddress(i.name(), i.innerAddress(), i.prefixLength()));
        i.routes().forEach(r -> out.addAll(commands.addRoute(i.name(), r, i.peerInner())));
        return out;
    }

    @Test
    void appliedCommandsAreWrittenAndReadBackAsTheIntent() throws Exception {
        TunnelIntent sample = ExampleFilesAdapterContractTest.sample(TunnelType.VXLAN);
        try (ConfigSession s = adapter.open(ExampleFilesAdapterContractTest.target(root))) {
            s.apply(build(sample));
            assertEquals(Optional.of(sample), s.read("exr0", TunnelIntent.Role.DEVICE));
            assertEquals(List.of("exr0"), s.list("exr"));
            assertEquals(List.of(), s.list("dtm"));
        }
        assertEquals("""
                # EXR tunnel interface (example-files adapter)
                type = vxlan
                local = 192.0.2.1
                remote = 198.51.100.1:4789
                key = 4711
                address = 10.220.0.1/30
                mtu = 1400
                route = 10.221.0.0/16 via 10.220.0.2
                """, Files.readString(root.resolve("interfaces/exr0.conf")));
        assertEquals(List.of(), tempFiles());
    }

    @Test
    void aRefusedLineWritesNothingAtAll() throws Exception {
        TunnelIntent sample = ExampleFilesAdapterContractTest.sample(TunnelType.GRE);
        try (ConfigSession s = adapter.open(ExampleFilesAdapterContractTest.target(root))) {
            s.apply(build(sample));
            String before = Files.readString(root.resolve("interfaces/exr0.conf"));
            List<String> batch = List.of("interface exr0 mtu 1300", "interface exr0 route add 10.221.0.0/16 via 10.220.0.2");
            ConfigException e = assertThrows(ConfigException.class, () -> s.apply(batch));
            assertTrue(e.rejected());
            assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("exists"), e.getMessage());
            assertEquals(before, Files.readString(root.resolve("interfaces/exr0.conf")));
            ConfigException missing = assertThrows(ConfigException.class, () -> s.apply(List.of("interface exr9 delete")));
            assertTrue(missing.getMessage().contains("no interface exr9"), missing.getMessage());
        }
        assertEquals(List.of(), tempFiles());
    }

    @Test
    void withoutRoutesThePeerComesBackUnspecifiedAndDeleteRemovesTheFile() throws Exception {
        TunnelIntent s0 = ExampleFilesAdapterContractTest.sample(TunnelType.IPIP);
        TunnelIntent noRoutes = new TunnelIntent(s0.name(), s0.role(), s0.type(), s0.localOuter(), s0.remoteOuter(), s0.key(),
                s0.innerAddress(), s0.prefixLength(), s0.peerInner(), List.of(), s0.mtu(), Optional.empty(), 0);
        try (ConfigSession s = adapter.open(ExampleFilesAdapterContractTest.target(root))) {
            s.apply(build(noRoutes));
            TunnelIntent read = s.read("exr0", TunnelIntent.Role.GATEWAY).orElseThrow();
            assertEquals(ExampleFilesAdapterContractTest.ip("0.0.0.0"), read.peerInner());
            assertEquals(TunnelIntent.Role.GATEWAY, read.role());
            s.apply(commands.delete("exr0"));
            assertEquals(Optional.empty(), s.read("exr0", TunnelIntent.Role.DEVICE));
            assertFalse(Files.exists(root.resolve("interfaces/exr0.conf")));
        }
    }

    @Test
    void probeAnswersOnlyWhenThePeerIsListedAsReachable() throws Exception {
        TunnelIntent sample = ExampleFilesAdapterContractTest.sample(TunnelType.VXLAN);
        try (ConfigSession s = adapter.open(ExampleFilesAdapterContractTest.target(root))) {
            s.apply(build(sample));
            assertFalse(s.probe(sample, Duration.ofMillis(150)));
            Files.writeString(root.resolve("reachable"), "# peers that answer\n10.220.0.2\n");
            assertTrue(s.probe(sample, Duration.ofMillis(150)));
        }
    }

    @Test
    void openRefusesRemoteTargetsAndUnknownOptions() {
        DeviceTarget remote = new DeviceTarget("example-files", "EXR-100", "", "192.0.2.9", 22, "admin", Optional.empty(), Map.of());
        assertFalse(assertThrows(ConfigException.class, () -> adapter.open(remote)).rejected());
        DeviceTarget odd = new DeviceTarget("example-files", "EXR-100", "", "", 0, "", Optional.empty(), Map.of("netns", "x"));
        assertTrue(assertThrows(ConfigException.class, () -> adapter.open(odd)).getMessage().contains("netns"));
    }

    @Test
    void malformedFilesAreReportedNotGuessed() throws Exception {
        Files.createDirectories(root.resolve("interfaces"));
        Files.writeString(root.resolve("interfaces/exr0.conf"), "type = vxlan\nlocal = 192.0.2.1\nremote = nowhere\n");
        try (ConfigSession s = adapter.open(ExampleFilesAdapterContractTest.target(root))) {
            ConfigException e = assertThrows(ConfigException.class, () -> s.read("exr0", TunnelIntent.Role.DEVICE));
            assertFalse(e.rejected());
            assertTrue(e.getMessage().contains("exr0.conf line 3"), e.getMessage());
        }
    }

    private List<Path> tempFiles() throws Exception {
        try (Stream<Path> files = Files.list(root.resolve("interfaces"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
