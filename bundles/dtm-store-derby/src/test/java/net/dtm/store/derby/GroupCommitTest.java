package net.dtm.store.derby;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.LeaseCounts;
import net.dtm.spi.store.BindResult.Outcome;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * Group commit specifics: writes queued behind a running batch share the next commit, one failing
 * write does not spoil its batch, a failed commit fails the whole batch and stores nothing, the
 * batch bound holds, a lone write is committed on its own, and close finishes queued writes.
 * <p>
 * A gate in the writer's hooks holds the writer after it took a first ("blocker") write, so the
 * test decides exactly which writes queue up behind it; nothing here waits on time.
 */
class GroupCommitTest {

    private static final Instant T = Instant.parse("2030-05-01T10:00:00.123Z");
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    static Path templateDir;

    private static TemplateDatabase template;

    @TempDir
    Path dir;

    private final ExecutorService callers = Executors.newCachedThreadPool();
    private DerbyStore store;

    @BeforeAll
    static void createTemplate() {
        template = new TemplateDatabase(templateDir);
    }

    @AfterEach
    void tearDown() {
        assertFalse(gates.stream().anyMatch(g -> g.gaveUp), "a gate was never released");
        callers.shutdownNow();
        if (store != null) {
            store.close();
        }
    }

    /**
     * Once armed, holds the writer in its next batch until released (at most 30 s, so a broken test
     * cannot hang the build); records every batch's size.
     */
    static class Gate implements GroupCommitWriter.Hooks {
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean armed = new AtomicBoolean();
        volatile boolean gaveUp;

        @Override
        public void batchStarting() throws InterruptedException {
            if (armed.getAndSet(false)) {
                holding.countDown();
                gaveUp = !release.await(30, TimeUnit.SECONDS);
            }
        }

        @Override
        public void beforeCommit(Connection c, int batchSize) throws SQLException {
            batchSizes.add(batchSize);
        }

        // Holds the committer thread the same way, once armed. Only that thread: the runner also
        // commits a lone batch itself, and may do so before the committer has taken its batch.
        final CountDownLatch committerHolding = new CountDownLatch(1);
        final CountDownLatch committerRelease = new CountDownLatch(1);
        final AtomicBoolean committerArmed = new AtomicBoolean();

        @Override
        public void committing(int batchSize) throws InterruptedException {
            if (Thread.currentThread().getName().equals("dtm-derby-committer") && committerArmed.getAndSet(false)) {
                committerHolding.countDown();
                gaveUp |= !committerRelease.await(30, TimeUnit.SECONDS);
            }
        }
    }

    private final List<Gate> gates = new ArrayList<>();

    private DerbyStore open(int maxBatch, Gate hooks) {
        gates.add(hooks);
        Path db = dir.resolve("db");
        if (!db.toFile().exists()) {
            template.copyTo(db);
        }
        store = new DerbyStore(db, true, maxBatch, hooks);
        store.createPool(Pool.of("p", "10.64.0.0/16", 3600));
        return store;
    }

    private static InetAddress ip(String literal) {
        return Cidr.parseLiteral(literal);
    }

    private static Lease offer(String device, String address) {
        return new Lease("p", DeviceId.of(device), ip(address), LeaseState.LOCKED, 1, T, "n1");
    }

    /** Runs {@code call} on a caller thread and waits until its write is queued behind the held batch. */
    private <T> Future<T> queue(Callable<T> call) {
        int before = store.writer().pending();
        Future<T> f = callers.submit(call);
        await().atMost(PATIENCE).until(() -> store.writer().pending() == before + 1);
        return f;
    }

    /** Starts the blocker write and waits until the writer holds it in the gate. */
    private Future<BindResult> holdWriter(Gate gate) throws InterruptedException {
        gate.armed.set(true);
        Future<BindResult> blocker = callers.submit(() -> store.tryBind(offer("blocker", "10.64.0.100")));
        assertTrue(gate.holding.await(30, TimeUnit.SECONDS), "the writer never took the blocker");
        return blocker;
    }

