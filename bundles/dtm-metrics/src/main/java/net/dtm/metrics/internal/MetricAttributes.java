package net.dtm.metrics.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import net.dtm.api.metrics.Histogram;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.Sample;

/**
 * A metric family as JMX attribute values: one attribute per sample, named by the sample's label
 * values joined with ',' ({@code value} when unlabelled); a histogram sample gives four attributes,
 * its name followed by {@code ,count}, {@code ,sum}, {@code ,p50} and {@code ,p99} (just
 * {@code count}, {@code sum}, ... when unlabelled), the quantiles estimated from the buckets.
 */
final class MetricAttributes {

    private MetricAttributes() {
    }

    /** Attribute name to value, in the samples' order. */
    static Map<String, Double> of(Metric metric) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Sample s : metric.samples()) {
            String labels = String.join(",", s.labels().values());
            if (s.histogram() == null) {
                out.put(labels.isEmpty() ? "value" : labels, s.value());
            } else {
                String prefix = labels.isEmpty() ? "" : labels + ",";
                Histogram h = s.histogram();
                out.put(prefix + "count", (double) h.count());
                out.put(prefix + "sum", h.sum());
                out.put(prefix + "p50", quantile(h, 0.5));
                out.put(prefix + "p99", quantile(h, 0.99));
            }
        }
        return out;
    }

    /**
     * The q-quantile estimated as Prometheus' {@code histogram_quantile} does: linear within the
     * bucket holding the rank, the lowest bucket starting at 0; the last finite bound when the rank
     * falls above it; NaN without observations.
     */
    static double quantile(Histogram h, double q) {
        long total = h.count();
        if (total == 0) {
            return Double.NaN;
        }
        double[] bounds = h.upperBounds();
        long[] counts = h.bucketCounts();
        double rank = q * total;
        long below = 0;
        for (int i = 0; i < bounds.length; i++) {
            if (below + counts[i] >= rank && counts[i] > 0) {
                double lower = i == 0 ? 0 : bounds[i - 1];
                return lower + (bounds[i] - lower) * (rank - below) / counts[i];
            }
            below += counts[i];
        }
        return bounds.length == 0 ? Double.NaN : bounds[bounds.length - 1];
    }
}
