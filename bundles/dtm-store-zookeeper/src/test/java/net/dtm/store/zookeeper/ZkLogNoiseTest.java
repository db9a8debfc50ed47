package net.dtm.store.zookeeper;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.dtm.spi.cluster.Member;

/**
 * What a node logs while its ensemble is away: Curator gave up each background operation with an
 * ERROR and a stack trace, over and over, for as long as the ensemble was down (381 such records in
 * one itest run). Each test keeps a node without its ensemble for {@value #DOWN_MS} ms while it
 * publishes its heartbeat as a server would (every {@value #HEARTBEAT_MS} ms), counts the records
 * printed meanwhile, and prints the figures.
 */
class ZkLogNoiseTest {

    private static final int SESSION_MS = 1500;
    private static final int CONNECTION_MS = 1000;
    private static final long DOWN_MS = 6000;
    private static final long HEARTBEAT_MS = 200;
    private static final Duration RECOVERY = Duration.ofSeconds(20);
    /** Records Curator may still print per outage: background operations in flight when the connection went. */
    private static final int CURATOR_ERRORS_ALLOWED = 2;

    private TestingServer server;
    private ZkNode node;
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() throws Exception {
        heartbeat.shutdownNow();
        if (node != null) {
            node.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private ZkNode open(String connect) {
        return ZkNode.open(ZkSettings.of(connect, ZkTesting.PASSWORD, "node-1").withNamespace(ZkTesting.freshNamespace())
                .withTimeouts(SESSION_MS, CONNECTION_MS));
    }

    private void beat(ZkNode n) {
        AtomicLong served = new AtomicLong();
        heartbeat.scheduleWithFixedDelay(() -> n.cluster().publish(served.incrementAndGet()), 0, HEARTBEAT_MS, TimeUnit.MILLISECONDS);
    }

    private boolean registeredAndLeading() {
        return node.cluster().isConnected() && node.cluster().isLeader()
                && node.cluster().members().stream().anyMatch(m -> m.id().equals("node-1") && m.registered());
    }

    private static long count(List<LogCapture.Entry> entries, String level, String loggerPrefix) {
        return entries.stream().filter(e -> e.level().equals(level) && e.logger().startsWith(loggerPrefix)).count();
    }

    private static long connectionChanges(List<LogCapture.Entry> entries, String state) {
        return entries.stream().filter(e -> e.logger().equals(ZkCluster.class.getName())
                && e.message().equals("node node-1: ZooKeeper connection " + state)).count();
    }

    /** Prints the figures and the Curator records, returns the number of Curator ERROR records. */
    private static long report(String scenario, LogCapture capture) {
        List<LogCapture.Entry> entries = capture.entries();
        long curatorErrors = count(entries, "ERROR", "org.apache.curator");
        long curatorLines = entries.stream().filter(e -> e.logger().startsWith("org.apache.curator")).mapToInt(LogCapture.Entry::lines).sum();
        System.out.printf("LOG NOISE %s: %d ms without the ensemble: %d records, %d lines; Curator ERROR records %d (%d lines),"
                        + " ZooKeeper client WARN records %d, DTM records %d%n", scenario, DOWN_MS, entries.size(), capture.lines().size(),
                curatorErrors, curatorLines, count(entries, "WARN", "org.apache.zookeeper"),
                entries.stream().filter(e -> e.logger().startsWith("net.dtm")).count());
        System.out.println(entries.stream().filter(e -> e.logger().startsWith("org.apache.curator") || e.logger().startsWith("net.dtm"))
                .map(e -> "  " + e).distinct().collect(Collectors.joining("\n")));
        return curatorErrors;
    }

    @Test
    void anEnsembleUnreachableAtStartDoesNotFloodTheLog() throws Exception {
        int port = InstanceSpec.getRandomPort();
        try (LogCapture capture = LogCapture.start()) {
            node = open("127.0.0.1:" + port);
            node.cluster().advertise(List.of());
            beat(node);
            Thread.sleep(DOWN_MS); // the outage being measured, not a synchronisation
            File dir = Files.createTempDirectory("zk-late").toFile();
            server = new TestingServer(new InstanceSpec(dir, port, -1, -1, true, -1, 100, -1), true);
            await().atMost(RECOVERY).until(this::registeredAndLeading);
            long errors = report("unreachable at start", capture);
            assertTrue(errors <= CURATOR_ERRORS_ALLOWED, errors + " Curator ERROR records while the ensemble was unreachable");
            List<LogCapture.Entry> entries = capture.entries();
            assertEquals(1, connectionChanges(entries, "CONNECTED"), "the connection logged once: " + entries);
        }
    }

    @Test
    void anEnsembleDownLongerThanTheSessionDoesNotFloodTheLog() throws Exception {
        server = ZkTesting.server();
        node = open(server.getConnectString());
        await().atMost(RECOVERY).until(this::registeredAndLeading);
        beat(node);
        try (LogCapture capture = LogCapture.start()) {
            server.stop();
            Thread.sleep(DOWN_MS); // the outage being measured, not a synchronisation
            server.restart();
            await().atMost(RECOVERY).until(this::registeredAndLeading);
            await().atMost(RECOVERY).until(() -> node.cluster().members().stream().filter(m -> m.id().equals("node-1"))
                    .mapToLong(Member::leasesServed).sum() > 0);
            long errors = report("down longer than the session", capture);
            assertTrue(errors <= CURATOR_ERRORS_ALLOWED, errors + " Curator ERROR records while the ensemble was down");
            List<LogCapture.Entry> entries = capture.entries();
            for (String state : List.of("SUSPENDED", "LOST")) {
                assertEquals(1, connectionChanges(entries, state), state + " logged once: " + entries);
            }
            assertTrue(connectionChanges(entries, "RECONNECTED") >= 1, "the reconnection is logged: " + entries);
        }
    }
}