    private static <T> T get(Future<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    private DerbyStore reopen() {
        store.close();
        store = new DerbyStore(dir.resolve("db"));
        return store;
    }

    @Test
    void writesQueuedBehindABatchShareOneCommit() throws Exception {
        Gate gate = new Gate();
        open(256, gate);
        int sizesBefore = gate.batchSizes.size();
        long batchesBefore = store.writer().batches();
        Future<BindResult> blocker = holdWriter(gate);
        List<Future<BindResult>> queued = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String address = "10.64.0." + (i + 2);
            String device = "d" + i;
            queued.add(queue(() -> store.tryBind(offer(device, address))));
        }
        gate.release.countDown();
        assertEquals(Outcome.BOUND, get(blocker).outcome());
        for (Future<BindResult> f : queued) {
            assertEquals(Outcome.BOUND, get(f).outcome());
        }
        assertEquals(List.of(11), gate.batchSizes.subList(sizesBefore, gate.batchSizes.size()),
                "the blocker and the ten queued writes went in one batch");
        assertEquals(batchesBefore + 1, store.writer().batches(), "one commit");
        assertEquals(batchesBefore + 1, store.commitStats().orElseThrow().commits());
        assertEquals(11, reopen().leases("p").size(), "all of it durable");
    }

    @Test
    void aFailingWriteInTheMiddleOfABatchFailsAloneAndTheOthersAreCommitted() throws Exception {
        Gate gate = new Gate();
        open(256, gate);
        Lease d1 = offer("d1", "10.64.0.3");
        Lease stale = new Lease("p", DeviceId.of("blocker"), ip("10.64.0.100"), LeaseState.BOUND, 9, T, "n1");
        Lease d3 = offer("d3", "10.64.0.5");
        Future<BindResult> blocker = holdWriter(gate);
        Future<BindResult> first = queue(() -> store.tryBind(d1));
        Future<BindResult> addressTaken = queue(() -> store.tryBind(offer("d2", "10.64.0.3")));
        Future<BindResult> deviceBound = queue(() -> store.tryBind(offer("d1", "10.64.0.4")));
        Future<BindResult> noPool = queue(() -> store.tryBind(new Lease("nope", DeviceId.of("d9"), ip("10.64.0.9"),
                LeaseState.LOCKED, 1, T, "n1")));
        Future<Optional<Lease>> staleUpdate = queue(() -> store.update(stale, 5));
        Future<Boolean> duplicatePool = queue(() -> {
            store.createPool(Pool.of("p", "10.99.0.0/16", 60));
            return true;
        });
        Future<BindResult> last = queue(() -> store.tryBind(d3));
        gate.release.countDown();

        assertEquals(Outcome.BOUND, get(blocker).outcome());
        assertEquals(new BindResult(Outcome.BOUND, d1), get(first));
        assertEquals(Outcome.ADDRESS_TAKEN, get(addressTaken).outcome(), "duplicate address: that insert alone fails");
        assertEquals(new BindResult(Outcome.DEVICE_ALREADY_BOUND, d1), get(deviceBound),
                "sees the binding made earlier in the same batch");
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(noPool));
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertEquals(Optional.empty(), get(staleUpdate));
        ExecutionException dup = assertThrows(ExecutionException.class, () -> get(duplicatePool));
        assertInstanceOf(IllegalArgumentException.class, dup.getCause());
        assertEquals(new BindResult(Outcome.BOUND, d3), get(last), "the write after the failures is kept");
        assertEquals(List.of(8), gate.batchSizes.subList(1, gate.batchSizes.size()), "one batch of eight");

