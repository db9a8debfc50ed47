package net.dtm.store.derby;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 */
final class GroupCommitWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

    /** Default bound of a batch. */
    static final int DEFAULT_MAX_BATCH = 256;

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
    }

    static final Hooks NONE = new Hooks() {
    };

    /** The marker that ends a thread. */
    private static final Request<Void> STOP = new Request<>("stop", c -> null, false);

    /** One of the two connections and whether a batch on it is still being committed. */
    private static final class Slot {
        /** Held from the moment the runner uses the slot until its batch is committed or failed. */
        final Semaphore free = new Semaphore(1);
        /** Used by whoever holds {@link #free}. */
        Connection connection;
    }

    /** A batch whose statements ran, waiting for its commit. */
    private record Ran(Slot slot, List<Request<?>> batch, long runNanos) {
    }

    private static final Ran STOP_COMMITTER = new Ran(null, List.of(), 0);

    private final String name;
    private final ConnectionFactory factory;
    private final int maxBatch;
    private final int attempts;
    private final Hooks hooks;
    private final BlockingQueue<Request<?>> queue = new LinkedBlockingQueue<>();
    private final BlockingQueue<Ran> toCommit = new LinkedBlockingQueue<>();
    private final Slot[] slots = {new Slot(), new Slot()};
    private final Object intake = new Object();
    private final Thread runner;
    private final Thread committer;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong runNanos = new AtomicLong();
    private final AtomicLong commitNanos = new AtomicLong();
    private boolean closed; // guarded by intake

    GroupCommitWriter(String name, ConnectionFactory factory, int maxBatch, int attempts, Hooks hooks) {
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
        return submit(new Request<>(what, work, true));
    }

    /**
     * As {@link #submit}, for a write that changes the database with at most one statement and
     * throws nothing after that statement succeeded: it runs without a savepoint, since a statement
     * that fails on its own (SQLState classes 22, 23, 42 and XJ) is undone by Derby and leaves the
     * rest of the batch intact. Any other SQLException from such a write is taken as ending the
     * transaction: the batch is re-run (deadlock, lock timeout, lost connection) or failed.
     */
    <T> T submitOneStatement(String what, SqlWork<T> work) {
        return submit(new Request<>(what, work, false));
    }

    private <T> T submit(Request<T> request) {
        synchronized (intake) {
            if (closed) {
                throw new StoreUnavailableException(name + " is closed; cannot " + request.what, null);
            }
            queue.add(request);
        }
        return request.await();
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
            Request<?> first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                continue; // only close() interrupts, and it has queued STOP
            }
            if (first == STOP) {
                break;
            }
            List<Request<?>> batch = new ArrayList<>(Math.min(maxBatch, 64));
            batch.add(first);
            try {
                hooks.batchStarting();
            } catch (InterruptedException e) {
                LOG.debug("{}: interrupted in the batch hook", name);
            }
            while (batch.size() < maxBatch) {
                Request<?> r = queue.poll();
                if (r == null) {
                    break;
                }
                if (r == STOP) {
                    stop = true;
                    break;
                }
                batch.add(r);
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
        for (Request<?> r; (r = queue.poll()) != null; ) {
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
    private boolean runBatch(Slot slot, List<Request<?>> batch) {
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
                for (Request<?> r : batch) {
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
        runNanos.addAndGet(ran.runNanos);
        commitNanos.addAndGet(System.nanoTime() - started);
        batches.incrementAndGet();
        writes.addAndGet(ran.batch.size());
        for (Request<?> r : ran.batch) {
            r.complete();
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

    private void failAll(List<Request<?>> batch, String problem, Throwable cause) {
        String detail = cause instanceof SQLException s ? s.getSQLState() + " " + s.getMessage()
                : cause == null ? "" : cause.toString();
        for (Request<?> r : batch) {
            r.fail(new StoreUnavailableException(name + " " + problem + "; nothing of '" + r.what + "' was stored: "
                    + detail, cause));
        }
    }

    // ------------------------------------------------------------------ one write

    private static final class Request<T> {
        final String what;
        final SqlWork<T> work;
        /** False for a one-statement write, which needs none. */
        final boolean savepoint;
        final CompletableFuture<T> future = new CompletableFuture<>();
        /** Outcome of the last run, handed over once the batch is committed. */
        T result;
        RuntimeException failure;

        Request(String what, SqlWork<T> work, boolean savepoint) {
            this.what = what;
            this.work = work;
            this.savepoint = savepoint;
        }

        /**
         * Runs the write under a savepoint. A write that fails on its own (a constraint, bad data,
         * a refusal) is rolled back to the savepoint and its failure kept for its caller; an error
         * that ended the transaction or the connection is thrown for the whole batch.
         */
        void run(Connection c) throws SQLException {
            result = null;
            failure = null;
            if (!savepoint) {
                runOneStatement(c);
                return;
            }
            Savepoint savepoint = c.setSavepoint();
            try {
                result = work.apply(c);
            } catch (SQLException e) {
                if (DerbyConnections.isRetryable(e) || DerbyConnections.isConnectionLost(e)) {
                    throw e;
                }
                rollbackTo(c, savepoint, e);
                failure = new StoreUnavailableException("derby store failed to " + what + ": " + e.getSQLState() + " "
                        + e.getMessage(), e);
                return;
            } catch (RuntimeException e) {
                rollbackTo(c, savepoint, null);
                failure = e;
                return;
            }
            c.releaseSavepoint(savepoint);
        }

        /** Runs a one-statement write: its own failures are kept for its caller, the rest end the batch. */
        private void runOneStatement(Connection c) throws SQLException {
            try {
                result = work.apply(c);
            } catch (SQLException e) {
                if (!failsAlone(e)) {
                    throw e;
                }
                failure = new StoreUnavailableException("derby store failed to " + what + ": " + e.getSQLState() + " "
                        + e.getMessage(), e);
            } catch (RuntimeException e) {
                failure = e; // thrown by the write itself, after its statement failed or instead of it
            }
        }

        /**
         * Errors Derby reports at statement severity: data (22), constraints (23), syntax and
         * semantics (42), JDBC misuse (XJ). It undoes the failed statement and nothing else.
         */
        static boolean failsAlone(SQLException e) {
            String state = e.getSQLState();
            return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("42")
                    || state.startsWith("XJ"));
        }

        private static void rollbackTo(Connection c, Savepoint savepoint, SQLException cause) throws SQLException {
            try {
                c.rollback(savepoint);
            } catch (SQLException e) {
                // The savepoint is gone with the transaction: the whole batch must go again.
                if (cause != null) {
                    cause.addSuppressed(e);
                    throw cause;
                }
                throw e;
            }
        }

        void complete() {
            if (failure != null) {
                future.completeExceptionally(failure);
            } else {
                future.complete(result);
            }
        }

        void fail(StoreUnavailableException e) {
            future.completeExceptionally(e);
        }

        T await() {
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return future.get(1, TimeUnit.DAYS);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (TimeoutException e) {
                        // keep waiting: the writer always answers
                    } catch (ExecutionException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof RuntimeException r) {
                            throw r;
                        }
                        if (cause instanceof Error err) {
                            throw err;
                        }
                        throw new StoreUnavailableException("derby store failed to " + what + ": " + cause, cause);
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
