package net.dtm.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.testkit.cluster.Ensemble;
import net.dtm.testkit.cluster.NodeProcess;
import net.dtm.testkit.cluster.StoreClient;
import net.dtm.testkit.cluster.Teardown;
import net.dtm.testkit.lease.DeviceKeys;
import net.dtm.testkit.upgrade.Release;
import net.dtm.testkit.upgrade.UpgradeLoad;

/**
 * Issue 16, rolling upgrade of a cluster: a 3-peer ZooKeeper ensemble and 3 DTM server nodes on
 * the ZooKeeper store (each its own JVM, {@link NodeProcess}), {@value #AGENTS} real agents of this
 * JVM ({@link AgentFleet}, the agent's default timeouts) knowing the three nodes, leases of
 * {@value #LEASE_SECONDS} s (renewed every 30 s; the first agents start over 30 s so renewals fall
 * all through the upgrade), and a new agent every {@value #TRICKLE_MS} ms throughout. Each node in
 * turn is stopped cleanly, kept down 8 s, "upgraded" (started again, same id and port, on
 * another release: this JVM's class path copied into a release folder with every DTM jar rewritten
 * to a new version, {@link Release}; same code) and must be connected to the quorum again before
 * the next one.
 * <p>
 * Asserted from the agents' whole history and the ZooKeeper store as left ({@link UpgradeLoad}):
 * no agent lost its tunnel or its lease, no address changed, no address held twice, every agent
 * established, not one establishment or renewal attempt went unanswered; each node ran the new
 * release at the end and served again.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RollingUpgradeIT {

    static final int AGENTS = 30;
    /** The baseline agents start over this long, so that their renewals (every 30 s) fall all through the upgrade. */
    static final Duration BASELINE = Duration.ofSeconds(30);
    static final int TRICKLE = 60;
    static final int TRICKLE_MS = 1500;
    /** How long each node stays down between its stop and its start on the new release. */
    static final Duration DOWN = Duration.ofSeconds(8);
    static final int LEASE_SECONDS = 60;
    static final String POOL = "rolling";
    static final long SEED = 16_0016L;
    static final Duration BOOT = Duration.ofSeconds(60);
    static final NodeProcess.Options NODE = NodeProcess.Options.CHAOS;
    /** Off by default: {@code -Ddtm.rolling.sabotage=true} deletes one agent's lease from the store mid-run; the test must then fail. */
    static final boolean SABOTAGE = Boolean.getBoolean("dtm.rolling.sabotage");

    final Path dir = Path.of("target", "rolling-upgrade").toAbsolutePath();

    @Test
    void everyNodeStoppedUpgradedAndStartedInTurnWhileAgentsRun() throws Exception {
        Teardown.deleteTree(dir);
        List<DeviceId> devices = DeviceKeys.ids("roll", AGENTS + TRICKLE + 3);
        List<NodeProcess> nodes = new ArrayList<>();
        Ensemble ensemble = null;
        UpgradeLoad load = null;
        boolean passed = false;
        long t0 = System.nanoTime();
        try {
            Release release = Release.of(System.getProperty("java.class.path"), dir.resolve("release-2"), "rolled");
            long releaseMs = ms(t0);
            ensemble = Ensemble.start(dir.resolve("zk"), 3, BOOT);
            try (StoreClient admin = new StoreClient(ensemble)) {
                admin.ensurePool(Pool.of(POOL, "10.66.0.0/16", LEASE_SECONDS));
                admin.enroll(devices, d -> DeviceKeys.key(SEED, d), 4);
            }
            for (int i = 1; i <= 3; i++) {
                nodes.add(NodeProcess.launch(dir.resolve("nodes"), ensemble, "node-" + i, POOL, NODE));
            }
            for (NodeProcess n : nodes) {
                n.awaitReady(BOOT);
            }
            long bootMs = ms(t0);
            List<InetSocketAddress> servers = nodes.stream().map(NodeProcess::endpoint).toList();
            load = new UpgradeLoad(devices, d -> DeviceKeys.key(SEED, d), servers);

            load.phase("baseline");
            load.start(AGENTS, BASELINE);
            load.awaitStarted(BASELINE.plusSeconds(30));
            assertTrue(load.awaitAllHolding(Duration.ofSeconds(60)), "every agent established before the upgrade");
            load.start(TRICKLE, Duration.ofMillis((long) TRICKLE * TRICKLE_MS));

            List<String> steps = new ArrayList<>();
            for (NodeProcess n : nodes) {
                load.phase("upgrade " + n.nodeId());
                long u0 = System.nanoTime();
                boolean clean = n.stop(Duration.ofSeconds(20));
                pause(DOWN);   // the operator unpacks the new release; its agents renew elsewhere meanwhile
                n.restart(release.classPath(), BOOT);
                long readyMs = ms(u0);
                n.awaitConnected(Duration.ofSeconds(60));
                long connectedMs = ms(u0);
                boolean all = load.awaitAllHolding(Duration.ofSeconds(45));
                long holdingMs = ms(u0);
                steps.add(String.format(Locale.ROOT, "%s stopped %s, down %d s, ready on the new release after %d ms (boot %d ms),"
                                + " connected after %d ms, all agents holding after %d ms", n.nodeId(),
                        clean ? "cleanly" : "BY KILL", DOWN.toSeconds(), readyMs, n.bootMs(), connectedMs, holdingMs));
                assertTrue(all, "agents not all holding 45 s after upgrading " + n.nodeId() + "\n" + String.join("\n", steps));
                if (SABOTAGE && steps.size() == 2) {
                    sabotage(ensemble, devices);
                }
            }
            load.phase("after");
            // every node serves again: new agents' establishments and renewals reach each upgraded node
            long[] served = new long[nodes.size()];
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (java.util.Arrays.stream(served).anyMatch(x -> x == 0) && System.nanoTime() < deadline) {
                for (int i = 0; i < nodes.size(); i++) {
                    served[i] = nodes.get(i).counters(Duration.ofSeconds(10)).getOrDefault("leases.served", 0L);
                }
                Thread.sleep(500); // polling with a deadline
            }
            load.stopStarting();
            boolean settled = load.awaitAllHolding(Duration.ofSeconds(30));
            Ensemble zk = ensemble;
            UpgradeLoad.Verdict verdict = load.finish(() -> {
                try (StoreClient reader = new StoreClient(zk)) {
                    return reader.leases(POOL);
                }
            });
            long servedAfterUpgrade = java.util.Arrays.stream(served).filter(x -> x > 0).count();
            StringBuilder counters = new StringBuilder();
            for (int i = 0; i < nodes.size(); i++) {
                counters.append(nodes.get(i).nodeId()).append(" served ").append(served[i]).append(" since its upgrade; ");
            }
            load.history().write(Path.of("target", "rolling-upgrade-history.txt"));
            System.out.printf(Locale.ROOT, "rolling: release of %d DTM jars built in %d ms; ensemble and 3 nodes ready in %d ms;"
                            + " run %d ms%nrolling: %s%nrolling: %s%nrolling: %s%nrolling: RESULT nodes=3 %s%n",
                    release.rebuilt().size(), releaseMs, bootMs, ms(t0), String.join("\nrolling: ", steps), counters,
                    verdict.report().figures().replace("\n", "\nrolling: "), verdict.result());

            assertTrue(release.rebuilt().size() >= 5, "DTM jars rebuilt for the new release: " + release.rebuilt());
            for (NodeProcess n : nodes) {
                assertEquals(release.classPath(), n.classPath(), n.nodeId() + " runs the new release");
                assertTrue(n.isAlive(), n.nodeId() + " alive");
            }
            assertEquals(List.of(), verdict.violations(), "what the rolling upgrade did to agents (" + verdict.result() + ")");
            assertTrue(settled, "every agent holds a confirmed lease at the end: " + verdict.result());
            assertTrue(verdict.report().renewals() > 0, "renewals during the upgrade: " + verdict.result());
            assertEquals(3, servedAfterUpgrade, "every upgraded node served agents: " + counters);
            passed = true;
        } catch (AssertionError | RuntimeException e) {
            System.out.println("rolling: FAILED: " + e + "\nrolling: logs and data kept in " + dir + "\nrolling: processes:"
                    + Teardown.diagnostics(nodes, ensemble));
            throw e;
        } finally {
            if (load != null) {
                load.close();
            }
            Teardown.close(nodes, ensemble);
            if (passed) {
                Teardown.deleteTree(dir);
            }
        }
    }

    /**
     * The switch that shows the test can fail: the store's lease of the first device is deleted
     * (as a node losing a lease would do); the device's next renewal is refused as unknown.
     */
    private static void sabotage(Ensemble ensemble, List<DeviceId> devices) throws Exception {
        try (StoreClient c = new StoreClient(ensemble)) {
            Lease victim = c.leases(POOL).stream().filter(l -> l.device().equals(devices.get(0))).findFirst().orElseThrow();
            assertTrue(c.store().remove(POOL, victim.device(), victim.sequence()), "sabotage: lease of " + victim.device() + " removed");
        }
    }

    /** A node's planned down time: nothing here waits for a condition. */
    private static void pause(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
