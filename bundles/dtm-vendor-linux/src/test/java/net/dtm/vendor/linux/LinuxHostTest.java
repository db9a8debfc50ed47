package net.dtm.vendor.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.spi.config.ConfigException;

class LinuxHostTest {

    @TempDir
    Path dir;

    @Test
    void resolvesToolsOnceAndWrapsThemForTheNamespace() throws Exception {
        FakeRunner runner = new FakeRunner().ok("/sbin/ip", "").ok("/bin/modprobe", "");
        List<String> lookups = new java.util.ArrayList<>();
        ToolLocator locator = p -> {
            lookups.add(p);
            return Optional.of((p.equals("ip") ? "/sbin/" : "/bin/") + p);
        };
        LinuxHost host = new LinuxHost(runner, locator, Optional.of("ns1"), java.time.Duration.ofSeconds(1));
        host.run(Tool.IP, List.of("link"));
        host.run(Tool.WG, List.of("show"));
        host.run(Tool.MODPROBE, List.of("-n", "x"));
        assertEquals(List.of("/sbin/ip -n ns1 link", "/sbin/ip netns exec ns1 /bin/wg show", "/bin/modprobe -n x"), runner.lines());
        assertEquals(List.of("ip", "wg", "modprobe"), lookups);
        assertEquals("netns ns1", host.where());
    }

    @Test
    void readRequiresSuccess() throws Exception {
        FakeRunner runner = new FakeRunner().ok("ip a", "out").fail("ip b", 2, "\n  bad thing\n\n  worse\n").fail("ip c", 1, "");
        LinuxHost host = new LinuxHost(runner, Optional::of, Optional.empty(), java.time.Duration.ofSeconds(1));
        assertEquals("out", host.read(Tool.IP, List.of("a")));
        ConfigException e = assertThrows(ConfigException.class, () -> host.read(Tool.IP, List.of("b")));
        assertFalse(e.rejected());
        assertEquals("ip b failed in this host (exit 2): bad thing; worse", e.getMessage());
        e = assertThrows(ConfigException.class, () -> host.read(Tool.IP, List.of("c")));
        assertEquals("ip c failed in this host (exit 1): (no error text)", e.getMessage());
    }

    @Test
    void theSystemLocatorSearchesPathThenTheSystemDirectories() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = Files.writeString(bin.resolve("dtm-test-tool"), "#!/bin/sh\n");
        assertEquals(Optional.empty(), ToolLocator.searching(bin.toString()).find("dtm-test-tool"), "not executable");
        assertTrue(tool.toFile().setExecutable(true));
        assertEquals(Optional.of(tool.toString()), ToolLocator.searching("/nonexistent:" + bin).find("dtm-test-tool"));
        assertEquals(Optional.empty(), ToolLocator.searching(null).find("dtm-test-tool"));
        assertTrue(ToolLocator.searching("").find("sh").isPresent(), "/bin or /usr/bin without PATH");
        assertTrue(ToolLocator.system().find("sh").isPresent());
    }
}
