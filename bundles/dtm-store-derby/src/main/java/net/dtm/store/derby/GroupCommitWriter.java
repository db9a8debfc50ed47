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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.store.StoreUnavailableException;

/**
 * Group commit: one thread owns one connection and runs every write of the store. It takes the
 * first queued write (waiting only while the queue is empty, so a lone write starts at once),
 * adds whatever else is queued up to {@code maxBatch}, runs each write under its own savepoint
 * (a write that fails is rolled back alone and the others go on), commits once, and only then
 * completes every caller. With Derby's default durability the commit syncs the log, so one log
 * sync makes a whole batch durable; while it runs, the next batch queues up.
 * <p>
 * A failed commit fails every write of its batch with {@link StoreUnavailableException} after a
 * rollback, so nothing of the batch is stored. A deadlock or lock timeout (Derby rolls back the
 * whole transaction) re-runs the batch; a connection lost before the commit re-runs it on a new
 * connection. {@link #close} lets the thread finish every write queued before it and refuses new
 * ones.
 */
final class GroupCommitWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

    /** Default bound of a batch. */
    static final int DEFAULT_MAX_BATCH = 256;

    /** How long {@link #close} waits for the queued writes to finish. */
    private static final long CLOSE_WAIT_MS = 60_000;

    /** Opens the writer's connection (auto-commit off, read committed). */
    @FunctionalInterface
    interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    /** Test seams around each batch; production uses {@link #NONE}. */
    interface Hooks {
        /** After the thread took the first write of a batch, before it collects the rest. */
        default void batchStarting() throws InterruptedException {
        }

        /** Every write of the batch ran; the commit comes next. */
        default void beforeCommit(Connection c, int batchSize) throws SQLException {
        }
    }

    static final Hooks NONE = new Hooks() {
    };

    private final String name;
    private final ConnectionFactory factory;
    private final int maxBatch;
    private final int attempts;
    private final Hooks hooks;
    private final BlockingQueue<Request<?>> queue = new LinkedBlockingQueue<>();
    private final Object intake = new Object();
    private final Thread thread;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private boolean closed; // guarded by intake
    private Connection connection; // writer thread only

    /** The marker that ends the thread; queued by {@link #close} after the last accepted write. */
    private static final Request<Void> STOP = new Request<>("stop", c -> null);

    GroupCommitWriter(String name, ConnectionFactory factory, int maxBatch, int attempts, Hooks hooks) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + maxBatch);
        }
        this.name = name;
        this.factory = factory;
        this.maxBatch = maxBatch;
        this.attempts = attempts;
        this.hooks = hooks;
        this.thread = new Thread(this::loop, "dtm-derby-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues {@code work}, waits until its batch is committed (or failed) and returns its result.
     * Waits through interrupts (the write may already be running; the caller must learn how it
     * ended) and restores the interrupt flag afterwards.
     *
     * @throws StoreUnavailableException if the writer is closed, or the batch could not be committed
     */
    <T> T submit(String what, SqlWork<T> work) {
        Request<T> request = new Request<>(what, work);
        synchronized (intake) {
            if (closed) {
                throw new StoreUnavailableException(name + " is closed; cannot " + what, null);
            }
            queue.add(request);
        }
        return request.await();
    }

    /** Writes waiting for the thread (not counting the batch being run). */
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

    /** Refuses new writes, lets the thread finish every queued one, and closes its connection. */
    @Override
    public void close() {
        synchronized (intake) {
            if (!closed) {
                closed = true;
                queue.add(STOP);
            }
        }
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            thread.join(CLOSE_WAIT_MS);
            if (thread.isAlive()) {
                LOG.warn("{}: {} queued writes still not finished after {} ms; interrupting the writer", name,
                        queue.size(), CLOSE_WAIT_MS);
                thread.interrupt();
                thread.join(CLOSE_WAIT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ the writer thread

    private void loop() {
        List<Request<?>> batch = new ArrayList<>(maxBatch);
        boolean stop = false;
        while (!stop) {
            Request<?> first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                if (isClosed() && queue.isEmpty()) {
                    break;
                }
                continue;
            }
            if (first == STOP) {
                break;
            }
            batch.add(first);
            try {
                hooks.batchStarting();
            } catch (InterruptedException e) {
                LOG.debug("{}: interrupted in the batch hook", name);
            }
            while (batch.size() < maxBatch) {
                Request<?> next = queue.poll();
                if (next == null) {
                    break;
                }
                if (next == STOP) {
                    stop = true;
                    break;
                }
                batch.add(next);
            }
            try {
                runBatch(batch);
            } catch (RuntimeException | Error e) {
                // A bug, not a database answer: fail the batch rather than leave callers waiting.
                rollbackQuietly();
                failAll(batch, "failed unexpectedly", e);
            }
            batch.clear();
        }
        // Only reachable after close(): nothing else can be queued now.
        for (Request<?> r; (r = queue.poll()) != null; ) {
            if (r != STOP) {
                r.fail(new StoreUnavailableException(name + " closed before it could " + r.what, null));
            }
        }
        closeConnection();
    }

    private void runBatch(List<Request<?>> batch) {
        SQLException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Connection c;
            try {
                c = connection();
            } catch (SQLException e) {
                failAll(batch, "is unreachable", e);
                return;
            }
            try {
                for (Request<?> r : batch) {
                    r.run(c);
                }
                hooks.beforeCommit(c, batch.size());
            } catch (SQLException e) {
                // Derby rolled the whole transaction back (deadlock, lock timeout) or the connection
                // is gone: nothing of the batch is stored and nobody has been answered, so run it again.
                last = e;
                boolean lost = DerbyStore.isConnectionLost(e);
                if (lost) {
                    closeConnection();
                } else {
                    rollbackQuietly();
                }
                if (!lost && !DerbyStore.isRetryable(e)) {
                    failAll(batch, "failed to run a batch of " + batch.size() + " writes", e);
                    return;
                }
                LOG.debug("{}: re-running a batch of {} writes after {} {}", name, batch.size(), e.getSQLState(), e.getMessage());
                continue;
            }
            try {
                c.commit();
            } catch (SQLException e) {
                rollbackQuietly();
                if (DerbyStore.isConnectionLost(e)) {
                    closeConnection();
                }
                failAll(batch, "could not commit a batch of " + batch.size() + " writes", e);
                return;
            }
            batches.incrementAndGet();
            writes.addAndGet(batch.size());
            for (Request<?> r : batch) {
                r.complete();
            }
            return;
        }
        failAll(batch, "kept failing to run a batch of " + batch.size() + " writes", last);
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = factory.open();
        }
        return connection;
    }

    private void rollbackQuietly() {
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("{}: rollback failed: {}", name, e.getMessage());
            closeConnection();
        }
    }

    private void closeConnection() {
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException e) {
            // the connection is gone already
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("{}: closing the writer connection failed: {}", name, e.getMessage());
        }
        connection = null;
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
        final CompletableFuture<T> future = new CompletableFuture<>();
        /** Outcome of the last run, handed over once the batch is committed. */
        T result;
        RuntimeException failure;

        Request(String what, SqlWork<T> work) {
            this.what = what;
            this.work = work;
        }

        /**
         * Runs the write under a savepoint. A write that fails on its own (a constraint, bad data,
         * a refusal) is rolled back to the savepoint and its failure kept for its caller; an error
         * that ended the transaction or the connection is thrown for the whole batch.
         */
        void run(Connection c) throws SQLException {
            result = null;
            failure = null;
            Savepoint savepoint = c.setSavepoint();
            try {
                result = work.apply(c);
            } catch (SQLException e) {
                if (DerbyStore.isRetryable(e) || DerbyStore.isConnectionLost(e)) {
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
                    } catch (java.util.concurrent.TimeoutException e) {
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
