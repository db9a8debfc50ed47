package net.dtm.store.zookeeper;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.Pool;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * A slow, not dead, ensemble: a relay that stops forwarding (connections stay open, nothing
 * answers). Sessions of 20 s (the client would notice the silence only after two thirds of that);
 * every request has a deadline of 1 s, after which it fails and the node shows disconnected.
 */
class ZkSlowEnsembleTest {

    private static final int SESSION_MS = 20_000;
    private static final int REQUEST_MS = 1_000;
    private static final long SLACK_MS = 2_000;

    private TestingServer server;
    private TcpProxy proxy;
    private ZkNode node;

    @BeforeEach
    void start() throws Exception {
        server = ZkTesting.server(1000); // sessions up to 20 ticks: 20 s
        proxy = TcpProxy.to(server.getPort());
        node = ZkNode.open(ZkSettings.of(proxy.connectString(), ZkTesting.PASSWORD, "node-1")
                .withNamespace(ZkTesting.freshNamespace()).withTimeouts(SESSION_MS, 2000).withRequestTimeout(REQUEST_MS));
    }

    @AfterEach
    void stop() throws Exception {
        proxy.resume();
        node.close();
        proxy.close();
        server.close();
    }

    private static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    @Test
    void everyStoreCallFailsWithinTheRequestTimeoutAndTheNodeShowsDisconnectedUntilTheEnsembleAnswers() {
        node.store().createPool(Pool.of("p", "10.9.0.0/24", 3600));
        await().atMost(Duration.ofSeconds(20)).until(() -> node.cluster().isConnected());

        proxy.stall();
        long t0 = System.nanoTime();
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> node.store().pool("p"));
        long ms = millisSince(t0);
        assertTrue(ms >= REQUEST_MS - 50 && ms < REQUEST_MS + SLACK_MS, "failed after " + ms + " ms: " + e.getMessage());
        // its own deadline, or another request's (the clock's, a recipe's) that dropped the connection first
        assertTrue(e.getMessage().contains("did not answer within request.timeout.ms")
                || e.getMessage().contains("connection to ZooKeeper lost"), e.getMessage());
        await().atMost(Duration.ofSeconds(5)).until(() -> !node.cluster().isConnected());

        t0 = System.nanoTime();
        assertThrows(StoreUnavailableException.class, () -> node.store().createPool(Pool.of("q", "10.10.0.0/24", 60)));
        assertTrue(millisSince(t0) < REQUEST_MS, "refused at once while disconnected: " + millisSince(t0) + " ms");

        // The node reconnects (to the same session, or a new one if it expired meanwhile); a
        // connection attempt made during the stall may first have to time out (2/3 of the session).
        proxy.resume();
        await().atMost(Duration.ofSeconds(60)).until(() -> node.cluster().isConnected());
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> node.store().pool("p").isPresent());
        assertEquals(1, node.store().pools().size());
    }
}
