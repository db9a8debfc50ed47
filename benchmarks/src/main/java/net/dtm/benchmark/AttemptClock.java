package net.dtm.benchmark;

/**
 * When an agent's establishment really began: the agent times an establishment from the first send
 * of its last attempt only (an attempt that timed out, and the pause before the next, are not in
 * its figure), so the benchmark notes the first ESTABLISH datagram after {@link #reset()} and the
 * first of each new transaction, and adds what the earlier attempts took.
 */
final class AttemptClock {

    private long firstNanos = -1;
    private long attemptNanos = -1;
    private long lastTransaction;

    /** Forgets the previous establishment: call before asking the agent for the next one. */
    synchronized void reset() {
        firstNanos = -1;
        attemptNanos = -1;
        lastTransaction = 0;
    }

    /** An ESTABLISH datagram of transaction {@code txid} goes out now. */
    synchronized void establishSent(long txid) {
        long now = System.nanoTime();
        if (firstNanos < 0) {
            firstNanos = now;
        }
        if (txid != lastTransaction) {
            lastTransaction = txid;
            attemptNanos = now;
        }
    }

    /** Milliseconds from the first ESTABLISH to the first of the last attempt (0 if there was one attempt). */
    synchronized double earlierAttemptsMs() {
        return firstNanos < 0 ? 0 : (attemptNanos - firstNanos) / 1e6;
    }
}
