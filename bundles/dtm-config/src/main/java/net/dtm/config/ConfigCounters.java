package net.dtm.config;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import net.dtm.api.config.Transaction;
import net.dtm.api.metrics.Histogram;
import net.dtm.api.metrics.LatencyRecorder;

/** Outcomes of the safe transaction since start, for metrics. Thread-safe. */
public final class ConfigCounters {

    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong rolledBack = new AtomicLong();
    private final AtomicLong confirmed = new AtomicLong();
    private final AtomicLong noChange = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final LatencyRecorder durations = new LatencyRecorder(new double[] {
        0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300});

    /** Intents refused at validation. */
    public long refused() {
        return refused.get();
    }

    /** Changes rolled back (including restores at start). */
    public long rolledBack() {
        return rolledBack.get();
    }

    /** Changes confirmed. */
    public long confirmed() {
        return confirmed.get();
    }

    /** Transactions that found the device already in sync. */
    public long noChange() {
        return noChange.get();
    }

    /** Transactions that could not read or reach the device, or found no adapter. */
    public long failed() {
        return failed.get();
    }

    /**
     * How long finished transactions took, from their first step to their outcome (a change held
     * for an operator's confirmation included).
     */
    public Histogram durations() {
        return durations.snapshot();
    }

    /** Counts a finished transaction and how long it took. */
    void count(Transaction.Result result, Duration took) {
        count(result);
        if (result != Transaction.Result.PENDING_CONFIRM) {
            durations.recordNanos(took.toNanos());
        }
    }

    void count(Transaction.Result result) {
        switch (result) {
            case REFUSED -> refused.incrementAndGet();
            case ROLLED_BACK -> rolledBack.incrementAndGet();
            case CONFIRMED -> confirmed.incrementAndGet();
            case NO_CHANGE -> noChange.incrementAndGet();
            case FAILED -> failed.incrementAndGet();
            case PENDING_CONFIRM -> {
                // counted when it ends
            }
        }
    }

    @Override
    public String toString() {
        return "confirmed=" + confirmed() + " rolled-back=" + rolledBack() + " refused=" + refused() + " no-change="
                + noChange() + " failed=" + failed();
    }
}
