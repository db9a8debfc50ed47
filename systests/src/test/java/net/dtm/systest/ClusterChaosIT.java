package net.dtm.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.testkit.cluster.AgentFleet;
import net.dtm.testkit.cluster.ChaosChecker;
import net.dtm.testkit.cluster.ChaosChecker.PhaseFigures;
import net.dtm.testkit.cluster.Ensemble;
import net.dtm.testkit.cluster.History;
import net.dtm.testkit.cluster.Launcher;
import net.dtm.testkit.cluster.NodeProcess;
import net.dtm.testkit.cluster.StoreClient;
import net.dtm.testkit.cluster.Teardown;
import net.dtm.testkit.lease.DeviceKeys;

/**
 * Issue 5's chaos test, with real processes on loopback (no root needed): a 3-peer ZooKeeper
 * ensemble (each peer its own JVM), 3 DTM server nodes on the ZooKeeper store (each its own JVM,
 * {@link net.dtm.testkit.cluster.ClusterNode}), and {@value #AGENTS_DEFAULT} real agents in this
 * JVM ({@link AgentFleet}: tunnel agent, multi-link transport, one emulated loopback link each) that
 * know all three servers. Leases last {@value #LEASE_SECONDS} s (the shortest a pool allows), so
 * agents renew every 30 s during the run; new agents start through every phase, so establishments
 * happen during each fault:
 * <ol>
 * <li>baseline;</li>
 * <li>kill -9 of node-1 (restarted at the phase's end, same id and port);</li>
 * <li>kill -9 of the ZooKeeper leader (a minority), restarted;</li>
 * <li>kill -9 of two ZooKeeper peers: the quorum is lost for {@value #QUORUM_LOST_SECONDS} s, then
 * both come back;</li>
 * <li>SIGSTOP of node-2 past its ZooKeeper session, then SIGCONT;</li>
 * <li>a fourth node joins: it must appear in every agent's server list and serve requests.</li>
 * </ol>
 * Every agent event is recorded ({@link History}); then {@link ChaosChecker} reads the whole history
 * and the store as left (read here with a store client on the ensemble) and the test asserts: no
 * address held by two devices at any time, no agent holding an address the store does not give it,
 * no lease lost, no running tunnel dropped, every agent established; and not one failed
 * establishment attempt while a DTM node is killed, paused or added (attempts may fail and be
 * retried in the ZooKeeper phases: see {@link #ZOOKEEPER_PHASES}). The figures are printed; the
 * history is written to {@code target/chaos-history.txt}.
 */
@Timeout(value = 330, unit = TimeUnit.SECONDS)
class ClusterChaosIT {

    static final int AGENTS_DEFAULT = 300;
    static final int AGENTS = Integer.getInteger("dtm.chaos.agents", AGENTS_DEFAULT);
    static final int LEASE_SECONDS = 60;
    static final int QUORUM_LOST_SECONDS = 10;
    static final String POOL = "chaos";
    static final long SEED = 5_0505L;
    static final Duration BOOT = Duration.ofSeconds(90);
    static final NodeProcess.Options NODE = NodeProcess.Options.CHAOS;

    static final String BASELINE = "baseline";
    static final String KILL_NODE = "kill -9 node-1";
    static final String ZK_MINORITY = "kill zk leader";
    static final String ZK_QUORUM_LOST = "kill 2 zk peers";
    static final String ZK_QUORUM_BACK = "zk peers back";
    static final String PAUSE_NODE = "SIGSTOP node-2";
    static final String RESUME_NODE = "SIGCONT node-2";
    static final String ADD_NODE = "add node-4";
    /**
     * Phases in which an establishment attempt may fail and be retried: while the quorum is lost no
     * node can lock an address (they refuse new devices with store-unavailable, by design), and
     * killing the ZooKeeper leader makes the ensemble elect a new one, during which it serves no
     * client at all. The establishments still succeed (asserted); their time is the figure.
     */
    static final java.util.Set<String> ZOOKEEPER_PHASES = java.util.Set.of(ZK_MINORITY, ZK_QUORUM_LOST, ZK_QUORUM_BACK);

    /**
     * The run's directory (ZooKeeper data, node logs): removed before the run and after a passing
     * one; a failing run leaves it for the post-mortem (its path is printed).
     */
    final Path dir = Path.of("target", "chaos-run").toAbsolutePath();

