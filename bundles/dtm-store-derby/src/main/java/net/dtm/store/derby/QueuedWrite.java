package net.dtm.store.derby;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import net.dtm.spi.store.StoreUnavailableException;

/**
 * One write queued on the {@link GroupCommitWriter}: its work, how it ran, and the wait of its
 * caller. Its life: queued, then taken into a batch by the runner (or abandoned by its caller
 * first, and never run), then finished once: completed with the outcome of its batch's commit,
 * or failed.
 */
final class QueuedWrite<T> {

    private static final int QUEUED = 0;
    private static final int TAKEN = 1;
    private static final int ABANDONED = 2;
    private static final int FINISHED = 3;

    final String what;
    final SqlWork<T> work;
    /** False for a one-statement write, which needs none. */
    final boolean savepoint;
    final CompletableFuture<T> future = new CompletableFuture<>();
    /** {@link #QUEUED}, then {@link #TAKEN} by the runner or {@link #ABANDONED} by its caller; {@link #FINISHED} once answered. */
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    /** Set when the caller gave up after the write was taken: its outcome went unreported. */
    private volatile boolean callerGone;
    /** Outcome of the last run, handed over once the batch is committed. */
    T result;
    RuntimeException failure;
    /** Its changes to the expiry index in the last run: applied with the commit, else dropped. */
    private final List<ExpiryIndex.Pending> changes = new ArrayList<>(1);

    QueuedWrite(String what, SqlWork<T> work, boolean savepoint) {
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
        ExpiryIndex.skipAll(changes); // a run before this one was rolled back with its batch
        try (ExpiryIndex.Recording recording = ExpiryIndex.record(changes)) {
            runRecorded(c);
        }
        if (failure != null) {
            ExpiryIndex.skipAll(changes);
        }
    }

    private void runRecorded(Connection c) throws SQLException {
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

    /** The runner takes it into a batch; false if its caller gave up first (it is dropped). */
    boolean take() {
        return state.compareAndSet(QUEUED, TAKEN);
    }

    /** The caller gives up before the write was taken: true if so (it never runs). */
    boolean abandon() {
        return state.compareAndSet(QUEUED, ABANDONED);
    }

    /** The caller gave up after the write was taken: its outcome goes unreported. */
    void callerGone() {
        callerGone = true;
    }

    /** Whether its outcome is known (its batch ended). */
    boolean isDone() {
        return future.isDone();
    }

    /**
     * Hands the outcome of its batch's commit to its caller.
     *
     * @return whether it was taken and is finished now (the writer counts the writes in flight)
     */
    boolean complete() {
        ExpiryIndex.applyAll(changes); // before the caller hears of it, so it reads its own write
        if (failure != null) {
            future.completeExceptionally(failure);
        } else {
            future.complete(result);
        }
        return finish();
    }

    /** Whether it was stored after its caller had given up. */
    boolean late() {
        return callerGone && failure == null;
    }

    /** Fails it, storing nothing. @return as {@link #complete()} */
    boolean fail(StoreUnavailableException e) {
        ExpiryIndex.skipAll(changes);
        future.completeExceptionally(e);
        return finish();
    }

    private boolean finish() {
        return state.compareAndSet(TAKEN, FINISHED);
    }

    /**
     * Waits at most {@code waitNanos} for the outcome, through interrupts (the write may be
     * running; the caller must learn how it ended), restoring the interrupt flag afterwards.
     *
     * @throws TimeoutException if there is no outcome by then
     */
    T await(long waitNanos) throws TimeoutException {
        long deadline = System.nanoTime() + waitNanos;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
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
