package net.dtm.benchmark.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

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

    private record Run(int exit, String err) {
    }

    private static Run run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the script did not end");
        return new Run(p.exitValue(), err);
    }

    @Test
    void refusesABudgetThatIsNotANumberOfCores() throws Exception {
        for (String bad : List.of("0", "0.001", "abc", "-1", "1e3", "")) {
            Run r = run("--check", bad);
            assertEquals(2, r.exit(), bad);
            assertTrue(r.err().contains("CPUS must be a number of cores of at least 0.01, got '" + bad + "'"), r.err());
        }
        Run r = run("0", Long.toString(ProcessHandle.current().pid()));
        assertEquals(2, r.exit());
    }

    @Test
    void refusesAParentThatIsNotRunning() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        for (String bad : List.of(Long.toString(gone.pid()), "x", "")) {
            Run r = run("0.5", bad);
            assertEquals(2, r.exit(), bad);
            assertTrue(r.err().contains("PARENT must be the pid of a running process"), r.err());
        }
    }

    @Test
    void putsEachNodeChildInAGroupOfItsOwnAndRemovesItAtTheEnd() throws Exception {
        boolean v1 = Files.isWritable(V1.resolve("cpu.cfs_quota_us"));
        boolean v2 = !v1 && Files.isWritable(V2.resolve("cgroup.subtree_control"));
        assumeTrue(v1 || v2, "no writable cgroup cpu controller (not root, or none mounted)");
        Path root = v1 ? V1 : V2;
        assertEquals(0, run("--check", "0.25").exit());
        String id = "t" + UUID.randomUUID().toString().substring(0, 8);
        // a node as the script knows one: the main class and node.id= on its command line ("; true" keeps
        // bash from replacing itself with sleep, which would drop those words)
        Process node = new ProcessBuilder("bash", "-c", "sleep 60; true", "net.dtm.testkit.cluster.ClusterNode",
                "node.id=" + id).start();
        Process other = new ProcessBuilder("bash", "-c", "sleep 60; true", "SomethingElse", "node.id=" + id + "x").start();
        Process budget = new ProcessBuilder("bash", SCRIPT.toString(), "0.25",
                Long.toString(ProcessHandle.current().pid())).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Path group = root.resolve("dtm-bench-" + id);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!members(group).contains(Long.toString(node.pid())) && System.nanoTime() < deadline) {
                Thread.sleep(50); // polling the group's members until the deadline
            }
            assertEquals(List.of(Long.toString(node.pid())), members(group));
            String quota = v1 ? Files.readString(group.resolve("cpu.cfs_quota_us")).trim()
                    : Files.readString(group.resolve("cpu.max")).trim();
            assertEquals(v1 ? "25000" : "25000 100000", quota);
            assertFalse(Files.exists(root.resolve("dtm-bench-" + id + "x")), "a process that is not a node got a group");
        } finally {
            budget.destroy(); // TERM: the script removes its groups
            assertTrue(budget.waitFor(20, TimeUnit.SECONDS), "the script did not stop");
            node.destroyForcibly();
            other.destroyForcibly();
        }
        assertFalse(Files.exists(group), "the group is left behind: " + group);
    }

    private static List<String> members(Path group) throws IOException {
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
