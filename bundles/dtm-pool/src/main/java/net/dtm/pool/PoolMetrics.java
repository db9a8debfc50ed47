package net.dtm.pool;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.Pool;
import net.dtm.api.PoolStats;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.api.metrics.Sample;

/**
 * Every pool's figures (as {@code pool:stats} shows them), labelled by pool name, for the metrics
 * bundle. Counting leases asks the store, so the figures are computed at most once per {@link #TTL}
 * whatever the number of scrapers (concurrent scrapes wait for the one computing); a pool whose
 * figures cannot be read is left out, and with the store unavailable no pool is reported.
 */
final class PoolMetrics implements MetricSource {

    private static final Logger LOG = LoggerFactory.getLogger(PoolMetrics.class);

    /** How long computed figures are served. */
    static final Duration TTL = Duration.ofSeconds(5);

    private final Supplier<List<Pool>> pools;
    private final Function<String, PoolStats> stats;
    private final Clock clock;
    private List<Metric> cached;       // guarded by this
    private long computedAt;           // guarded by this

    PoolMetrics(Supplier<List<Pool>> pools, Function<String, PoolStats> stats, Clock clock) {
        this.pools = pools;
        this.stats = stats;
        this.clock = clock;
    }

    @Override
    public synchronized List<Metric> metrics() {
        long now = clock.millis();
        if (cached == null || now - computedAt >= TTL.toMillis() || now < computedAt) {
            cached = compute();
            computedAt = now;
        }
        return cached;
    }

    private List<Metric> compute() {
        List<PoolStats> all = new ArrayList<>();
        try {
            for (Pool p : pools.get()) {
                try {
                    all.add(stats.apply(p.name()));
                } catch (RuntimeException e) {
                    LOG.debug("pool {} left out of the metrics: {}", p.name(), e.toString());
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("pools left out of the metrics: {}", e.toString());
        }
        return List.of(
                family("dtm_pool_capacity", "Addresses (or delegated blocks) in the pool", Metric.Type.GAUGE, all, PoolStats::capacity),
                family("dtm_pool_excluded", "Blocks excluded from allocation", Metric.Type.GAUGE, all, PoolStats::excluded),
                family("dtm_pool_locked", "Blocks offered, not yet confirmed", Metric.Type.GAUGE, all, PoolStats::locked),
                family("dtm_pool_bound", "Blocks bound to a device", Metric.Type.GAUGE, all, PoolStats::bound),
                family("dtm_pool_quarantined", "Blocks released or expired, still kept for their device", Metric.Type.GAUGE, all,
                        PoolStats::quarantined),
                family("dtm_pool_reclaimable", "Blocks whose quarantine has passed, given out when nothing else is left",
                        Metric.Type.GAUGE, all, PoolStats::reclaimable),
                family("dtm_pool_reserved", "Blocks reserved for a device", Metric.Type.GAUGE, all, PoolStats::reserved),
                family("dtm_pool_free", "Blocks a new device can get", Metric.Type.GAUGE, all, PoolStats::free),
                family("dtm_pool_utilisation_ratio", "Share of the dynamic capacity in use, 0..1", Metric.Type.GAUGE, all,
                        PoolStats::utilisation),
                family("dtm_pool_exhaustion_episodes_total", "Times the pool started refusing new devices", Metric.Type.COUNTER,
                        all, PoolStats::exhaustedEpisodes),
                family("dtm_pool_refusals_total", "New devices refused because the pool was exhausted", Metric.Type.COUNTER,
                        all, PoolStats::refusals));
    }

    private static Metric family(String name, String help, Metric.Type type, List<PoolStats> all,
                                 ToDoubleFunction<PoolStats> value) {
        List<Sample> samples = new ArrayList<>(all.size());
        for (PoolStats s : all) {
            samples.add(Sample.of(Map.of("pool", s.pool().name()), value.applyAsDouble(s)));
        }
        return new Metric(name, help, type, samples);
    }
}
