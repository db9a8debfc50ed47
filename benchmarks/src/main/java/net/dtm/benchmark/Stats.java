package net.dtm.benchmark;

import java.util.Arrays;
import java.util.List;

/**
 * Summary of a sample of establishment times in milliseconds. {@code within1s} counts failed
 * establishments (none within 30 s) as not within 1 s; the percentiles are over the successful ones.
 */
record Stats(int n, int failed, double mean, double p50, double p95, double p99, double max, double within1s) {

    static Stats of(List<Double> samples, int failed) {
        double[] v = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return new Stats(0, failed, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    failed == 0 ? Double.NaN : 0);
        }
        double within = Arrays.stream(v).filter(x -> x <= 1000.0).count() / (double) (v.length + failed);
        return new Stats(v.length, failed, Arrays.stream(v).average().orElseThrow(), pct(v, 50), pct(v, 95),
                pct(v, 99), v[v.length - 1], within);
    }

    /** Nearest-rank percentile. */
    static double pct(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
