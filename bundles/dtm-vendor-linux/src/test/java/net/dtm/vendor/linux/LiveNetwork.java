package net.dtm.vendor.linux;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.dtm.spi.config.DeviceTarget;

/**
 * Two network namespaces of this test JVM joined by a veth pair, for live tests: end A is
 * {@code 192.168.N.1/24} and {@code fd00:N::1/64}, end B {@code .2} and {@code ::2}. Names carry the
 * JVM's pid ({@code dtmlive-PID-K-a}); namespaces left by JVMs that died are removed when the next
 * one starts. Needs root and {@code ip netns}: {@link #assumeAvailable()} skips the test otherwise.
 */
final class LiveNetwork implements AutoCloseable {

    static final Path NETNS_DIR = Path.of("/run/netns");
    private static final Pattern OURS = Pattern.compile("dtmlive-(\\d+)-\\d+-[ab]");
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final ProcessCommandRunner RUNNER = new ProcessCommandRunner();
    private static volatile boolean leftoversRemoved;

    final String nsA;
    final String nsB;
    final int subnet;

    private LiveNetwork(String nsA, String nsB, int subnet) {
        this.nsA = nsA;
        this.nsB = nsB;
        this.subnet = subnet;
    }

    /** Skips the calling test unless this JVM runs as root and {@code ip netns} works. */
    static void assumeAvailable() {
        Optional<String> reason = unavailable();
        assumeTrue(reason.isEmpty(), () -> reason.orElse(""));
    }

    /** Why live tests cannot run here, or empty when they can. */
    static Optional<String> unavailable() {
        if (!isRoot()) {
            return Optional.of("live test needs root (network namespaces): this JVM is not root");
        }
        Optional<String> ip = ToolLocator.system().find("ip");
        if (ip.isEmpty()) {
            return Optional.of("live test needs ip (iproute2), not found");
        }
        CommandRunner.Result r = run(ip.get(), "netns", "list");
        return r.exitCode() == 0 ? Optional.empty() : Optional.of("live test needs ip netns: " + r.stderr().strip());
    }

    /** Skips the calling test unless every program is installed. */
    static void assumeInstalled(String... programs) {
        for (String p : programs) {
            assumeTrue(ToolLocator.system().find(p).isPresent(), "live test needs " + p + ", which is not installed");
        }
    }

    /** Creates the two namespaces and their veth pair. */
    static LiveNetwork create() {
        removeLeftovers();
        long pid = ProcessHandle.current().pid();
        int k = COUNTER.incrementAndGet();
        String base = "dtmlive-" + pid + "-" + k;
        int subnet = 100 + (int) ((pid * 7 + k) % 150);
        LiveNetwork n = new LiveNetwork(base + "-a", base + "-b", subnet);
        String vethA = "dlv" + (pid % 100000) + "a" + k;
        String vethB = "dlv" + (pid % 100000) + "b" + k;
        try {
            ip("netns", "add", n.nsA);
            ip("netns", "add", n.nsB);
            ip("link", "add", vethA, "netns", n.nsA, "type", "veth", "peer", "name", vethB, "netns", n.nsB);
            ip("-n", n.nsA, "addr", "add", n.outerA() + "/24", "dev", vethA);
            ip("-n", n.nsB, "addr", "add", n.outerB() + "/24", "dev", vethB);
            ip("-n", n.nsA, "addr", "add", n.outer6A() + "/64", "dev", vethA, "nodad");
            ip("-n", n.nsB, "addr", "add", n.outer6B() + "/64", "dev", vethB, "nodad");
            for (String[] end : new String[][] {{n.nsA, vethA}, {n.nsB, vethB}}) {
                ip("-n", end[0], "link", "set", "dev", end[1], "up");
                ip("-n", end[0], "link", "set", "dev", "lo", "up");
            }
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    String outerA() {
        return "192.168." + subnet + ".1";
    }

    String outerB() {
        return "192.168." + subnet + ".2";
    }

    String outer6A() {
        return "fd00:" + subnet + "::1";
    }

    String outer6B() {
        return "fd00:" + subnet + "::2";
    }

    /** The adapter's target for namespace {@code ns}. */
    static DeviceTarget target(String ns) {
        return new DeviceTarget("linux", "", "", "", 0, "", Optional.empty(), Map.of(LinuxTarget.NETNS, ns));
    }

    /** Runs {@code ip args...} on the host and fails on a non-zero exit. */
    static String ip(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(ToolLocator.system().find("ip").orElseThrow());
        argv.addAll(List.of(args));
        CommandRunner.Result r = run(argv.toArray(String[]::new));
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", args) + ": " + r.stderr().strip());
        }
        return r.stdout();
    }

    /** Runs a program in namespace {@code ns} and returns what it did. */
    static CommandRunner.Result inNamespace(String ns, String... argv) {
        List<String> full = new ArrayList<>(List.of(ToolLocator.system().find("ip").orElseThrow(), "netns", "exec", ns));
        full.add(ToolLocator.system().find(argv[0]).orElse(argv[0]));
        full.addAll(List.of(argv).subList(1, argv.length));
        return run(full.toArray(String[]::new));
    }

    static CommandRunner.Result run(String... argv) {
        try {
            return RUNNER.run(new CommandRunner.Command(List.of(argv), "", Duration.ofSeconds(30), Set.of()));
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException(String.join(" ", argv) + ": " + e, e);
        }
    }

    /** The wireguard-go processes serving {@code name} in namespace {@code ns}. */
    static List<Long> wireguardGo(String ns, String name) {
        return new WireGuardGoProcesses(Path.of("/proc"), Optional.of(NETNS_DIR.resolve(ns)), Duration.ofSeconds(2)).find(name);
    }

    @Override
    public void close() {
        remove(nsA);
        remove(nsB);
    }

    /** Ends the wireguard-go processes of a namespace (they would keep it alive) and deletes it. */
    private static void remove(String ns) {
        Path file = NETNS_DIR.resolve(ns);
        if (!Files.exists(file)) {
            return;
        }
        String id;
        try {
            id = "net:[" + Files.getAttribute(file, "unix:ino") + "]";
        } catch (IOException e) {
            id = "";
        }
        WireGuardGoProcesses processes = new WireGuardGoProcesses(Path.of("/proc"), Optional.of(file), Duration.ofMillis(200));
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            if (p.info().command().map(c -> c.endsWith("/wireguard-go")).orElse(false) && id.equals(namespaceOf(p.pid()))) {
                processes.ensureEnded("(test cleanup of " + ns + ")", List.of(p.pid()));
            }
        }
        run(ToolLocator.system().find("ip").orElse("ip"), "netns", "del", ns);
    }

    private static String namespaceOf(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net")).toString();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Deletes the namespaces of test JVMs that are gone. */
    static synchronized void removeLeftovers() {
        if (leftoversRemoved) {
            return;
        }
        leftoversRemoved = true;
        if (!Files.isDirectory(NETNS_DIR)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(NETNS_DIR)) {
            for (Path e : entries) {
                Matcher m = OURS.matcher(e.getFileName().toString());
                if (m.matches() && !ProcessHandle.of(Long.parseLong(m.group(1))).map(ProcessHandle::isAlive).orElse(false)) {
                    remove(e.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + NETNS_DIR, e);
        }
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:")).anyMatch(l -> l.split("\\s+")[1].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }
}
