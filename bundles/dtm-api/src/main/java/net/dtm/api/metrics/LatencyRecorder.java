package net.dtm.api.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A thread-safe recorder of durations (or, with {@link #record(double)} and bounds of their own,
 * other sizes) in fixed buckets, cheap enough for every request: one
 * binary search and two atomic adds. Components keep one per measured thing and report
 * {@link #snapshot()} from their {@link MetricSource}.
 */
public final class LatencyRecorder {

    /** Bucket bounds in seconds fit for request handling and establishment: 0.5 ms to 30 s. */
    public static final double[] DEFAULT_BOUNDS_SECONDS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
    };

    private final double[] bounds;
    private final AtomicLongArray counts;
    private final DoubleAdder sum = new DoubleAdder();

    /** A recorder with {@link #DEFAULT_BOUNDS_SECONDS}. */
    public LatencyRecorder() {
        this(DEFAULT_BOUNDS_SECONDS);
    }

    /** A recorder with the given increasing bounds in seconds. */
    public LatencyRecorder(double[] boundsSeconds) {
        this.bounds = new Histogram(boundsSeconds, new long[boundsSeconds.length + 1], 0).upperBounds();
        this.counts = new AtomicLongArray(bounds.length + 1);
    }

    /** Records one duration in nanoseconds (negative counts as 0). */
    public void recordNanos(long nanos) {
        record(Math.max(0, nanos) / 1e9);
    }

    /**
     * Records one observation in the unit of the bounds, for a recorder of something other than
     * durations (e.g. batch sizes with bounds 1, 2, 4, ...).
     *
     * @since 1.1
     */
    public void record(double value) {
        double seconds = value;
        int lo = 0;
        int hi = bounds.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (seconds <= bounds[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        counts.incrementAndGet(lo);
        sum.add(seconds);
    }

    /** The distribution so far. Counts and sum are read without a lock: they may be one observation apart. */
    public Histogram snapshot() {
        long[] c = new long[counts.length()];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts.get(i);
        }
        return new Histogram(bounds, c, sum.sum());
    }
}
