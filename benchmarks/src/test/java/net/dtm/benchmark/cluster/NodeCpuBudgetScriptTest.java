package net.dtm.benchmark.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import net.dtm.testkit.dataplane.Sh;

/**
 * {@code benchmarks/node-cpu-budget.sh} (run-cluster.sh's {@code DTM_NODE_CPUS}): bad values are
 * refused before anything changes, and a node child of the given parent (this JVM) gets a cgroup of
 * its own with the quota asked for, while another child does not; the group is gone once the script
 * is told to stop. The last part needs a writable cgroup cpu controller (root), as the script does.
 */
@EnabledOnOs(OS.LINUX)
class NodeCpuBudgetScriptTest {

    private static final Path SCRIPT = Path.of("node-cpu-budget.sh").toAbsolutePath();
    private static final Path V1 = Path.of("/sys/fs/cgroup/cpu");
    private static final Path V2 = Path.of("/sys/fs/cgroup");

    /** Runs the script to its end (at most 30 s): its status and its merged output. */
    private static Sh.Result run(String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        return Sh.run(Duration.ofSeconds(30), null, Map.of(), cmd.toArray(String[]::new));
    }

    /** Ends {@code p} and what it started (bash leaves its sleep behind otherwise). */
    private static void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    @Test
    void refusesABudgetThatIsNotANumberOfCores() throws Exception {
        for (String bad : List.of("0", "0.001", "abc", "-1", "1e3", "")) {
            Sh.Result r = run("--check", bad);
            assertEquals(2, r.status(), bad);
            assertTrue(r.out().contains("CPUS must be a number of cores of at least 0.01, got '" + bad + "'"), r.out());
        }
        assertEquals(2, run("0", Long.toString(ProcessHandle.current().pid())).status());
    }

    @Test
    void refusesAParentThatIsNotRunning() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        for (String bad : List.of(Long.toString(gone.pid()), "x", "")) {
            Sh.Result r = run("0.5", bad);
            assertEquals(2, r.status(), bad);
            assertTrue(r.out().contains("PARENT must be the pid of a running process"), r.out());
        }
    }

    @Test
    void putsEachNodeChildInAGroupOfItsOwnAndRemovesItAtTheEnd() throws Exception {
        Path root = cgroupRoot();
        String id = "t" + UUID.randomUUID().toString().substring(0, 8);
        // a node as the script knows one: the main class and node.id= on its command line ("; true" keeps
        // bash from replacing itself with sleep, which would drop those words)
        Process node = new ProcessBuilder("bash", "-c", "sleep 60; true", "net.dtm.testkit.cluster.ClusterNode",
                "node.id=" + id).start();
        Process other = new ProcessBuilder("bash", "-c", "sleep 60; true", "SomethingElse", "node.id=" + id + "x").start();
        Process budget = budget(ProcessHandle.current().pid());
        Path group = root.resolve("dtm-bench-" + id);
        try {
            awaitMember(group, node.pid());
            assertEquals(List.of(Long.toString(node.pid())), members(group));
            String quota = root.equals(V1) ? Files.readString(group.resolve("cpu.cfs_quota_us")).trim()
                    : Files.readString(group.resolve("cpu.max")).trim();
            assertEquals(root.equals(V1) ? "25000" : "25000 100000", quota);
            assertFalse(Files.exists(root.resolve("dtm-bench-" + id + "x")), "a process that is not a node got a group");
        } finally {
            budget.destroy(); // TERM: the script removes its groups
            boolean stopped = budget.waitFor(20, TimeUnit.SECONDS);
            stop(node);
            stop(other);
            if (!stopped) {
                stop(budget);
            }
            assertTrue(stopped, "the script did not stop within 20 s of TERM");
        }
        assertFalse(Files.exists(group), "the group is left behind: " + group);
    }

    @Test
    void endsWhenItsParentEndsAndRemovesTheGroup() throws Exception {
        Path root = cgroupRoot();
        String id = "t" + UUID.randomUUID().toString().substring(0, 8);
        // the parent (as the benchmark's JVM) starts a node, then waits for its standard input to close
        Process parent = new ProcessBuilder("bash", "-c", "bash -c 'sleep 60; true' net.dtm.testkit.cluster.ClusterNode"
                + " node.id=" + id + " & read -r _; true").start();
        Process budget = budget(parent.pid());
        Path group = root.resolve("dtm-bench-" + id);
        long nodePid = -1;
        try {
            nodePid = awaitMember(group, -1);
            parent.getOutputStream().close(); // the parent ends
            assertTrue(budget.waitFor(20, TimeUnit.SECONDS), "the script did not end within 20 s of its parent");
            assertEquals(0, budget.exitValue());
            assertFalse(Files.exists(group), "the group is left behind: " + group);
        } finally {
            stop(parent);
            stop(budget);
            if (nodePid > 0) {
                ProcessHandle.of(nodePid).ifPresent(orphan -> { // the parent's, and its sleep
                    orphan.descendants().forEach(ProcessHandle::destroyForcibly);
                    orphan.destroyForcibly();
                });
            }
        }
    }

    /** The cgroup root the script uses here; skips the test where it cannot run (not root, no cpu controller). */
    private static Path cgroupRoot() throws Exception {
        boolean v1 = Files.isWritable(V1.resolve("cpu.cfs_quota_us"));
        boolean v2 = !v1 && Files.isWritable(V2.resolve("cgroup.subtree_control"))
                && List.of(Files.readString(V2.resolve("cgroup.subtree_control")).trim().split("\\s+")).contains("cpu");
        assumeTrue(v1 || v2, "no writable cgroup cpu controller for child groups (not root, or none enabled)");
        assertEquals(0, run("--check", "0.25").status());
        return v1 ? V1 : V2;
    }

    private static Process budget(long parent) throws IOException {
        return new ProcessBuilder("bash", SCRIPT.toString(), "0.25", Long.toString(parent))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Waits (at most 20 s) until the group holds {@code pid}, or any process if -1; returns the first member. */
    private static long awaitMember(Path group, long pid) {
        return Sh.await((pid == -1 ? "process" : "process " + pid) + " in " + group, Duration.ofSeconds(20),
                Duration.ofMillis(50), () -> {
                    List<String> in = members(group);
                    boolean there = pid == -1 ? !in.isEmpty() : in.contains(Long.toString(pid));
                    return there ? Optional.of(Long.parseLong(in.get(0))) : Optional.<Long>empty();
                }, () -> "");
    }

    private static List<String> members(Path group) {
        Path procs = group.resolve("cgroup.procs");
        if (!Files.exists(procs)) {
            return List.of();
        }
        try {
            return Files.readAllLines(procs).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) { // the group was made but is not complete yet
            return List.of();
        }
    }
}
