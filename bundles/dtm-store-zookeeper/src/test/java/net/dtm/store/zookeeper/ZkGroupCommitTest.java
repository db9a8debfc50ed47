package net.dtm.store.zookeeper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.spi.store.StoreUnavailableException;

/**
 * {@link ZkGroupCommit} on a real ZooKeeper test server: batches are forced by holding the first
 * transaction at a gate until the other units are queued behind it.
 */
class ZkGroupCommitTest {

    private static final long WAIT_MS = 10_000;

    private TestingServer server;
    private CuratorFramework client;
    private ExecutorService callers;
    /** Where submitted units are answered. */
    private final ExecutorService answers = Executors.newCachedThreadPool();
    private ZkGroupCommit writer;
    /** Transactions that reached the gate. */
    private final AtomicInteger sent = new AtomicInteger();
    private final CountDownLatch firstSent = new CountDownLatch(1);
    private final CountDownLatch open = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        server = ZkTesting.server();
        // no retries, and a dead server noticed within a second (a caller's failure, not its wait bound)
        client = CuratorFrameworkFactory.builder().connectString(server.getConnectString())
                .namespace(ZkTesting.freshNamespace()).retryPolicy(new RetryNTimes(0, 0))
                .connectionTimeoutMs(1000).sessionTimeoutMs(4000).build();
        client.start();
        assertTrue(client.blockUntilConnected(10, TimeUnit.SECONDS), "test server not reachable");
        client.create().forPath("/alive");
        client.create().forPath("/d");
        client.create().forPath("/a");
        callers = Executors.newFixedThreadPool(48);
    }

    @AfterEach
    void stop() throws Exception {
        open.countDown();
        if (writer != null) {
            writer.close();
        }
        callers.shutdownNow();
        answers.shutdownNow();
        client.close();
        server.close();
    }

    /** One runner whose transactions wait at the gate ({@link #open}) and then run {@code then}. */
    private ZkGroupCommit gated(ZkGroupCommit.Multi then, long waitMs) {
        return gated(then, waitMs, 0);
    }

    private ZkGroupCommit gated(ZkGroupCommit.Multi then, long waitMs, long lingerMs) {
        writer = new ZkGroupCommit("test writer", ops -> {
            sent.incrementAndGet();
            firstSent.countDown();
            assertTrue(open.await(30, TimeUnit.SECONDS), "gate never opened");
            then.commit(ops);
        }, 64, 1, waitMs, lingerMs, null, answers);
        return writer;
    }

    /** The first unit alone, then three together: the runner's last batch had three units. */
    private void aBatchOfThree() throws Exception {
        List<Future<ZkGroupCommit.Outcome>> results = queuedBehindFirst(List.of(
                new String[] {"dev1", "a001"}, new String[] {"dev2", "a002"}, new String[] {"dev3", "a003"}));
        open.countDown();
        for (Future<ZkGroupCommit.Outcome> f : results) {
            assertTrue(f.get(10, TimeUnit.SECONDS).committed());
        }
        assertEquals(2, writer.batches());
    }

    private ZkGroupCommit.Multi real() {
        return ops -> client.transaction().forOperations(ops);
    }

    /** A binding's unit as the store writes it: check the marker, create the device node and the address node. */
    private List<CuratorOp> bind(String device, String address) throws Exception {
        byte[] data = (device + "@" + address).getBytes(StandardCharsets.UTF_8);
        return List.of(client.transactionOp().check().forPath("/alive"),
                client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath("/d/" + device, data),
                client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath("/a/" + address, data));
    }

    private Future<ZkGroupCommit.Outcome> submit(String device, String address) throws Exception {
        List<CuratorOp> ops = bind(device, address);
        return callers.submit(() -> writer.commit(device, ops));
    }

    /**
     * Holds the gate with a first unit, queues {@code units} more behind it, in their order: each is
     * queued before the next is submitted (the callers are a pool of threads, which would otherwise
     * queue them in any order, and the tests of conflicting units depend on it).
     */
    private List<Future<ZkGroupCommit.Outcome>> queuedBehindFirst(List<String[]> units) throws Exception {
        List<Future<ZkGroupCommit.Outcome>> out = new ArrayList<>();
        out.add(submit("first", "a000"));
        assertTrue(firstSent.await(10, TimeUnit.SECONDS));
        for (String[] u : units) {
            out.add(submit(u[0], u[1]));
            awaitQueued(out.size() - 1);
        }
        return out;
    }

    private void awaitQueued(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (writer.pending() < n) {
            assertTrue(System.nanoTime() < deadline, "only " + writer.pending() + " of " + n + " units queued");
            Thread.sleep(5); // polling the queue's size, not standing in for an event
        }
    }

    private String stored(String path) throws Exception {
        return client.checkExists().forPath(path) == null ? null
                : new String(client.getData().forPath(path), StandardCharsets.UTF_8);
    }

    @Test
    void aBatchWithOneConflictingUnitCommitsEveryOtherAndGivesTheConflictItsOwnAnswer() throws Exception {
        client.create().forPath("/a/a005", "other-node".getBytes(StandardCharsets.UTF_8)); // another node holds a005
        gated(real(), WAIT_MS);
        List<String[]> units = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            units.add(new String[] {"dev" + i, String.format("a%03d", i)});
        }
        List<Future<ZkGroupCommit.Outcome>> results = queuedBehindFirst(units);
        open.countDown();

        assertTrue(results.get(0).get(10, TimeUnit.SECONDS).committed());
        for (int i = 1; i <= 9; i++) {
            ZkGroupCommit.Outcome o = results.get(i).get(10, TimeUnit.SECONDS);
            if (i == 5) {
                assertTrue(o.failed(2, KeeperException.Code.NODEEXISTS), "the taken address: " + o);
                assertNull(stored("/d/dev5"), "nothing of the failed unit is written");
                assertEquals("other-node", stored("/a/a005"));
            } else {
                assertTrue(o.committed(), "dev" + i + ": " + o);
                assertEquals("dev" + i + "@a00" + i, stored("/d/dev" + i));
                assertEquals("dev" + i + "@a00" + i, stored("/a/a00" + i));
            }
        }
        assertEquals(2, writer.batches(), "the first unit alone, then the nine queued behind it together");
        assertEquals(3, writer.multis(), "one transaction for the first, two for the nine (the conflict, then the eight)");
    }

    @Test
    void theMarkerEveryUnitChecksIsSentOnceInTheirTransaction() throws Exception {
        List<Integer> sizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        ZkGroupCommit.Multi real = real();
        gated(ops -> {
            sizes.add(ops.size());
            real.commit(ops);
        }, WAIT_MS);
        List<String[]> units = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            units.add(new String[] {"dev" + i, String.format("a%03d", i)});
        }
        List<Future<ZkGroupCommit.Outcome>> results = queuedBehindFirst(units);
        open.countDown();

        for (int i = 0; i <= 9; i++) {
            assertTrue(results.get(i).get(10, TimeUnit.SECONDS).committed(), "unit " + i);
        }
        assertEquals("dev9@a009", stored("/a/a009"));
        assertEquals(List.of(3, 1 + 9 * 2), sizes, "the nine units' checks of /alive sent as one");
    }

    @Test
    void whenTheSharedCheckFailsEveryUnitOfTheBatchGetsThatFailureAtItsOwnCheck() throws Exception {
        gated(real(), WAIT_MS);
        List<String[]> units = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            units.add(new String[] {"dev" + i, String.format("a%03d", i)});
        }
        List<Future<ZkGroupCommit.Outcome>> results = queuedBehindFirst(units);
        client.delete().forPath("/alive"); // the pool is deleted while the units wait
        open.countDown();

        for (int i = 0; i <= 5; i++) {
            ZkGroupCommit.Outcome o = results.get(i).get(10, TimeUnit.SECONDS);
            assertTrue(o.failed(0, KeeperException.Code.NONODE), "unit " + i + ": " + o);
        }
        assertTrue(client.getChildren().forPath("/d").isEmpty(), "nothing written");
        assertTrue(client.getChildren().forPath("/a").isEmpty(), "nothing written");
    }

    @Test
    void unitsWritingTheSameZnodeGoInSeparateTransactionsSoTheLaterOneSeesTheEarlier() throws Exception {
        gated(real(), WAIT_MS);
        List<Future<ZkGroupCommit.Outcome>> results = queuedBehindFirst(List.of(
                new String[] {"dev1", "a001"}, new String[] {"dev2", "a001"}, new String[] {"dev1", "a002"}));
        open.countDown();

        assertTrue(results.get(1).get(10, TimeUnit.SECONDS).committed());
        assertTrue(results.get(2).get(10, TimeUnit.SECONDS).failed(2, KeeperException.Code.NODEEXISTS),
                "a001 went to dev1 first");
        assertTrue(results.get(3).get(10, TimeUnit.SECONDS).failed(1, KeeperException.Code.NODEEXISTS),
                "dev1 holds a001 already");
        assertEquals("dev1@a001", stored("/a/a001"));
        assertNull(stored("/a/a002"));
        assertNull(stored("/d/dev2"));
    }

    @Test
    void concurrentUnitsOnFewAddressesNeverBindOneAddressOrOneDeviceTwice() throws Exception {
        writer = new ZkGroupCommit("test writer", real(), 16, 2, WAIT_MS, 0, null, answers);
        int devices = 200;
        int addresses = 40;
        List<Future<ZkGroupCommit.Outcome>> results = new ArrayList<>();
        List<String[]> asked = new ArrayList<>();
        for (int i = 0; i < devices * 3; i++) { // every device asks for three addresses, each asked for by 15
            String device = "dev" + (i % devices);
            String address = String.format("a%03d", (i * 7 + i / devices) % addresses);
            asked.add(new String[] {device, address});
            results.add(submit(device, address));
        }
        List<String> boundDevices = new ArrayList<>();
        List<String> boundAddresses = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            ZkGroupCommit.Outcome o = results.get(i).get(30, TimeUnit.SECONDS);
            if (o.committed()) {
                boundDevices.add(asked.get(i)[0]);
                boundAddresses.add(asked.get(i)[1]);
                assertEquals(asked.get(i)[0] + "@" + asked.get(i)[1], stored("/a/" + asked.get(i)[1]));
            } else {
                assertEquals(KeeperException.Code.NODEEXISTS, o.code(), "only conflicts: " + o);
                assertTrue(o.failedOp() == 1 || o.failedOp() == 2, "the device or the address: " + o);
                String holder = o.failedOp() == 1 ? stored("/d/" + asked.get(i)[0]) : stored("/a/" + asked.get(i)[1]);
                assertTrue(holder != null, "a conflict with something stored: " + o);
            }
        }
        assertEquals(boundAddresses.size(), boundAddresses.stream().distinct().count(), "an address bound twice");
        assertEquals(boundDevices.size(), boundDevices.stream().distinct().count(), "a device bound twice");
        assertEquals(boundAddresses.size(), client.getChildren().forPath("/a").size(), "bound = stored");
        assertEquals(boundDevices.size(), client.getChildren().forPath("/d").size(), "bound = stored");
        for (String a : client.getChildren().forPath("/a")) {
            String binding = stored("/a/" + a);
            assertEquals(binding, stored("/d/" + binding.substring(0, binding.indexOf('@'))), "both copies agree");
        }
        assertTrue(boundAddresses.size() >= addresses / 3, "most addresses bound: " + boundAddresses.size());
        assertTrue(writer.multis() < results.size(), "batched: " + writer.multis() + " transactions for "
                + results.size() + " units");
    }

    @Test
    void aTransactionFailingAsAWholeFailsEveryCallerOfItsBatch() throws Exception {
        gated(ops -> {
            throw new KeeperException.ConnectionLossException();
        }, WAIT_MS);
        List<Future<ZkGroupCommit.Outcome>> results = queuedBehindFirst(List.of(
                new String[] {"dev1", "a001"}, new String[] {"dev2", "a002"}, new String[] {"dev3", "a003"}));
        open.countDown();
        for (Future<ZkGroupCommit.Outcome> f : results) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            assertInstanceOf(KeeperException.ConnectionLossException.class, e.getCause());
        }
        assertEquals(2, writer.batches());
    }

    @Test
    void zooKeeperGoingAwayMidBatchFailsEveryCallerAndNoneHangs() throws Exception {
        gated(real(), WAIT_MS);
        List<Future<ZkGroupCommit.Outcome>> results = queuedBehindFirst(List.of(
                new String[] {"dev1", "a001"}, new String[] {"dev2", "a002"}, new String[] {"dev3", "a003"}));
        server.stop(); // the batches are in flight or queued: their transactions reach a dead server
        open.countDown();
        for (Future<ZkGroupCommit.Outcome> f : results) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
            assertInstanceOf(KeeperException.class, e.getCause(), "ZooKeeper's own failure: " + e.getCause());
        }
    }

    @Test
    void aCallerWhoseUnitWasNotStartedInTimeIsToldNothingWasWrittenAndItNeverIs() throws Exception {
        gated(real(), 300);
        List<CuratorOp> ops = bind("late", "a009");
        Future<ZkGroupCommit.Outcome> first = submit("first", "a000");
        assertTrue(firstSent.await(10, TimeUnit.SECONDS));
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> writer.commit("late", ops));
        assertTrue(e.getMessage().contains("nothing of it was written"), e.getMessage());
        StoreUnavailableException held = assertThrows(ExecutionException.class, () -> first.get(10, TimeUnit.SECONDS))
                .getCause() instanceof StoreUnavailableException s ? s : null;
        assertTrue(held != null && held.getMessage().contains("outcome is unknown"), String.valueOf(held));
        open.countDown();
        CompletableFuture<ZkGroupCommit.Outcome> after = CompletableFuture.supplyAsync(() -> {
            try {
                return writer.commit("after", bind("after", "a010"));
            } catch (Exception x) {
                throw new IllegalStateException(x);
            }
        }, callers);
        assertTrue(after.get(10, TimeUnit.SECONDS).committed());
        assertEquals("first@a000", stored("/a/a000"), "the held unit was committed once the gate opened");
        assertNull(stored("/a/a009"), "the abandoned unit was never written");
        assertFalse(client.getChildren().forPath("/d").contains("late"));
    }

    @Test
    void aSubmittedUnitDoesNotHoldItsCallerAndItsFutureEndsWithTheCommit() throws Exception {
        gated(real(), WAIT_MS);
        CompletableFuture<ZkGroupCommit.Outcome> first = writer.submit("first", bind("first", "a000"));
        assertTrue(firstSent.await(10, TimeUnit.SECONDS));
        CompletableFuture<ZkGroupCommit.Outcome> second = writer.submit("dev1", bind("dev1", "a001"));
        assertFalse(first.isDone() || second.isDone(), "both wait for the gate, their caller does not");
        open.countDown();
        assertTrue(first.get(10, TimeUnit.SECONDS).committed());
        assertTrue(second.get(10, TimeUnit.SECONDS).committed());
        assertEquals("dev1@a001", stored("/a/a001"));
    }

    /**
     * What follows a submitted unit (a request's reply; it may read the store) runs where the unit
     * is answered, not on the runner: a reply that blocks does not hold the next batch (it did: the
     * next write waited for it, or failed when its wait ran out).
     */
    @Test
    void whatFollowsASubmittedUnitDoesNotHoldTheNextBatch() throws Exception {
        gated(real(), 2_000);
        CountDownLatch replying = new CountDownLatch(1);
        CountDownLatch replied = new CountDownLatch(1);
        CompletableFuture<Void> reply = writer.submit("first", bind("first", "a000")).thenAccept(o -> {
            replying.countDown();
            try {
                assertTrue(replied.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(firstSent.await(10, TimeUnit.SECONDS)); // the runner holds it: what follows is registered first
        open.countDown();
        assertTrue(replying.await(10, TimeUnit.SECONDS));
        assertTrue(writer.commit("second", bind("dev1", "a001")).committed(), "the next batch commits meanwhile");
        replied.countDown();
        reply.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSubmittedUnitNotStartedInTimeFailsAndIsNeverWritten() throws Exception {
        gated(real(), 300);
        CompletableFuture<ZkGroupCommit.Outcome> first = writer.submit("first", bind("first", "a000"));
        assertTrue(firstSent.await(10, TimeUnit.SECONDS));
        CompletableFuture<ZkGroupCommit.Outcome> late = writer.submit("late", bind("late", "a009"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> late.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof StoreUnavailableException
                && e.getCause().getMessage().startsWith("late: test writer did not start it within 300 ms; nothing of it"
                + " was written"), String.valueOf(e.getCause()));
        open.countDown();
        assertThrows(ExecutionException.class, () -> first.get(10, TimeUnit.SECONDS)); // its outcome unknown to it
        assertTrue(writer.commit("after", bind("after", "a010")).committed());
        assertEquals("first@a000", stored("/a/a000"));
        assertNull(stored("/a/a009"), "the abandoned unit was never written");
    }

    @Test
    void aBatchWaitsToGatherAsManyUnitsAsTheOneBeforeIt() throws Exception {
        gated(real(), WAIT_MS, 30_000);
        aBatchOfThree();
        long t0 = System.nanoTime();
        CompletableFuture<ZkGroupCommit.Outcome> fourth = writer.submit("dev4", bind("dev4", "a004"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (writer.pending() > 0) { // until the runner takes it into a batch, which then waits for two more
            assertTrue(System.nanoTime() < deadline, "dev4 never taken");
            Thread.sleep(5); // polling the queue's size, not standing in for an event
        }
        assertFalse(fourth.isDone(), "dev4 went alone instead of waiting for company");
        CompletableFuture<ZkGroupCommit.Outcome> fifth = writer.submit("dev5", bind("dev5", "a005"));
        CompletableFuture<ZkGroupCommit.Outcome> sixth = writer.submit("dev6", bind("dev6", "a006"));
        for (CompletableFuture<ZkGroupCommit.Outcome> f : List.of(fourth, fifth, sixth)) {
            assertTrue(f.get(10, TimeUnit.SECONDS).committed());
        }
        assertEquals(3, writer.batches(), "dev4 waited for dev5 and dev6 and went with them");
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) < 10, "not the whole linger");
    }

    @Test
    void aBatchShortOfTheOneBeforeGoesWhenTheLingerEndsAndALoneWriteAfterItDoesNotWait() throws Exception {
        long lingerMs = 2_000;
        gated(real(), WAIT_MS, lingerMs);
        aBatchOfThree();
        long t0 = System.nanoTime();
        assertTrue(submit("dev4", "a004").get(10, TimeUnit.SECONDS).committed());
        long lingered = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(lingered >= lingerMs - 50, "dev4 went after " + lingered + " ms, without waiting for company");
        t0 = System.nanoTime();
        assertTrue(submit("dev5", "a005").get(10, TimeUnit.SECONDS).committed());
        long lone = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(lone < lingerMs - 50, "after a batch of one, a lone write waited " + lone + " ms");
        assertEquals(4, writer.batches());
    }

    @Test
    void afterCloseNewUnitsAreRefused() throws Exception {
        writer = new ZkGroupCommit("test writer", real(), 64, 2, WAIT_MS, 0, null, answers);
        assertTrue(writer.commit("one", bind("dev1", "a001")).committed());
        writer.close();
        assertThrows(StoreUnavailableException.class, () -> writer.commit("two", bind("dev2", "a002")));
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> writer.submit("three", bind("dev3", "a003")).get(10, TimeUnit.SECONDS));
        assertInstanceOf(StoreUnavailableException.class, refused.getCause());
        assertArrayEquals("dev1@a001".getBytes(StandardCharsets.UTF_8), client.getData().forPath("/a/a001"));
    }
}
