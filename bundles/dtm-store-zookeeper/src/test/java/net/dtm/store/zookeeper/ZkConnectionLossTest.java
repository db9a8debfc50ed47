package net.dtm.store.zookeeper;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.KillSession;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult.Outcome;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * The ensemble going away and coming back: a server of its own per test (stopped and restarted on
 * the same port and data), sessions of 1.5 s and a connection timeout of 1 s.
 */
class ZkConnectionLossTest {

    private static final int SESSION_MS = 1500;
    private static final int CONNECTION_MS = 1000;
    private static final Duration RECOVERY = Duration.ofSeconds(20);
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private TestingServer server;
    private ZkNode node;

    @BeforeEach
    void start() throws Exception {
        server = ZkTesting.server();
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        server.close();
    }

    private ZkNode open(String connect) {
        return open(connect, SESSION_MS);
    }

    private ZkNode open(String connect, int sessionMs) {
        return ZkNode.open(ZkSettings.of(connect, ZkTesting.PASSWORD, "node-1").withNamespace(ZkTesting.freshNamespace())
                .withTimeouts(sessionMs, CONNECTION_MS));
    }

    private static Lease lease(String device, String address) {
        return new Lease("p", DeviceId.of(device), Cidr.parseLiteral(address), LeaseState.LOCKED, 1, T0, "node-1");
    }

