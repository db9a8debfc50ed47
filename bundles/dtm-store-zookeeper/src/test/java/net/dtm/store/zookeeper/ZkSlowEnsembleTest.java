package net.dtm.store.zookeeper;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult;
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
    void anAsyncBindToASilentEnsembleReturnsAtOnceAndFailsWithinTheRequestTimeout() throws Exception {
        node.store().createPool(Pool.of("p", "10.9.0.0/24", 3600));
        await().atMost(Duration.ofSeconds(20)).until(() -> node.cluster().isConnected());
        DeviceId device = DeviceId.of("router-1");
        Lease offer = new Lease("p", device, Cidr.parseLiteral("10.9.0.7"), LeaseState.LOCKED, 1,
                Instant.parse("2030-01-01T00:00:00Z"), "node-1");
        assertEquals(BindResult.Outcome.BOUND, node.store().tryBind(offer).outcome()); // its buckets exist now
        assertTrue(node.store().remove("p", device, 1));

        proxy.stall();
        returnsAtOnceAndFailsWithinTheRequestTimeout(() -> node.store().tryBindAsync(offer),
                "bind 10.9.0.7 to router-1 in pool p: ");
    }

    /** The CONFIRM's update: its version read held a worker until the request timeout. */
    @Test
    void anAsyncUpdateToASilentEnsembleReturnsAtOnceAndFailsWithinTheRequestTimeout() throws Exception {
        node.store().createPool(Pool.of("p", "10.9.0.0/24", 3600));
        await().atMost(Duration.ofSeconds(20)).until(() -> node.cluster().isConnected());
        Lease offer = new Lease("p", DeviceId.of("router-1"), Cidr.parseLiteral("10.9.0.7"), LeaseState.LOCKED, 1,
                Instant.parse("2030-01-01T00:00:00Z"), "node-1");
        assertEquals(BindResult.Outcome.BOUND, node.store().tryBind(offer).outcome());

        proxy.stall();
        returnsAtOnceAndFailsWithinTheRequestTimeout(() -> node.store().updateAsync(offer.with(LeaseState.BOUND, 2,
                Instant.parse("2030-01-01T01:00:00Z"), "node-1"), 1), "update lease of router-1 in pool p: ");
    }

    /** Starts an async call to the silent ensemble: it returns at once, then fails as the store fails, within the request timeout. */
    private static void returnsAtOnceAndFailsWithinTheRequestTimeout(Supplier<CompletableFuture<?>> call, String saying) {
        long t0 = System.nanoTime();
        CompletableFuture<?> f = call.get();
        long returned = millisSince(t0);
        assertTrue(returned < REQUEST_MS / 2, "the caller was held " + returned + " ms");
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(REQUEST_MS + SLACK_MS,
                TimeUnit.MILLISECONDS));
        long ms = millisSince(t0);
        assertTrue(e.getCause() instanceof StoreUnavailableException, "the store's failure: " + e.getCause());
        assertTrue(ms >= REQUEST_MS - 50, "failed after " + ms + " ms: " + e.getCause().getMessage());
        assertTrue(e.getCause().getMessage().startsWith(saying), e.getCause().getMessage());
    }

    @Test
    void anAsyncReadFromASilentEnsembleFailsWithinTheRequestTimeout() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> node.cluster().isConnected());
        ZkAccess zk = new ZkAccess(node.client(), REQUEST_MS);
        AtomicInteger handedOver = new AtomicInteger();
        proxy.stall();
        long t0 = System.nanoTime();
        CompletableFuture<?> read = zk.readAsync("read the device's binding", "/anything", r -> {
            handedOver.incrementAndGet();
            r.run();
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> read.get(REQUEST_MS + SLACK_MS,
                TimeUnit.MILLISECONDS));
        long ms = millisSince(t0);
        assertTrue(e.getCause() instanceof StoreUnavailableException, "the store's failure: " + e.getCause());
        assertTrue(ms >= REQUEST_MS - 50, "failed after " + ms + " ms: " + e.getCause().getMessage());
        assertTrue(e.getCause().getMessage().startsWith("read the device's binding: "), e.getCause().getMessage());
        assertEquals(0, handedOver.get(), "no thread was given the read while it waited");
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