        reopen();
        assertEquals(List.of("10.64.0.3", "10.64.0.5", "10.64.0.100"),
                store.leases("p").stream().map(l -> l.address().getHostAddress()).toList());
        assertEquals(List.of(Pool.of("p", "10.64.0.0/16", 3600)), store.pools());
    }

    @Test
    void aFailedCommitFailsTheWholeBatchAndStoresNothingOfIt() throws Exception {
        AtomicBoolean failNextCommit = new AtomicBoolean(false);
        Gate gate = new Gate() {
            @Override
            public void beforeCommit(Connection c, int batchSize) throws SQLException {
                super.beforeCommit(c, batchSize);
                if (failNextCommit.getAndSet(false)) {
                    // The database goes away between the statements and the commit.
                    try {
                        DriverManager.getConnection("jdbc:derby:" + dir.resolve("db").toAbsolutePath() + ";shutdown=true");
                    } catch (SQLException expected) {
                        assertEquals("08006", expected.getSQLState(), expected.getMessage());
                    }
                }
            }
        };
        open(256, gate);
        failNextCommit.set(true);
        Future<BindResult> blocker = holdWriter(gate);
        List<Future<BindResult>> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String address = "10.64.0." + (i + 2);
            String device = "d" + i;
            queued.add(queue(() -> store.tryBind(offer(device, address))));
        }
        gate.release.countDown();
        for (Future<BindResult> f : concat(blocker, queued)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> get(f));
            assertInstanceOf(StoreUnavailableException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("could not commit a batch of 4 writes"), e.getCause().getMessage());
        }
        // The writer reconnects for the next batch; the failed one left nothing behind.
        assertEquals(Outcome.BOUND, store.tryBind(offer("after", "10.64.0.50")).outcome());
        assertEquals(new LeaseCounts(1, 0, 0, 0, 0), store.countLeases("p", T.minusSeconds(1), T.minusSeconds(1)),
                "the failed batch's bindings never reached the expiry index, and did not hold up the next write's");
        reopen();
        assertEquals(List.of(offer("after", "10.64.0.50")), store.leases("p"));
    }

    private static <T> List<Future<T>> concat(Future<T> first, List<Future<T>> rest) {
        List<Future<T>> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    @Test
    void batchesAreBounded() throws Exception {
        Gate gate = new Gate();
        open(4, gate);
        Future<BindResult> blocker = holdWriter(gate);
        List<Future<BindResult>> queued = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String address = "10.64.0." + (i + 2);
            String device = "d" + i;
            queued.add(queue(() -> store.tryBind(offer(device, address))));
        }
        gate.release.countDown();
        for (Future<BindResult> f : concat(blocker, queued)) {
            assertEquals(Outcome.BOUND, get(f).outcome());
        }
        assertEquals(List.of(4, 4, 3), gate.batchSizes.subList(1, gate.batchSizes.size()));
    }

    @Test
    void aLoneWriteIsCommittedOnItsOwn() {
        Gate gate = new Gate();
        open(256, gate);
        long before = store.writer().batches();
        for (int i = 0; i < 5; i++) {
            Lease l = offer("d" + i, "10.64.0." + (i + 2));
            assertEquals(Outcome.BOUND, store.tryBind(l).outcome());
            assertTrue(store.remove("p", l.device(), 1));
        }
        assertEquals(before + 10, store.writer().batches(), "every sequential write its own commit, none waited for company");
        assertTrue(gate.batchSizes.stream().allMatch(n -> n == 1), gate.batchSizes.toString());
    }

    @Test
    void closeFinishesQueuedWritesAndRefusesNewOnes() throws Exception {
        Gate gate = new Gate();
        open(256, gate);
        Future<BindResult> blocker = holdWriter(gate);
        List<Future<BindResult>> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String address = "10.64.0." + (i + 2);
            String device = "d" + i;
            queued.add(queue(() -> store.tryBind(offer(device, address))));
        }
        CountDownLatch closed = new CountDownLatch(1);
        callers.submit(() -> {
            store.close();
            closed.countDown();
        });
        await().atMost(PATIENCE).until(() -> store.writer().isClosed());
        StoreUnavailableException refused = assertThrows(StoreUnavailableException.class,
                () -> store.tryBind(offer("late", "10.64.0.60")));
        assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
        assertEquals(1, closed.getCount(), "close waits for the queued writes");

        gate.release.countDown();
        assertTrue(closed.await(30, TimeUnit.SECONDS), "close returns once the queue is done");
        for (Future<BindResult> f : concat(blocker, queued)) {
            assertEquals(Outcome.BOUND, get(f).outcome(), "queued before close: committed");
        }
        store = new DerbyStore(dir.resolve("db"));
        assertEquals(4, store.leases("p").size());
        assertEquals(Optional.empty(), store.findByDevice("p", DeviceId.of("late")));
    }

    @Test
    void anInterruptedCallerStillLearnsItsOutcomeAndKeepsItsInterrupt() throws Exception {
        Gate gate = new Gate();
        open(256, gate);
        Future<BindResult> blocker = holdWriter(gate);
        AtomicReference<BindResult> result = new AtomicReference<>();
        AtomicBoolean interruptKept = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            result.set(store.tryBind(offer("d1", "10.64.0.2")));
            interruptKept.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        await().atMost(PATIENCE).until(() -> store.writer().pending() == 1);
        caller.interrupt();
        gate.release.countDown();
        caller.join(30_000);
        assertFalse(caller.isAlive());
        assertEquals(Outcome.BOUND, get(blocker).outcome());
        assertEquals(new BindResult(Outcome.BOUND, offer("d1", "10.64.0.2")), result.get(),
                "the caller waited for its commit despite the interrupt");
        assertTrue(interruptKept.get(), "and its interrupt flag is set again");
    }

    @Test
    void theNextBatchRunsAndCommitsWhileThePreviousOneCommits() throws Exception {
        Gate gate = new Gate();
        open(1, gate);
        gate.committerArmed.set(true);
        Future<BindResult> blocker = holdWriter(gate);
        Lease second = offer("d2", "10.64.0.3");
        Future<BindResult> next = queue(() -> store.tryBind(second));
        gate.release.countDown(); // the blocker runs, sees the queued write, goes to the committer
        assertTrue(gate.committerHolding.await(30, TimeUnit.SECONDS), "the blocker never went to the committer");
        assertEquals(new BindResult(Outcome.BOUND, second), get(next), "ran and committed meanwhile");
        assertFalse(blocker.isDone(), "the blocker is still committing");
        assertEquals(List.of(), store.reclaimable("p", T, 10),
                "the expiry index shows a prefix of the commits: the later one waits for the earlier one's outcome");
        gate.committerRelease.countDown();
        assertEquals(Outcome.BOUND, get(blocker).outcome());
        assertEquals(2, store.reclaimable("p", T, 10).size(), "both in the expiry index once the earlier one committed");
        assertEquals(2, reopen().leases("p").size());
    }

    @Test
    void aBatchConflictingWithACommittingOneWaitsAndSeesItsOutcome() throws Exception {
        Gate gate = new Gate();
        open(1, gate);
        gate.committerArmed.set(true);
        Future<BindResult> blocker = holdWriter(gate); // binds 10.64.0.100 to "blocker"
        Future<BindResult> sameAddress = queue(() -> store.tryBind(offer("d2", "10.64.0.100")));
        gate.release.countDown();
        assertTrue(gate.committerHolding.await(30, TimeUnit.SECONDS), "the blocker never went to the committer");
        await().atMost(PATIENCE).until(() -> store.writer().pending() == 0); // the runner took it
        Future<BindResult> sameDevice = callers.submit(() -> store.tryBind(offer("blocker", "10.64.0.9")));
        Future<BindResult> unrelated = callers.submit(() -> store.tryBind(offer("d3", "10.64.0.4")));
        assertFalse(sameAddress.isDone(), "waits for the blocker's commit");
        gate.committerRelease.countDown();
        Lease committed = get(blocker).lease();
        assertEquals(Outcome.ADDRESS_TAKEN, get(sameAddress).outcome());
        assertEquals(new BindResult(Outcome.DEVICE_ALREADY_BOUND, committed), get(sameDevice));
        assertEquals(Outcome.BOUND, get(unrelated).outcome());
        assertEquals(List.of("10.64.0.4", "10.64.0.100"),
                reopen().leases("p").stream().map(l -> l.address().getHostAddress()).toList());
    }
}
