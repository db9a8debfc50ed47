package net.dtm.api.metrics;

import java.util.Arrays;

/**
 * A snapshot of a distribution in fixed buckets, the classic Prometheus histogram.
 *
 * @param upperBounds  bucket upper bounds, strictly increasing, finite (the +Inf bucket is implied)
 * @param bucketCounts observations per bucket, NOT cumulative; one more entry than
 *                     {@code upperBounds}: the last counts observations above the last bound
 * @param sum          sum of all observations
 */
public record Histogram(double[] upperBounds, long[] bucketCounts, double sum) {

    public Histogram {
        upperBounds = upperBounds.clone();
        bucketCounts = bucketCounts.clone();
        if (bucketCounts.length != upperBounds.length + 1) {
            throw new IllegalArgumentException("need " + (upperBounds.length + 1) + " bucket counts, got "
                    + bucketCounts.length);
        }
        for (int i = 1; i < upperBounds.length; i++) {
            if (!(upperBounds[i] > upperBounds[i - 1])) {
                throw new IllegalArgumentException("upper bounds must increase: " + Arrays.toString(upperBounds));
            }
        }
    }

    /** Number of observations. */
    public long count() {
        long n = 0;
        for (long c : bucketCounts) {
            n += c;
        }
        return n;
    }

    @Override
    public double[] upperBounds() {
        return upperBounds.clone();
    }

    @Override
    public long[] bucketCounts() {
        return bucketCounts.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Histogram h && Arrays.equals(upperBounds, h.upperBounds)
                && Arrays.equals(bucketCounts, h.bucketCounts) && Double.compare(sum, h.sum) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(upperBounds) + Arrays.hashCode(bucketCounts)) + Double.hashCode(sum);
    }

    @Override
    public String toString() {
        return "Histogram" + Arrays.toString(upperBounds) + Arrays.toString(bucketCounts) + " sum " + sum;
    }
}
