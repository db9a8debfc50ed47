package net.dtm.store.derby;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.spi.store.StoreUnavailableException;

/**
 * A commit that hangs (as a log sync on a stuck disk would), injected at the writer's commit seam:
 * every caller returns within the bound, told whether its write was stored, and the writer refuses
 * writes until the hang ends, when the write in flight lands exactly once.
 */
class GroupCommitStallTest {

    private static final MemoryDatabase DB = new MemoryDatabase("group-commit-stall-test");
    private static final Duration BOUND = Duration.ofMillis(300);
    private static final long SLACK_MS = 1500;

    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final AtomicBoolean hang = new AtomicBoolean();
    private final CountDownLatch hanging = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private GroupCommitWriter writer;

    /** What a caller saw and how long it waited. */
    private record Outcome(Integer result, StoreUnavailableException failure, long millis) {
    }

    @BeforeAll
    static void createDatabase() throws SQLException {
        DB.create("CREATE TABLE t (k INT NOT NULL PRIMARY KEY)");
    }

    @AfterAll
    static void dropDatabase() {
        DB.drop();
    }

    @BeforeEach
    void open() throws SQLException {
        DB.empty("t");
        GroupCommitWriter.Hooks hooks = new GroupCommitWriter.Hooks() {
            @Override
            public void committing(int batchSize) throws InterruptedException {
                if (hang.get()) {
                    hanging.countDown();
                    release.await(30, TimeUnit.SECONDS);
                }
            }
        };
        writer = new GroupCommitWriter("stall test writer", DB::writerConnection, 256, 3, hooks);
        writer.commitWait(BOUND);
    }

    @AfterEach
    void close() {
        release.countDown();
        writer.close();
        callers.shutdownNow();
    }

