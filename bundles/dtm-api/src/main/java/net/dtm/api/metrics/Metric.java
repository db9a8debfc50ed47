package net.dtm.api.metrics;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One metric family: a name, its help text, its type and its samples (one per label set).
 * Counter names end in {@code _total}; times are in seconds ({@code _seconds}), as Prometheus
 * expects.
 *
 * @param name    {@code dtm_[a-z0-9_]+}
 * @param help    one line saying what is counted
 * @param type    counter, gauge or histogram
 * @param samples one per label set; every sample of a family has the same label names
 */
public record Metric(String name, String help, Type type, List<Sample> samples) {

    private static final Pattern NAME = Pattern.compile("dtm_[a-z0-9_]+");

    /** Kind of figure. */
    public enum Type {
        /** Only goes up (until the process restarts). */
        COUNTER,
        /** Goes up and down. */
        GAUGE,
        /** A distribution: every sample carries a {@link Histogram}. */
        HISTOGRAM
    }

    public Metric {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name must match dtm_[a-z0-9_]+: " + name);
        }
        help = help == null ? "" : help;
        Objects.requireNonNull(type, "type");
        samples = List.copyOf(samples);
        for (Sample s : samples) {
            if ((type == Type.HISTOGRAM) != (s.histogram() != null)) {
                throw new IllegalArgumentException(name + ": a histogram's samples, and only those, carry a histogram");
            }
        }
    }

    /** A counter or gauge with one unlabelled sample. */
    public static Metric single(String name, String help, Type type, double value) {
        return new Metric(name, help, type, List.of(Sample.of(value)));
    }
}