    @Test
    void noDuplicateNoLossNoDropThroughNodeKillZooKeeperLossPauseAndAJoin() throws Exception {
        Teardown.deleteTree(dir);
        History history = new History();
        boolean passed = false;
        List<DeviceId> devices = DeviceKeys.ids("chaos", AGENTS);
        List<NodeProcess> nodes = new ArrayList<>();
        Ensemble ensemble = null;
        AgentFleet fleet = null;
        Launcher launcher = null;
        long t0 = System.nanoTime();
        try {
            ensemble = Ensemble.start(dir.resolve("zk"), 3, BOOT);
            long ensembleMs = ms(t0);
            try (StoreClient admin = new StoreClient(ensemble)) {
                admin.ensurePool(Pool.of(POOL, "10.64.0.0/16", LEASE_SECONDS));
                admin.enroll(devices, d -> DeviceKeys.key(SEED, d), 8);
            }
            for (int i = 1; i <= 3; i++) {
                nodes.add(NodeProcess.launch(dir.resolve("nodes"), ensemble, "node-" + i, POOL, NODE));
            }
            for (NodeProcess n : nodes) {
                n.awaitReady(BOOT);
            }
            System.out.printf(Locale.ROOT, "chaos: ensemble serving in %d ms; 3 nodes ready in %d ms (boot %s ms); "
                            + "%d agents, lease %d s, load average %s; ZooKeeper peers run %s%n", ensembleMs, ms(t0),
                    nodes.stream().map(n -> Long.toString(n.bootMs())).toList(), AGENTS, LEASE_SECONDS, loadAverage(),
                    System.getProperty(Ensemble.SERVER_JARS, "").isBlank() ? "the build's ZooKeeper jars"
                            : System.getProperty(Ensemble.SERVER_JARS));

            List<InetSocketAddress> three = nodes.stream().map(NodeProcess::endpoint).toList();
            fleet = new AgentFleet(history, AgentFleet.Timing.CHAOS, 4);
            launcher = new Launcher(fleet, devices, d -> DeviceKeys.key(SEED, d), three);
            int share = Math.max(1, AGENTS / 8);
            NodeProcess node1 = nodes.get(0);
            NodeProcess node2 = nodes.get(1);

            // 1. baseline
            history.phase(BASELINE);
            launcher.batch(share, Duration.ofSeconds(8));
            pause(Duration.ofSeconds(10));

            // 2. kill -9 of a DTM node, restarted as the same node after 10 s
            history.phase(KILL_NODE);
            launcher.batch(share, Duration.ofSeconds(10));
            node1.kill();
            pause(Duration.ofSeconds(10));
            node1.restart(BOOT);

            // 3. a ZooKeeper minority: the leader peer, restarted after 8 s
            history.phase(ZK_MINORITY);
            launcher.batch(share, Duration.ofSeconds(8));
            int zkLeader = leaderPeer(ensemble);
            ensemble.kill(zkLeader);
            pause(Duration.ofSeconds(8));
            ensemble.restart(zkLeader);
            ensemble.awaitServing(zkLeader, BOOT);

            // 4. the quorum lost: two peers killed, restarted after QUORUM_LOST_SECONDS
            history.phase(ZK_QUORUM_LOST);
            launcher.batch(share, Duration.ofSeconds(QUORUM_LOST_SECONDS));
            int a = (zkLeader + 1) % 3;
            int b = (zkLeader + 2) % 3;
            ensemble.kill(a);
            ensemble.kill(b);
            ensemble.awaitNoQuorum(Duration.ofSeconds(20));
            pause(Duration.ofSeconds(QUORUM_LOST_SECONDS));
            history.phase(ZK_QUORUM_BACK);
            launcher.batch(share / 2, Duration.ofSeconds(5));
            ensemble.restart(a);
            ensemble.restart(b);
            ensemble.awaitAllServing(BOOT);
            for (NodeProcess n : nodes) {
                n.awaitConnected(Duration.ofSeconds(60));
            }

            // 5. SIGSTOP of a DTM node past its session timeout, then SIGCONT
            history.phase(PAUSE_NODE);
            launcher.batch(share, Duration.ofSeconds(7));
            node2.pause();
            // stopped until ZooKeeper has expired its session (its registration is gone), then a little longer
            boolean expired = awaitUnregistered(ensemble, node2.nodeId(), Duration.ofMillis(4L * NODE.sessionTimeoutMs() + 10_000));
            pause(Duration.ofSeconds(1));
            history.phase(RESUME_NODE);
            launcher.batch(share / 2, Duration.ofSeconds(4));
            node2.resume();
            node2.awaitConnected(Duration.ofSeconds(60));

            // 6. a fourth node joins
            history.phase(ADD_NODE);
            NodeProcess node4 = NodeProcess.start(dir.resolve("nodes"), ensemble, "node-4", POOL, NODE, BOOT);
            nodes.add(node4);
            launcher.batch(AGENTS, Duration.ofSeconds(12));   // whatever is left
            launcher.awaitStarted(Duration.ofSeconds(60));
            InetSocketAddress fourth = node4.endpoint();
            // every agent learns the new list on its next answer (renewals every 30 s)
            boolean listed = awaitEvery(fleet, x -> x.servers().contains(fourth), Duration.ofSeconds(LEASE_SECONDS));
            // agents that know it ask it too from their next request on (renewals every 30 s)
            long served4 = awaitServed(node4, Duration.ofSeconds(LEASE_SECONDS / 2 + 10));
            boolean settled = fleet.awaitAllHolding(Duration.ofSeconds(60));
            long listing = fleet.agents().stream().filter(x -> x.servers().contains(fourth)).count();
            int agentsStarted = fleet.agents().size();
            // the agents stop (leases kept) so the store read below is the state the history ends with
            launcher.close();
            fleet.close();
            double end = history.now();

            List<Lease> store;
            Instant readAt;
            try (StoreClient reader = new StoreClient(ensemble)) {
                readAt = Instant.now();
                store = reader.leases(POOL);
            }
            StringBuilder counters = new StringBuilder();
            long refusedDegraded = 0;
            long renewedFromMemory = 0;
            for (NodeProcess n : nodes) {
                Map<String, Long> c = n.counters(Duration.ofSeconds(10));
                refusedDegraded += c.getOrDefault("refused.degraded", 0L);
                renewedFromMemory += c.getOrDefault("pool.renewed.degraded", 0L);
                counters.append(String.format(Locale.ROOT, "%nchaos: %s counters %s", n.nodeId(), new java.util.TreeMap<>(c)));
            }
            ChaosChecker.Report r = ChaosChecker.check(history, end, store, readAt);
            Path out = Path.of("target", "chaos-history.txt");
            Files.createDirectories(out.getParent());
            history.write(out);
            long[] peerDifferences = new long[1];
            String peers = comparePeers(ensemble, store, peerDifferences);

            System.out.printf(Locale.ROOT, "chaos: %s%n", r.figures().replace("\n", "\nchaos: "));
            System.out.printf(Locale.ROOT, "chaos: node-4 in the server list of %d of %d agents; node-4 answered first"
                            + " %d times (establishments and renewals); store: %d leases; run %.1f s, load average %s;"
                            + " history in %s%s%nchaos: each ZooKeeper peer read alone: %s%n",
                    listing, agentsStarted, r.servedBy().getOrDefault("node-4", 0), store.size(),
                    ms(t0) / 1000.0, loadAverage(), out.toAbsolutePath(), counters, peers);
            System.out.printf(Locale.ROOT, "chaos: RESULT establishments=%d failovers=%d duplicates=%d lost=%d dropped=%d"
                            + " not_established=%d max_establish_ms_per_phase=%s%n", r.establishments(), r.failovers(),
                    r.duplicates(), r.lost(), r.dropped(), r.notEstablished(),
                    r.phases().stream().map(p -> p.name() + ":" + Math.round(p.maxMs())).toList());

            String diag = "\n" + String.join("\n", r.problems().subList(0, Math.min(40, r.problems().size())))
                    + "\nfigures:\n" + r.figures();
            // first, as it explains the rest: a peer holding other bindings than the others serves them to
            // the nodes connected to it (ZooKeeper's recovery after the kill sequence, not DTM's doing)
            assertEquals(0, peerDifferences[0], "ZooKeeper peers diverged after the kill sequence, each read alone"
                    + " after a sync: " + peers + diag);
            assertEquals(0, r.duplicates(), "duplicates" + diag);
            assertEquals(0, r.lost(), "lost leases" + diag);
            assertEquals(0, r.dropped(), "dropped tunnels" + diag);
            assertEquals(0, r.notEstablished(), "agents not established" + diag);
            assertTrue(settled, "every agent holds a confirmed lease at the end" + diag);
            assertTrue(r.ok(), "checker" + diag);
            assertEquals(AGENTS, r.agents(), "agents started");
            for (PhaseFigures p : r.phases()) {
                assertTrue(p.establishments() > 0, "establishments started during phase " + p.name() + diag);
                if (!ZOOKEEPER_PHASES.contains(p.name())) {
                    // a DTM node dying, pausing or joining is invisible to agents: not one attempt fails
                    assertEquals(0, p.failedAttempts(), "failed establishment attempts in phase " + p.name() + diag);
                }
            }
            assertTrue(listed, "node-4 in every agent's server list within " + LEASE_SECONDS + " s: " + listing + " of "
                    + agentsStarted + diag);
            assertTrue(served4 > 0, "node-4 answered agents (leases.served " + served4 + ")" + diag);
            assertTrue(r.failovers() > 0, "some agents changed serving node" + diag);
            assertTrue(expired, "node-2's session expired while it was stopped" + diag);
            // degraded mode did its work while the quorum was lost: new devices refused at once,
            // known leases renewed from memory (counters of nodes alive at the end)
            assertTrue(refusedDegraded > 0, "degraded nodes refused new devices (refused.degraded)" + diag);
            assertTrue(renewedFromMemory > 0, "degraded nodes renewed known leases from memory (pool.renewed.degraded)" + diag);
            passed = true;
        } catch (AssertionError | RuntimeException e) {
            try {
                Path out = Path.of("target", "chaos-history.txt");
                Files.createDirectories(out.getParent());
                history.write(out);
            } catch (IOException ignored) {
                // the failure matters more
            }
            System.out.println("chaos: FAILED: " + e + "\nchaos: logs and data kept in " + dir + "\nchaos: processes:"
                    + Teardown.diagnostics(nodes, ensemble));
            throw e;
        } finally {
            if (launcher != null) {
                launcher.close();
            }
            if (fleet != null) {
                fleet.close();
            }
            Teardown.close(nodes, ensemble);
            if (passed) {
                Teardown.deleteTree(dir);
            }
        }
    }

