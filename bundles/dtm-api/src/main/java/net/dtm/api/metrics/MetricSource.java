package net.dtm.api.metrics;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A whiteboard service that reports a component's figures when asked. Implementations read their
 * live counters and gauges each time (cheap: no store queries beyond what a shell listing does),
 * never block for long, and return names that start with {@code dtm_}.
 */
@ConsumerType
public interface MetricSource {

    /** The figures now. Never null; an empty list when the component has nothing to report. */
    List<Metric> metrics();
}
