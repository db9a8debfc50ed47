package net.dtm.rest;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.PoolStats;
import net.dtm.api.metrics.Histogram;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.api.metrics.Sample;

/**
 * The recent past kept in memory for the dashboard: each {@link #sample()} (the component calls it
 * every {@link #INTERVAL_SECONDS} s) records the bound and locked leases of every pool, and from the
 * server's {@code dtm_server_request_seconds} histogram the requests answered since the previous
 * sample and their median and 99th percentile latency. The last {@link #KEEP} samples (30 min) are kept.
 */
final class Timeline {

    private static final Logger LOG = LoggerFactory.getLogger(Timeline.class);
    static final int INTERVAL_SECONDS = 10;
    static final int KEEP = 30 * 60 / INTERVAL_SECONDS;
    static final String REQUEST_SECONDS = "dtm_server_request_seconds";

    private final Services services;
    private final Clock clock;
    private final Deque<Map<String, Object>> samples = new ArrayDeque<>();
    private Histogram previous;

    Timeline(Services services, Clock clock) {
        this.services = services;
        this.clock = clock;
    }

    List<Route> routes() {
        return List.of(Route.get("/api/v1/timeline", c -> Json.response(200, samples())));
    }

    /** The samples, oldest first. */
    synchronized List<Map<String, Object>> samples() {
        return new ArrayList<>(samples);
    }

    /** Takes one sample now; a failing service leaves its figures out (null) rather than the sample. */
    synchronized void sample() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("t", clock.millis());
        Long bound = null;
        Long locked = null;
        try {
            if (services.pools().get().isPresent()) {
                bound = 0L;
                locked = 0L;
                for (PoolStats p : PoolsResource.allStats(services.pools().get().get())) {
                    bound += p.bound();
                    locked += p.locked();
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("Timeline: pool stats not available now", e);
            bound = null;
            locked = null;
        }
        s.put("bound", bound);
        s.put("locked", locked);
        Histogram now = requestLatency();
        Histogram interval = now == null ? null : since(previous, now);
        previous = now;
        long requests = interval == null ? 0 : interval.count();
        s.put("establishP50Ms", requests == 0 ? null : quantile(interval, 0.50) * 1000);
        s.put("establishP99Ms", requests == 0 ? null : quantile(interval, 0.99) * 1000);
        s.put("requests", requests);
        samples.addLast(s);
        while (samples.size() > KEEP) {
            samples.removeFirst();
        }
    }

    /** The server's request latency over every request type (samples with other bounds are skipped), or null. */
    private Histogram requestLatency() {
        Histogram total = null;
        for (MetricSource source : services.metricSources()) {
            List<Metric> metrics;
            try {
                metrics = source.metrics();
            } catch (RuntimeException e) {
                LOG.debug("Timeline: a metric source failed", e);
                continue;
            }
            for (Metric m : metrics) {
                if (!m.name().equals(REQUEST_SECONDS) || m.type() != Metric.Type.HISTOGRAM) {
                    continue;
                }
                for (Sample sample : m.samples()) {
                    total = total == null ? sample.histogram() : add(total, sample.histogram());
                }
            }
        }
        return total;
    }

    private static Histogram add(Histogram a, Histogram b) {
        if (!Arrays.equals(a.upperBounds(), b.upperBounds())) {
            return a;
        }
        long[] counts = a.bucketCounts();
        long[] more = b.bucketCounts();
        for (int i = 0; i < counts.length; i++) {
            counts[i] += more[i];
        }
        return new Histogram(a.upperBounds(), counts, a.sum() + b.sum());
    }

    /** What was observed between two cumulative snapshots; all of {@code now} if the counts went back (a restart). */
    static Histogram since(Histogram before, Histogram now) {
        if (before == null || !Arrays.equals(before.upperBounds(), now.upperBounds())) {
            return now;
        }
        long[] counts = now.bucketCounts();
        long[] old = before.bucketCounts();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < old[i]) {
                return now;
            }
            counts[i] -= old[i];
        }
        return new Histogram(now.upperBounds(), counts, now.sum() - before.sum());
    }

    /**
     * The {@code q} quantile estimated from the buckets (linear within the bucket it falls in, as
     * Prometheus' histogram_quantile; in the overflow bucket, the highest bound).
     */
    static double quantile(Histogram h, double q) {
        double[] bounds = h.upperBounds();
        long[] counts = h.bucketCounts();
        double rank = q * h.count();
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0 && seen + counts[i] >= rank) {
                if (i == bounds.length) {
                    return bounds.length == 0 ? 0 : bounds[bounds.length - 1];
                }
                double lower = i == 0 ? 0 : bounds[i - 1];
                return lower + (bounds[i] - lower) * ((rank - seen) / counts[i]);
            }
            seen += counts[i];
        }
        return bounds.length == 0 ? 0 : bounds[bounds.length - 1];
    }
}