    /** Asserts {@code call} throws StoreUnavailableException within a second. */
    private static void unavailableAtOnce(String what, Executable call) {
        long t0 = System.nanoTime();
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, call, what);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 1000, what + " took " + ms + " ms to fail");
        assertTrue(e.getMessage().contains("not connected"), e.getMessage());
    }

    private boolean registeredBy(long session) throws Exception {
        Stat stat = node.client().checkExists().forPath("/nodes/node-1");
        return stat != null && stat.getEphemeralOwner() == session
                && node.cluster().members().stream().anyMatch(m -> m.id().equals("node-1") && m.registered());
    }

    private long session() throws Exception {
        return node.client().getZookeeperClient().getZooKeeper().getSessionId();
    }

    private void storeWorksAgain(String device, String address) {
        assertEquals(Outcome.BOUND, node.store().tryBind(lease(device, address)).outcome());
        Lease l = node.store().findByDevice("p", DeviceId.of(device)).orElseThrow();
        assertTrue(node.store().update(l.with(LeaseState.BOUND, 2, T0.plusSeconds(60), "node-1"), 1).isPresent());
    }

    @Test
    void serverDownMakesTheNodeDegradedAtOnceAndItRecoversWhenTheServerIsBack() throws Exception {
        server.close();
        server = ZkTesting.server(1000); // sessions up to 20 s: this one outlives the restart
        node = open(server.getConnectString(), 15_000);
        node.store().createPool(Pool.of("p", "10.64.0.0/16", 3600));
        Lease l = node.store().tryBind(lease("d1", "10.64.0.2")).lease();
        long session = session();
        await().atMost(RECOVERY).until(() -> registeredBy(session) && node.cluster().isLeader());
        CountDownLatch told = new CountDownLatch(1);
        node.cluster().addListener(told::countDown);

        server.stop();
        long t0 = System.nanoTime();
        await().atMost(Duration.ofMillis(CONNECTION_MS)).pollInterval(Duration.ofMillis(10))
                .until(() -> !node.cluster().isConnected() && !node.store().isAvailable());
        System.out.printf("disconnected noticed after %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        assertTrue(told.await(5, TimeUnit.SECONDS), "listeners told of the connection change");
        assertFalse(node.cluster().isLeader(), "no leadership without the quorum");
        unavailableAtOnce("tryBind", () -> node.store().tryBind(lease("d2", "10.64.0.3")));
        unavailableAtOnce("update", () -> node.store().update(l.with(LeaseState.BOUND, 2, T0, "node-1"), 1));
        unavailableAtOnce("remove", () -> node.store().remove("p", DeviceId.of("d1"), 1));
        unavailableAtOnce("findByDevice", () -> node.store().findByDevice("p", DeviceId.of("d1")));
        unavailableAtOnce("leases", () -> node.store().leases("p"));
        unavailableAtOnce("createPool", () -> node.store().createPool(Pool.of("q", "10.65.0.0/16", 3600)));
        unavailableAtOnce("devices", () -> node.store().list());
        unavailableAtOnce("enrolment keys", () -> node.store().enrolmentKeys().list());
        unavailableAtOnce("enrolment key", () -> node.store().enrolmentKeys().find("abcd"));
        unavailableAtOnce("setDraining", () -> node.cluster().setDraining("node-1", true));
        assertEquals(List.of("node-1"), node.cluster().members().stream().map(m -> m.id()).toList(),
                "the local view still answers");

        server.restart();
        await().atMost(RECOVERY).until(() -> node.cluster().isConnected() && node.store().isAvailable());
        assertEquals(session, session(), "reconnected within the session timeout: same session");
        storeWorksAgain("d2", "10.64.0.3");
        await().atMost(RECOVERY).until(() -> registeredBy(session) && node.cluster().isLeader());
        assertEquals(Outcome.DEVICE_ALREADY_BOUND, node.store().tryBind(lease("d1", "10.64.0.9")).outcome(), "d1 kept its lease");
    }

    @Test
    void afterASessionExpiryTheNodeRegistersAgainAndTheStoreWorks() throws Exception {
        node = open(server.getConnectString());
        node.store().createPool(Pool.of("p", "10.64.0.0/16", 3600));
        long first = session();
        await().atMost(RECOVERY).until(() -> registeredBy(first) && node.cluster().isLeader());

        KillSession.kill(node.client().getZookeeperClient().getZooKeeper()); // the ensemble expires the session
        await().atMost(RECOVERY).until(() -> node.cluster().isConnected() && node.store().isAvailable()
                && session() != first);
        long second = session();
        await().atMost(RECOVERY).until(() -> registeredBy(second) && node.cluster().isLeader());
        storeWorksAgain("d1", "10.64.0.2");
    }

    @Test
    void serverDownLongerThanTheSessionLosesItAndTheNodeComesBackWithANewOne() throws Exception {
        node = open(server.getConnectString());
        node.store().createPool(Pool.of("p", "10.64.0.0/16", 3600));
        long first = session();
        await().atMost(RECOVERY).until(() -> registeredBy(first));
        CountDownLatch lost = new CountDownLatch(1);
        node.client().getConnectionStateListenable().addListener((c, s) -> {
            if (s == ConnectionState.LOST) {
                lost.countDown();
            }
        });
        server.stop();
        assertTrue(lost.await(SESSION_MS * 4L, TimeUnit.MILLISECONDS), "Curator declares the session lost");
        unavailableAtOnce("tryBind while lost", () -> node.store().tryBind(lease("d1", "10.64.0.2")));
        server.restart();
        // the cluster and the store each learn of the connection from their own Curator listener
        await().atMost(RECOVERY).until(() -> node.cluster().isConnected() && node.store().isAvailable()
                && session() != first);
        long second = session();
        storeWorksAgain("d1", "10.64.0.2");
        // the old session's ephemeral node lingers until the restarted server expires it; then ours replaces it
        await().atMost(RECOVERY).until(() -> registeredBy(second));
    }

    @Test
    void anUnreachableEnsembleAtStartGivesADegradedNodeThatConnectsByItself() throws Exception {
        int port = InstanceSpec.getRandomPort();
        long t0 = System.nanoTime();
        node = open("127.0.0.1:" + port);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < CONNECTION_MS + 1000, "open waited " + ms + " ms");
        assertFalse(node.cluster().isConnected());
        assertFalse(node.cluster().isLeader());
        unavailableAtOnce("pools", () -> node.store().pools());
        assertEquals(List.of(), node.cluster().members());

        File dir = Files.createTempDirectory("zk-late").toFile();
        try (TestingServer late = new TestingServer(new InstanceSpec(dir, port, -1, -1, true, -1, 100, -1), true)) {
            await().atMost(RECOVERY).until(() -> node.cluster().isConnected() && node.store().isAvailable());
            node.store().createPool(Pool.of("p", "10.64.0.0/16", 3600));
            storeWorksAgain("d1", "10.64.0.2");
            long s = session();
            await().atMost(RECOVERY).until(() -> registeredBy(s) && node.cluster().isLeader());
            node.close();
            node = null;
        }
    }
}