    private Future<Outcome> insert(int key) {
        return callers.submit(() -> {
            long t0 = System.nanoTime();
            try {
                Integer r = writer.submit("insert " + key, c -> {
                    try (Statement s = c.createStatement()) {
                        return s.executeUpdate("INSERT INTO t (k) VALUES (" + key + ")");
                    }
                });
                return new Outcome(r, null, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            } catch (StoreUnavailableException e) {
                return new Outcome(null, e, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
        });
    }

    /** As {@link #insert}, through the async submission: the outcome is taken when its future completes. */
    private CompletableFuture<Outcome> insertAsync(int key) {
        long t0 = System.nanoTime();
        return writer.submitOneStatementAsync("insert " + key, c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate("INSERT INTO t (k) VALUES (" + key + ")");
            }
        }).handle((r, e) -> new Outcome(r, e instanceof StoreUnavailableException u ? u : null,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
    }

    private static List<Integer> keys() throws SQLException {
        return DB.rows("t");
    }

    private static void failedWithinTheBound(Outcome o, String saying) {
        assertTrue(o.failure() != null, "failed: " + o);
        assertTrue(o.failure().getMessage().contains(saying), o.failure().getMessage());
        assertTrue(o.millis() >= BOUND.toMillis() - 5 && o.millis() < BOUND.toMillis() + SLACK_MS, "waited " + o.millis() + " ms");
    }

    @Test
    void aHungCommitFailsEveryCallerWithinTheBoundAndItsWriteLandsOnceWhenTheHangEnds() throws Exception {
        assertEquals(1, insert(1).get().result(), "a healthy commit");
        hang.set(true);
        Future<Outcome> inFlight = insert(2);
        assertTrue(hanging.await(30, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(30)).until(() -> writer.pending() == 0); // taken: the runner commits it
        Future<Outcome> queued = insert(3);
        await().atMost(Duration.ofSeconds(30)).until(() -> writer.pending() == 1 || queued.isDone());

        failedWithinTheBound(inFlight.get(), "the outcome of 'insert 2' is unknown: it is stored entirely or not at all,"
                + " at most once, when the stalled commit ends");
        failedWithinTheBound(queued.get(), "'insert 3' had not started: nothing of it was stored");
        assertTrue(writer.stalled());
        Outcome refused = insert(4).get();
        assertTrue(refused.failure() != null && refused.failure().getMessage().contains("is stalled: a commit has not ended"),
                String.valueOf(refused));
        assertTrue(refused.millis() < BOUND.toMillis(), "refused at once, not after the bound: " + refused.millis() + " ms");

        hang.set(false);
        release.countDown(); // the disk answers again
        await().atMost(Duration.ofSeconds(30)).until(() -> !writer.stalled());
        assertEquals(1, writer.lateWrites(), "insert 2 committed after its caller gave up");
        assertEquals(1, insert(5).get().result(), "writes accepted again");
        assertEquals(List.of(1, 2, 5), keys(), "2 landed once; 3 (not started) and 4 (refused) never");
        assertFalse(writer.stalled());
    }

    /**
     * A commit that ends just as its caller gives up, while the next batch is still committing: the
     * caller is told its write was stored and the writer is not declared stalled. It was: the caller
     * declared the stall before it looked at its write, so every write was refused until the next
     * batch ended.
     */
    @Test
    void aCommitEndingAsItsCallerGivesUpDoesNotStallTheWriter() throws Exception {
        AtomicBoolean hangNext = new AtomicBoolean();
        AtomicInteger hung = new AtomicInteger();
        CountDownLatch firstHanging = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch secondHanging = new CountDownLatch(1);
        CountDownLatch releaseSecond = new CountDownLatch(1);
        GroupCommitWriter.Hooks hooks = new GroupCommitWriter.Hooks() {
            @Override
            public void committing(int batchSize) throws InterruptedException {
                if (hangNext.get()) {
                    boolean first = hung.incrementAndGet() == 1;
                    (first ? firstHanging : secondHanging).countDown();
                    (first ? releaseFirst : releaseSecond).await(30, TimeUnit.SECONDS);
                }
            }

            @Override
            public void givingUp() throws InterruptedException {
                releaseFirst.countDown(); // the commit ends just now...
                assertTrue(secondHanging.await(30, TimeUnit.SECONDS)); // ...and the next batch is committing
            }
        };
        writer.close();
        writer = new GroupCommitWriter("racing stall test writer", DB::writerConnection, 256, 3, hooks);
        try {
            assertEquals(1, insertAsync(1).get(30, TimeUnit.SECONDS).result(), "a healthy commit");
            hangNext.set(true);
            writer.commitWait(BOUND);
            Future<Outcome> givesUp = insert(2);
            assertTrue(firstHanging.await(30, TimeUnit.SECONDS));
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.pending() == 0);
            writer.commitWait(Duration.ofSeconds(30)); // the next writes wait long: only insert 2's caller gives up
            CompletableFuture<Outcome> next = insertAsync(3);

            assertEquals(1, givesUp.get(30, TimeUnit.SECONDS).result(), "stored, and told so: it ended as its caller gave up");
            assertFalse(writer.stalled(), "insert 2's commit ended as its caller gave up: the writer is not stalled");
            CompletableFuture<Outcome> accepted = insertAsync(4);
            assertFalse(accepted.isDone() && accepted.get().failure() != null, "not refused: " + (accepted.isDone()
                    ? accepted.get() : "pending"));

            releaseSecond.countDown();
            assertEquals(1, next.get(30, TimeUnit.SECONDS).result());
            assertEquals(1, accepted.get(30, TimeUnit.SECONDS).result());
            assertEquals(List.of(1, 2, 3, 4), keys(), "each landed once");
        } finally {
            releaseFirst.countDown();
            releaseSecond.countDown();
        }
    }

    @Test
    void anAsyncWriteIsBoundedTheSameWayWithoutAThreadWaiting() throws Exception {
        assertEquals(1, insertAsync(1).get(30, TimeUnit.SECONDS).result(), "a healthy commit");
        hang.set(true);
        CompletableFuture<Outcome> inFlight = insertAsync(2);
        assertTrue(hanging.await(30, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(30)).until(() -> writer.pending() == 0);
        CompletableFuture<Outcome> queued = insertAsync(3);
        assertFalse(inFlight.isDone() || queued.isDone(), "nothing answered before the bound");

        failedWithinTheBound(inFlight.get(30, TimeUnit.SECONDS), "the outcome of 'insert 2' is unknown: it is stored"
                + " entirely or not at all, at most once, when the stalled commit ends");
        failedWithinTheBound(queued.get(30, TimeUnit.SECONDS), "'insert 3' had not started: nothing of it was stored");
        assertTrue(writer.stalled());
        Outcome refused = insertAsync(4).get(30, TimeUnit.SECONDS);
        assertTrue(refused.failure() != null && refused.failure().getMessage().contains("is stalled: a commit has not ended"),
                String.valueOf(refused));

        hang.set(false);
        release.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> !writer.stalled());
        assertEquals(1, writer.lateWrites(), "insert 2 committed after its caller gave up");
        assertEquals(1, insertAsync(5).get(30, TimeUnit.SECONDS).result(), "writes accepted again");
        assertEquals(List.of(1, 2, 5), keys(), "2 landed once; 3 (not started) and 4 (refused) never");
    }
}
