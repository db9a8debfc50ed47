package net.dtm.metrics.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.api.metrics.Sample;

/**
 * Gathers the figures of every registered {@link MetricSource} into one list of families sorted by
 * name. A source that throws (or returns null) is left out of that collection with a WARN at most
 * once a minute per source; the others are still reported. A family name reported by two sources
 * is merged when both agree on its type (a label set already seen is dropped); a family whose type
 * disagrees with the first one seen is skipped. Safe for concurrent scrapes.
 */
public final class MetricsCollector {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsCollector.class);
    private static final Duration WARN_PERIOD = Duration.ofMinutes(1);

    /** In the order they came: the first to report a family sets its type. */
    private final List<Registered> sources = new CopyOnWriteArrayList<>();
    private final Map<String, Long> nextWarning = new ConcurrentHashMap<>();
    private final Clock clock;

    public MetricsCollector(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A source appeared; {@code description} names it in warnings (e.g. its bundle). */
    public void add(MetricSource source, String description) {
        sources.add(new Registered(source, description));
    }

    /** A source went away. */
    public void remove(MetricSource source) {
        sources.removeIf(r -> r.source == source);
    }

    /** Every source's families now, merged and sorted by name. */
    public List<Metric> collect() {
        Map<String, Family> families = new TreeMap<>();
        for (Registered r : sources) {
            String description = r.description;
            for (Metric metric : read(r.source, description)) {
                Family family = families.get(metric.name());
                if (family == null) {
                    families.put(metric.name(), new Family(metric));
                } else if (family.type != metric.type()) {
                    warn("type:" + metric.name(), "dtm metrics: {} from {} is a {} but another source reports it as a {}: skipped",
                            metric.name(), description, metric.type(), family.type);
                } else if (!family.merge(metric)) {
                    warn("dup:" + metric.name(), "dtm metrics: {} from {} repeats label sets already reported by another source: those skipped",
                            metric.name(), description);
                }
            }
        }
        return families.values().stream().map(Family::metric).toList();
    }

    /** One family now, if any source reports it. */
    public Optional<Metric> family(String name) {
        return collect().stream().filter(m -> m.name().equals(name)).findFirst();
    }

    private List<Metric> read(MetricSource source, String description) {
        try {
            List<Metric> metrics = source.metrics();
            if (metrics == null) {
                throw new IllegalStateException("metrics() returned null");
            }
            return metrics;
        } catch (RuntimeException | LinkageError e) {
            warn("source:" + description, "dtm metrics: source {} failed and is left out of this collection: {}",
                    description, String.valueOf(e));
            return List.of();
        }
    }

    private void warn(String key, String format, Object... args) {
        long now = clock.millis();
        Long next = nextWarning.get(key);
        if (next != null && now < next) {
            return;
        }
        nextWarning.put(key, now + WARN_PERIOD.toMillis());
        LOG.warn(format, args);
    }

    private record Registered(MetricSource source, String description) {
    }

    /** A family being merged from several sources. */
    private static final class Family {
        final String name;
        final String help;
        final Metric.Type type;
        final Map<Map<String, String>, Sample> samples = new LinkedHashMap<>();

        Family(Metric first) {
            this.name = first.name();
            this.help = first.help();
            this.type = first.type();
            first.samples().forEach(s -> samples.putIfAbsent(s.labels(), s));
        }

        /** @return false if some label set was already present (that sample is dropped) */
        boolean merge(Metric other) {
            boolean clean = true;
            for (Sample s : other.samples()) {
                if (samples.putIfAbsent(s.labels(), s) != null) {
                    clean = false;
                }
            }
            return clean;
        }

        Metric metric() {
            return new Metric(name, help, type, new ArrayList<>(samples.values()));
        }
    }
}