    /** Polls node-4's {@code leases.served} until it is positive; returns the last figure. */
    private static long awaitServed(NodeProcess node, Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            long served = node.counters(Duration.ofSeconds(10)).getOrDefault("leases.served", 0L);
            if (served > 0 || System.nanoTime() - deadline > 0) {
                return served;
            }
            Thread.sleep(500); // polling with a deadline
        }
    }

    /**
     * Reads the pool from each peer alone (after a sync) and compares it with {@code store}: peers
     * holding different bindings would mean the ensemble itself diverged.
     */
    private static String comparePeers(Ensemble e, List<Lease> store, long[] differing) {
        StringBuilder b = new StringBuilder();
        java.util.Set<Lease> expected = new java.util.HashSet<>(store);
        for (int i = 0; i < e.size(); i++) {
            try (StoreClient one = new StoreClient("127.0.0.1:" + e.clientPort(i), e.password())) {
                List<Lease> mine = one.leases(POOL);
                long differ = mine.stream().filter(l -> !expected.contains(l)).count()
                        + Math.max(0, store.size() - mine.size());
                differing[0] += differ;
                b.append(String.format(Locale.ROOT, "zk%d: %d leases, %d differ; ", i + 1, mine.size(), differ));
            } catch (RuntimeException | InterruptedException ex) {
                differing[0]++; // a peer that cannot be read cannot be shown to agree
                b.append("zk").append(i + 1).append(": unreadable (").append(ex.getMessage()).append("); ");
            }
        }
        return b.toString();
    }

    /** The peer that says it leads (the quorum must be up). */
    private static int leaderPeer(Ensemble e) {
        for (int i = 0; i < e.size(); i++) {
            if (e.mode(i).filter("leader"::equals).isPresent()) {
                return i;
            }
        }
        fail("no ZooKeeper peer says it leads" + e.diagnostics());
        return -1;
    }

    private static boolean awaitEvery(AgentFleet fleet, java.util.function.Predicate<AgentFleet.Agent> test, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!fleet.agents().stream().allMatch(test)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(200); // polling with a deadline
        }
        return true;
    }

    /** A phase's duration: the faults and the agents run meanwhile; nothing here waits for a condition. */
    /** Polls the ensemble until {@code nodeId} is no longer registered; false if it still is at the deadline. */
    private static boolean awaitUnregistered(Ensemble e, String nodeId, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        try (StoreClient c = new StoreClient(e)) {
            while (c.registered(nodeId)) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(100);
            }
            return true;
        }
    }

    private static void pause(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
