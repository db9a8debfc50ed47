package net.dtm.api.metrics;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One value of a metric family for one label set.
 *
 * @param labels    label name to value (sorted copy); names match {@code [a-z_][a-z0-9_]*}
 * @param value     the counter or gauge value; for a histogram its count
 * @param histogram the distribution, for a histogram family only (else null)
 */
public record Sample(Map<String, String> labels, double value, Histogram histogram) {

    public Sample {
        TreeMap<String, String> sorted = new TreeMap<>();
        labels.forEach((k, v) -> {
            if (!k.matches("[a-z_][a-z0-9_]*")) {
                throw new IllegalArgumentException("label name must match [a-z_][a-z0-9_]*: " + k);
            }
            sorted.put(k, Objects.requireNonNull(v, k));
        });
        labels = java.util.Collections.unmodifiableMap(sorted);
    }

    /** An unlabelled value. */
    public static Sample of(double value) {
        return new Sample(Map.of(), value, null);
    }

    /** A value with labels. */
    public static Sample of(Map<String, String> labels, double value) {
        return new Sample(labels, value, null);
    }

    /** A histogram with labels. */
    public static Sample of(Map<String, String> labels, Histogram histogram) {
        return new Sample(labels, histogram.count(), histogram);
    }
}
