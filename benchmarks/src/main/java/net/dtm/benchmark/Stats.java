package net.dtm.benchmark;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Summary of a sample of establishment times in milliseconds. */
record Stats(int n, double mean, double p50, double p95, double p99, double max, double within1s) {

    static Stats of(List<Double> samples) {
        double[] v = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double within = Arrays.stream(v).filter(x -> x <= 1000.0).count() / (double) v.length;
        return new Stats(v.length, Arrays.stream(v).average().orElseThrow(), pct(v, 50), pct(v, 95), pct(v, 99),
                v[v.length - 1], within);
    }

    /** Nearest-rank percentile. */
    private static double pct(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    String fmt(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }
}
