package net.dtm.config;

import java.util.List;
import java.util.Map;

import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.api.metrics.Sample;

/**
 * The configuration module's figures: transactions by outcome and how long they took. Labels are
 * outcomes only (never a device or an end).
 */
public final class ConfigMetrics implements MetricSource {

    private final ConfigCounters counters;

    public ConfigMetrics(ConfigCounters counters) {
        this.counters = counters;
    }

    @Override
    public List<Metric> metrics() {
        return List.of(
                new Metric("dtm_config_transactions_total",
                        "Safe transactions of the configuration module since start, by outcome", Metric.Type.COUNTER,
                        List.of(outcome("confirmed", counters.confirmed()),
                                outcome("rolled_back", counters.rolledBack()),
                                outcome("refused", counters.refused()),
                                outcome("no_change", counters.noChange()),
                                outcome("failed", counters.failed()))),
                new Metric("dtm_config_transaction_seconds",
                        "Duration of finished transactions, first step to outcome (verification by probes included)",
                        Metric.Type.HISTOGRAM, List.of(Sample.of(Map.of(), counters.durations()))));
    }

    private static Sample outcome(String result, long value) {
        return Sample.of(Map.of("result", result), value);
    }
}
