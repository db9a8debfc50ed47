package net.dtm.store.derby;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.store.StoreCommitMetrics;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * Group commit: every write of the store goes through here, and concurrent writes share one commit
 * (with Derby's default durability, one log sync).
 * <p>
 * The <em>runner</em> thread takes the first queued write (waiting only while the queue is empty,
 * so a lone write starts at once), adds whatever else is queued up to {@code maxBatch}, and runs
 * each write under its own savepoint on one connection: a write that fails on its own (a duplicate
 * key, a refusal) is rolled back alone and the others go on. A write submitted as one statement
 * ({@link #submitOneStatement}) runs without a savepoint: Derby undoes a failed statement on its
 * own, and a savepoint costs about as much as the statement itself. If more writes are queued by then, it
 * hands the batch to the <em>committer</em> thread, which commits it and only then completes every
 * caller, and runs the next batch on a second connection meanwhile, so the log sync and the
 * statements overlap; if nothing is queued it commits the batch itself (no hand-over for a lone
 * write). Only one batch runs statements at a time, so the only lock waits between the two
 * connections are a running batch waiting for a committing one to finish, which never deadlocks.
 * Batches that do not conflict may finish their commits in either order; a batch that touches rows
 * of a committing one waits for that commit and sees its outcome.
 * <p>
 * A failed commit fails every write of its batch with {@link StoreUnavailableException} after a
 * rollback, so nothing of the batch is stored. A deadlock or lock timeout (Derby rolls back the
 * whole transaction) re-runs the batch; a connection lost before the commit re-runs it on a new
 * connection. {@link #close} lets the threads finish every write queued before it and refuses new
 * ones.
 * <p>
 * Every wait for a commit is bounded ({@link #commitWait}, default {@link #DEFAULT_COMMIT_WAIT}):
 * a hung log sync must not hold every caller. A caller whose write is not committed within the
 * bound gets {@link StoreUnavailableException}: if its write had not started, it is dropped and
 * nothing of it is stored; if it had (its batch is running or committing), its outcome is unknown
 * and the exception says so: the batch is committed entirely or not at all, once, when the hang
 * ends, and a later commit of it is logged and counted ({@link #lateWrites}). From then on the
 * writer is stalled: new writes are refused at once, storing nothing, until the batch in flight
 * ends (committed or failed); one WARN when the stall begins, one INFO when it ends.
 */
final class GroupCommitWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

    /** Default bound of a batch. */
    static final int DEFAULT_MAX_BATCH = 256;

    /** Default bound of every wait for a commit: 5 s. */
    static final Duration DEFAULT_COMMIT_WAIT = Duration.ofSeconds(5);

    /** How often the watchdog looks for async writes whose bound ran out. */
    static final long WATCH_PERIOD_MS = 50;

    /** How long {@link #close} waits for the queued writes to finish. */
    private static final long CLOSE_WAIT_MS = 60_000;

    /** Opens a writer connection (auto-commit off, read committed). */
    @FunctionalInterface
    interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    /** Test seams around each batch; production uses {@link #NONE}. */
    interface Hooks {
        /** After the runner took the first write of a batch, before it collects the rest. */
        default void batchStarting() throws InterruptedException {
        }

        /** Every write of the batch ran, on the runner thread; the hand-over to the committer comes next. */
        default void beforeCommit(Connection c, int batchSize) throws SQLException {
        }

        /** On the committer thread, right before it commits a batch. */
        default void committing(int batchSize) throws InterruptedException {
        }

        /**
         * A caller's wait ran out and its write, taken into a batch, had not ended when looked at;
         * the writer is declared stalled next (unless a batch has ended since the wait ran out).
         */
        default void givingUp() throws InterruptedException {
        }
    }

    static final Hooks NONE = new Hooks() {
    };

    /** The marker that ends a thread. */
    private static final QueuedWrite<Void> STOP = new QueuedWrite<>("stop", c -> null, false);

    /** One of the two connections and whether a batch on it is still being committed. */
    private static final class Slot {
        /** Held from the moment the runner uses the slot until its batch is committed or failed. */
        final Semaphore free = new Semaphore(1);
        /** Used by whoever holds {@link #free}. */
        Connection connection;
    }

    /** A batch whose statements ran, waiting for its commit. */
    private record Ran(Slot slot, List<QueuedWrite<?>> batch, long runNanos) {
    }

    private static final Ran STOP_COMMITTER = new Ran(null, List.of(), 0);

    private final String name;
    private final ConnectionFactory factory;
    private final int maxBatch;
    private final int attempts;
    private final Hooks hooks;
    private final BlockingQueue<QueuedWrite<?>> queue = new LinkedBlockingQueue<>();
    private final BlockingQueue<Ran> toCommit = new LinkedBlockingQueue<>();
    private final Slot[] slots = {new Slot(), new Slot()};
    private final Object intake = new Object();
    private final Thread runner;
    private final Thread committer;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong runNanos = new AtomicLong();
    private final AtomicLong commitNanos = new AtomicLong();
    private final AtomicLong lateWrites = new AtomicLong();
    private volatile long commitWaitNanos = DEFAULT_COMMIT_WAIT.toNanos();
    /** A caller gave up waiting; void once a batch ends after it looked (see {@link #stalled()}); null: none. */
    private final AtomicReference<Stall> stall = new AtomicReference<>();
    /** Batches ended (committed or failed) so far: a stall declared before the latest end is void. */
    private final AtomicLong ended = new AtomicLong();
    /** Writes taken into a batch and not yet answered. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Async writes in the order they were queued, until answered or failed by the watchdog. */
    private final Queue<AsyncWait> asyncWaits = new ConcurrentLinkedQueue<>();
    /** The thread bounding async writes, started by the first one. */
    private volatile Thread watchdog;
    private boolean closed; // guarded by intake
    /** Each commit's time and batch size, for {@code dtm_store_commit_*}. */
    private final StoreCommitMetrics metrics;

    GroupCommitWriter(String name, ConnectionFactory factory, int maxBatch, int attempts, Hooks hooks) {
        this(name, factory, maxBatch, attempts, hooks, new StoreCommitMetrics(DerbyStoreComponent.TYPE));
    }

    /** As above, recording every commit in {@code metrics}. */
    GroupCommitWriter(String name, ConnectionFactory factory, int maxBatch, int attempts, Hooks hooks,
                      StoreCommitMetrics metrics) {
        this.metrics = metrics;
        if (maxBatch < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + maxBatch);
        }
        this.name = name;
        this.factory = factory;
        this.maxBatch = maxBatch;
        this.attempts = attempts;
        this.hooks = hooks;
        this.runner = new Thread(this::runLoop, "dtm-derby-writer");
        this.committer = new Thread(this::commitLoop, "dtm-derby-committer");
        runner.setDaemon(true);
        committer.setDaemon(true);
        committer.start();
        runner.start();
    }

    /**
     * Queues {@code work}, waits until its batch is committed (or failed) and returns its result.
     * Waits through interrupts (the write may already be running; the caller must learn how it
     * ended) and restores the interrupt flag afterwards.
     *
     * @throws StoreUnavailableException if the writer is closed, or the batch could not be committed
     */
    <T> T submit(String what, SqlWork<T> work) {
        return submit(new QueuedWrite<>(what, work, true));
    }

    /**
     * As {@link #submit}, for a write that changes the database with at most one statement and
     * throws nothing after that statement succeeded: it runs without a savepoint, since a statement
     * that fails on its own (SQLState classes 22, 23, 42 and XJ) is undone by Derby and leaves the
     * rest of the batch intact. Any other SQLException from such a write is taken as ending the
     * transaction: the batch is re-run (deadlock, lock timeout, lost connection) or failed.
     */
    <T> T submitOneStatement(String what, SqlWork<T> work) {
        return submit(new QueuedWrite<>(what, work, false));
    }

    /**
     * As {@link #submitOneStatement}, without waiting: the future completes, on the thread that
     * ended the batch, once its batch is committed (or failed). The same bound as {@link #submit}'s
     * wait applies: if not committed within it, the future fails with StoreUnavailableException
     * (nothing stored if the write had not started; the outcome unknown if it had).
     */
    <T> CompletableFuture<T> submitOneStatementAsync(String what, SqlWork<T> work) {
        QueuedWrite<T> request = new QueuedWrite<>(what, work, false);
        try {
            enqueue(request);
        } catch (StoreUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
        long wait = commitWaitNanos;
        asyncWaits.add(new AsyncWait(request, System.nanoTime() + wait, wait));
        watchdog();
        return request.future;
    }

    /**
     * A caller's wait ran out at {@code sinceNanos} (System.nanoTime()), when {@code ended} batches
     * had ended: the writer is stalled while no other batch ends and writes are in flight. Its
     * warning and the all-clear are logged as a pair, or neither (a stall void by the time it is
     * announced).
     */
    private static final class Stall {
        private static final int NEW = 0;
        private static final int ANNOUNCED = 1;
        private static final int OVER = 2;

        final long sinceNanos;
        final long ended;
        private final AtomicInteger state = new AtomicInteger(NEW);

        Stall(long sinceNanos, long ended) {
            this.sinceNanos = sinceNanos;
            this.ended = ended;
        }

        /** True once, if it is not over yet: the warning is logged. */
        boolean announce() {
            return state.compareAndSet(NEW, ANNOUNCED);
        }

        /** Marks it over: true if it had been announced (the all-clear is logged). */
        boolean end() {
            return state.getAndSet(OVER) == ANNOUNCED;
        }
    }

    /** An async write and when its caller's bound runs out. */
    private record AsyncWait(QueuedWrite<?> request, long deadline, long bound) {
    }

    /** Starts the thread that bounds async writes, once. */
    private void watchdog() {
        if (watchdog != null) {
            return;
        }
        synchronized (intake) {
            if (watchdog == null) {
                Thread t = new Thread(this::watch, "dtm-derby-watchdog");
                t.setDaemon(true);
                t.start();
                watchdog = t;
            }
        }
    }

    /**
     * Every {@link #WATCH_PERIOD_MS} ms, fails the async writes whose bound ran out, oldest first,
     * as {@link #submit} does for a waiting caller; ends when the writer is closed and no async write
     * is left.
     */
    private void watch() {
        while (true) {
            for (AsyncWait w; (w = asyncWaits.peek()) != null; ) {
                if (w.request.isDone()) {
                    asyncWaits.poll();
                    continue;
                }
                if (System.nanoTime() - w.deadline < 0) {
                    break; // queued in order: the later ones have time left too
                }
                asyncWaits.poll();
                expire(w);
            }
            if (isClosed() && asyncWaits.isEmpty()) {
                return;
            }
            try {
                Thread.sleep(WATCH_PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void expire(AsyncWait w) {
        StoreUnavailableException gaveUp = gaveUp(w.request, w.bound);
        if (gaveUp != null) {
            w.request.future.completeExceptionally(gaveUp);
        }
    }

    /**
     * The caller of {@code request} gives up after waiting {@code bound} ns: the writer is stalled;
     * a write not yet started is dropped, one started goes on without its caller. The failure to
     * report, or null if the write ended just now (its outcome stands).
     */
    private StoreUnavailableException gaveUp(QueuedWrite<?> request, long bound) {
        long endedBefore = ended.get(); // before looking at the write: a batch ending from now on voids the stall
        String waited = name + " did not commit within " + TimeUnit.NANOSECONDS.toMillis(bound) + " ms";
        if (request.abandon()) {
            stalled(bound, endedBefore);
            return new StoreUnavailableException(waited + "; '" + request.what + "' had not started: nothing of it was"
                    + " stored", null);
        }
        if (request.isDone()) {
            return null;
        }
        try {
            hooks.givingUp();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stalled(bound, endedBefore);
        if (request.isDone()) {
            return null; // it ended while the stall was looked at: its outcome stands (and the stall is void)
        }
        request.callerGone();
        return new StoreUnavailableException(waited + "; the outcome of '" + request.what + "' is unknown: it is"
                + " stored entirely or not at all, at most once, when the stalled commit ends", null);
    }

    private void enqueue(QueuedWrite<?> request) {
        synchronized (intake) {
            if (closed) {
                throw new StoreUnavailableException(name + " is closed; cannot " + request.what, null);
            }
            Stall s = stall.get();
            if (refuses(s)) {
                throw new StoreUnavailableException(name + " is stalled: a commit has not ended for "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - s.sinceNanos) + " ms; nothing of '"
                        + request.what + "' was stored", null);
            }
            if (s != null) {
                endStall(s); // void, or nothing in flight: the writer is idle, not stalled
            }
            queue.add(request);
        }
    }

    private <T> T submit(QueuedWrite<T> request) {
        enqueue(request);
        long wait = commitWaitNanos;
        try {
            return request.await(wait);
        } catch (TimeoutException e) {
            StoreUnavailableException gaveUp = gaveUp(request, wait);
            if (gaveUp != null) {
                throw gaveUp;
            }
        }
        try { // its batch ended just now
            return request.await(0);
        } catch (TimeoutException cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }

    /**
     * A caller waited in vain: the writer is stalled until a batch ends (or nothing is in flight),
     * unless one ended since the caller looked ({@code endedBefore}), as a commit ending just as its
     * caller gave up does: declared then, the stall refused every write until the next batch ended.
     */
    private void stalled(long waitNanos, long endedBefore) {
        long now = System.nanoTime();
        Stall mine = new Stall(now, endedBefore);
        for (Stall current = stall.get(); ended.get() == endedBefore; current = stall.get()) {
            if (current != null && current.ended == endedBefore) {
                return; // declared already
            }
            if (stall.compareAndSet(current, mine)) {
                if (ended.get() == endedBefore && mine.announce()) {
                    LOG.warn("{}: a commit has not ended within {} ms; the store is unavailable (writes refused) until it"
                            + " does", name, TimeUnit.NANOSECONDS.toMillis(waitNanos));
                }
                return;
            }
        }
    }

    /** A batch ended (committed or failed): any stall declared before is void, and it answers again. */
    private void batchEnded() {
        long e = ended.incrementAndGet();
        Stall s = stall.get();
        if (s != null && s.ended < e) { // not one declared since this batch ended, about a batch still in flight
            endStall(s);
        }
    }

    /** Whether no batch has ended since {@code s} was declared. */
    private boolean inEffect(Stall s) {
        return s.ended == ended.get();
    }

    /** Forgets {@code s}; the all-clear is logged if its warning was. */
    private void endStall(Stall s) {
        if (stall.compareAndSet(s, null) && s.end()) {
            LOG.info("{}: the stalled commit ended after {} ms; writes are accepted again ({} late writes so far)", name,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - s.sinceNanos), lateWrites.get());
        }
    }

    /** Bounds every later wait for a commit. @throws IllegalArgumentException if not positive */
    void commitWait(Duration bound) {
        if (bound.isNegative() || bound.isZero()) {
            throw new IllegalArgumentException("commit wait must be positive, got " + bound);
        }
        commitWaitNanos = bound.toNanos();
    }

    /** Whether a caller gave up waiting for a commit and the writes in flight have not ended since: writes are refused. */
    boolean stalled() {
        return refuses(stall.get());
    }

    /** Whether {@code s} (may be null) is in effect with writes in flight: new writes are refused. */
    private boolean refuses(Stall s) {
        return s != null && inEffect(s) && inFlight.get() > 0;
    }

    /** Writes committed after their caller had given up waiting (and was told the outcome is unknown). */
    long lateWrites() {
        return lateWrites.get();
    }

    /** Writes waiting for the runner (not counting the batches running or committing). */
    int pending() {
        return queue.size();
    }

    /** True once {@link #close} has begun: new writes are refused. */
    boolean isClosed() {
        synchronized (intake) {
            return closed;
        }
    }

    /** Batches committed so far. */
    long batches() {
        return batches.get();
    }

    /** Writes committed so far (in {@link #batches()} batches). */
    long writes() {
        return writes.get();
    }

    /** Time spent running the statements of committed batches, in nanoseconds. */
    long runNanos() {
        return runNanos.get();
    }

    /** Time spent in commits (the log sync) of committed batches, in nanoseconds. */
    long commitNanos() {
        return commitNanos.get();
    }

    /** Refuses new writes, lets the threads finish every queued one, and closes the connections. */
    @Override
    public void close() {
        synchronized (intake) {
            if (!closed) {
                closed = true;
                queue.add(STOP);
            }
        }
        if (Thread.currentThread() == runner || Thread.currentThread() == committer) {
            return;
        }
        try {
            for (Thread t : new Thread[] {runner, committer}) {
                t.join(CLOSE_WAIT_MS);
                if (t.isAlive()) {
                    LOG.warn("{}: {} still busy after {} ms with {} writes queued; interrupting it", name, t.getName(),
                            CLOSE_WAIT_MS, queue.size());
                    t.interrupt();
                    t.join(CLOSE_WAIT_MS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ the runner

    private void runLoop() {
        boolean stop = false;
        int next = 0;
        while (!stop) {
            QueuedWrite<?> first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                continue; // only close() interrupts, and it has queued STOP
            }
            if (first == STOP) {
                break;
            }
            if (!first.take()) {
                continue; // its caller gave up before it started
            }
            inFlight.incrementAndGet();
            List<QueuedWrite<?>> batch = new ArrayList<>(Math.min(maxBatch, 64));
            batch.add(first);
            try {
                hooks.batchStarting();
            } catch (InterruptedException e) {
                LOG.debug("{}: interrupted in the batch hook", name);
            }
            while (batch.size() < maxBatch) {
                QueuedWrite<?> r = queue.poll();
                if (r == null) {
                    break;
                }
                if (r == STOP) {
                    stop = true;
                    break;
                }
                if (r.take()) {
                    inFlight.incrementAndGet();
                    batch.add(r);
                }
            }
            Slot slot = slots[next];
            next ^= 1;
            slot.free.acquireUninterruptibly(); // its previous batch is committed
            boolean handedOver = false;
            try {
                handedOver = runBatch(slot, batch);
            } catch (RuntimeException | Error e) {
                // A bug, not a database answer: fail the batch rather than leave callers waiting.
                rollbackQuietly(slot);
                failAll(batch, "failed unexpectedly", e);
            } finally {
                if (!handedOver) {
                    slot.free.release();
                }
            }
        }
        // Only reachable after close(): nothing else can be queued now.
        for (QueuedWrite<?> r; (r = queue.poll()) != null; ) {
            if (r != STOP) {
                r.fail(new StoreUnavailableException(name + " closed before it could " + r.what, null));
            }
        }
        toCommit.add(STOP_COMMITTER);
    }

    /**
     * Runs the batch's statements, then hands it to the committer if more writes are queued (they
     * run while it commits), or commits it here if not.
     *
     * @return true if the batch went to the committer (which releases the slot)
     */
    private boolean runBatch(Slot slot, List<QueuedWrite<?>> batch) {
        SQLException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Connection c;
            try {
                if (slot.connection == null) {
                    slot.connection = factory.open();
                }
                c = slot.connection;
            } catch (SQLException e) {
                failAll(batch, "is unreachable", e);
                return false;
            }
            long started = System.nanoTime();
            try {
                for (QueuedWrite<?> r : batch) {
                    r.run(c);
                }
                hooks.beforeCommit(c, batch.size());
            } catch (SQLException e) {
                // Derby rolled the whole transaction back (deadlock, lock timeout) or the connection
                // is gone: nothing of the batch is stored and nobody has been answered, so run it again.
                last = e;
                boolean lost = DerbyConnections.isConnectionLost(e);
                if (lost) {
                    closeConnection(slot);
                } else {
                    rollbackQuietly(slot);
                }
                if (!lost && !DerbyConnections.isRetryable(e)) {
                    failAll(batch, "failed to run a batch of " + batch.size() + " writes", e);
                    return false;
                }
                LOG.debug("{}: re-running a batch of {} writes after {} {}", name, batch.size(), e.getSQLState(), e.getMessage());
                continue;
            }
            Ran ran = new Ran(slot, batch, System.nanoTime() - started);
            if (queue.isEmpty()) {
                // Nothing to run meanwhile: commit here and spare the hand-over (a lone write's latency).
                commit(ran);
                return false;
            }
            toCommit.add(ran);
            return true;
        }
        failAll(batch, "kept failing to run a batch of " + batch.size() + " writes", last);
        return false;
    }

    // ------------------------------------------------------------------ the committer

    private void commitLoop() {
        while (true) {
            Ran ran;
            try {
                ran = toCommit.take();
            } catch (InterruptedException e) {
                continue; // the runner always ends the queue with STOP_COMMITTER
            }
            if (ran == STOP_COMMITTER) {
                break;
            }
            try {
                commit(ran);
            } catch (RuntimeException | Error e) {
                rollbackQuietly(ran.slot);
                failAll(ran.batch, "failed unexpectedly", e);
            } finally {
                ran.slot.free.release();
            }
        }
        for (Slot slot : slots) {
            slot.free.acquireUninterruptibly();
            closeConnection(slot);
            slot.free.release();
        }
    }

    /** Commits a batch and completes its callers; on the committer thread, or on the runner when idle. */
    private void commit(Ran ran) {
        try {
            hooks.committing(ran.batch.size());
        } catch (InterruptedException e) {
            LOG.debug("{}: interrupted in the commit hook", name);
        }
        long started = System.nanoTime();
        try {
            ran.slot.connection.commit();
        } catch (SQLException e) {
            if (DerbyConnections.isConnectionLost(e)) {
                closeConnection(ran.slot);
            } else {
                rollbackQuietly(ran.slot);
            }
            failAll(ran.batch, "could not commit a batch of " + ran.batch.size() + " writes", e);
            return;
        }
        long took = System.nanoTime() - started;
        runNanos.addAndGet(ran.runNanos);
        commitNanos.addAndGet(took);
        metrics.commit(took, ran.batch.size());
        batches.incrementAndGet();
        writes.addAndGet(ran.batch.size());
        long late = 0;
        for (QueuedWrite<?> r : ran.batch) {
            answered(r.complete());
            late += r.late() ? 1 : 0;
        }
        batchEnded(); // after the answers: a caller giving up meanwhile finds its write done
        if (late > 0) {
            lateWrites.addAndGet(late);
            LOG.info("{}: {} writes committed after their callers had given up waiting (told the outcome was unknown)", name,
                    late);
        }
    }

    private void answered(boolean wasInFlight) {
        if (wasInFlight) {
            inFlight.decrementAndGet();
        }
    }

    // ------------------------------------------------------------------ connections

    private void rollbackQuietly(Slot slot) {
        if (slot.connection == null) {
            return;
        }
        try {
            slot.connection.rollback();
        } catch (SQLException e) {
            LOG.debug("{}: rollback failed: {}", name, e.getMessage());
            closeConnection(slot);
        }
    }

    private void closeConnection(Slot slot) {
        if (slot.connection == null) {
            return;
        }
        try {
            slot.connection.rollback();
        } catch (SQLException e) {
            // the connection is gone already
        }
        try {
            slot.connection.close();
        } catch (SQLException e) {
            LOG.debug("{}: closing a writer connection failed: {}", name, e.getMessage());
        }
        slot.connection = null;
    }

    private void failAll(List<QueuedWrite<?>> batch, String problem, Throwable cause) {
        String detail = cause instanceof SQLException s ? s.getSQLState() + " " + s.getMessage()
                : cause == null ? "" : cause.toString();
        for (QueuedWrite<?> r : batch) {
            answered(r.fail(new StoreUnavailableException(name + " " + problem + "; nothing of '" + r.what + "' was stored: "
                    + detail, cause)));
        }
        batchEnded();
    }
}
