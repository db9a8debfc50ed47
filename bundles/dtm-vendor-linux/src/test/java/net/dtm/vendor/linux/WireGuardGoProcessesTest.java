package net.dtm.vendor.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WireGuardGoProcessesTest {

    @TempDir
    Path proc;
    private Process child;

    @AfterEach
    void stop() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    @Test
    void findsWireguardGoOfTheInterfaceInTheTargetNamespaceOnly() throws Exception {
        FakeProc.self(proc, 1);
        FakeProc.process(proc, 100, 'S', 1, "/usr/bin/wireguard-go", "dtm7");
        FakeProc.process(proc, 101, 'S', 1, "wireguard-go", "-f", "dtm7");
        FakeProc.process(proc, 102, 'S', 2, "wireguard-go", "dtm7");
        FakeProc.process(proc, 103, 'S', 1, "wireguard-go", "dtm8");
        FakeProc.process(proc, 104, 'Z', 1, "wireguard-go", "dtm7");
        FakeProc.process(proc, 105, 'S', 1, "/usr/bin/sleep", "dtm7");
        FakeProc.process(proc, 106, 'S', 1, "wireguard-go");
        Files.createDirectories(proc.resolve("107"));
        Files.createDirectories(proc.resolve("sys"));
        WireGuardGoProcesses p = new WireGuardGoProcesses(proc, Optional.empty(), Duration.ofMillis(100));
        assertEquals(List.of(100L, 101L), p.find("dtm7").stream().sorted().toList());
        assertEquals(List.of(), p.find("dtm9"));
    }

    @Test
    void aNamedNamespaceIsIdentifiedByItsInode(@TempDir Path run) throws Exception {
        Path ns = Files.writeString(run.resolve("ns1"), "");
        long inode = ((Number) Files.getAttribute(ns, "unix:ino")).longValue();
        FakeProc.process(proc, 200, 'S', inode, "wireguard-go", "dtm7");
        FakeProc.process(proc, 201, 'S', inode + 1, "wireguard-go", "dtm7");
        assertEquals(List.of(200L), new WireGuardGoProcesses(proc, Optional.of(ns), Duration.ofMillis(100)).find("dtm7"));
    }

    @Test
    void anUnidentifiableNamespaceMatchesByNameAlone(@TempDir Path run) throws Exception {
        FakeProc.process(proc, 300, 'S', 5, "wireguard-go", "dtm7");
        assertEquals(List.of(300L), new WireGuardGoProcesses(proc, Optional.of(run.resolve("gone")), Duration.ofMillis(100))
                .find("dtm7"));
        assertEquals(List.of(300L), new WireGuardGoProcesses(proc, Optional.empty(), Duration.ofMillis(100)).find("dtm7"),
                "no proc/self/ns/net");
    }

    @Test
    void anUnreadableProcIsNoProcess() {
        assertEquals(List.of(), new WireGuardGoProcesses(proc.resolve("absent"), Optional.empty(), Duration.ofMillis(100)).find("x"));
    }

    @Test
    void aProcessThatDoesNotEndIsStoppedAndAGoneOneIsSkipped() throws Exception {
        child = new ProcessBuilder("sleep", "60").start();
        FakeProc.process(proc, child.pid(), 'S', 1, "wireguard-go", "dtm7");
        WireGuardGoProcesses p = new WireGuardGoProcesses(proc, Optional.empty(), Duration.ofMillis(100));
        assertEquals(List.of(), p.ensureEnded("dtm7", List.of(child.pid(), Long.MAX_VALUE)));
        assertFalse(child.isAlive());
    }

    @Test
    void aProcessThatIgnoresSigtermIsKilled() throws Exception {
        child = new ProcessBuilder("/bin/sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done").start();
        assertEquals("ready", new String(child.getInputStream().readNBytes(5)), "the trap is set");
        FakeProc.process(proc, child.pid(), 'S', 1, "wireguard-go", "dtm7");
        WireGuardGoProcesses p = new WireGuardGoProcesses(proc, Optional.empty(), Duration.ofMillis(200));
        assertEquals(List.of(), p.ensureEnded("dtm7", List.of(child.pid())));
        assertFalse(child.isAlive());
    }

    @Test
    void aProcessThatSurvivesSigkillIsReported() throws Exception {
        long pid = 424242;
        FakeProc.process(proc, pid, 'D', 1, "wireguard-go", "dtm7");
        java.util.concurrent.atomic.AtomicInteger signals = new java.util.concurrent.atomic.AtomicInteger();
        ProcessHandle unkillable = (ProcessHandle) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ProcessHandle.class}, (p, m, a) -> switch (m.getName()) {
                    case "pid" -> pid;
                    case "onExit" -> new java.util.concurrent.CompletableFuture<ProcessHandle>();
                    case "isAlive" -> true;
                    case "destroy", "destroyForcibly" -> signals.incrementAndGet() > 0;
                    case "hashCode" -> 1;
                    case "equals" -> p == a[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        WireGuardGoProcesses p = new WireGuardGoProcesses(proc, Optional.empty(), Duration.ofMillis(50));
        assertEquals(List.of(pid), p.ensureEndedHandles("dtm7", List.of(unkillable)));
        assertEquals(2, signals.get(), "SIGTERM, then SIGKILL");
    }

    @Test
    void aZombieCountsAsEnded() throws Exception {
        child = new ProcessBuilder("sleep", "60").start();
        FakeProc.process(proc, child.pid(), 'Z', 1, "wireguard-go", "dtm7");
        WireGuardGoProcesses p = new WireGuardGoProcesses(proc, Optional.empty(), Duration.ofMillis(100));
        assertEquals(List.of(), p.ensureEnded("dtm7", List.of(child.pid())));
        assertTrue(child.isAlive(), "its stat says Z: it was left alone");
    }
}
