package net.dtm.rest;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.PoolStats;
import net.dtm.api.metrics.Histogram;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.api.metrics.Sample;

/**
 * The recent past kept in memory for the dashboard: each {@link #sample()} (the component calls it
 * every {@link #INTERVAL_SECONDS} s) records the bound and locked leases of every pool and, over the
 * interval since the previous sample: the requests the server answered ({@code requests}, every type
 * of {@code dtm_server_request_seconds}); its ESTABLISH handling time ({@code establishRequests},
 * {@code establishP50Ms}, {@code establishP99Ms}, from {@code type="establish"}); and, when an agent
 * runs in this process, its establishment time from ESTABLISH sent to the tunnel established
 * ({@code agentEstablishments}, {@code agentEstablishP50Ms}, {@code agentEstablishP99Ms}, from
 * {@code dtm_agent_establish_seconds}). A figure that is unknown (no such service, nothing in the
 * interval) is null. The last {@link #KEEP} samples (30 min) are kept.
 */
final class Timeline {

    private static final Logger LOG = LoggerFactory.getLogger(Timeline.class);
    static final int INTERVAL_SECONDS = 10;
    static final int KEEP = 30 * 60 / INTERVAL_SECONDS;
    static final String REQUEST_SECONDS = "dtm_server_request_seconds";
    static final String AGENT_ESTABLISH_SECONDS = "dtm_agent_establish_seconds";

    private final Services services;
    private final Clock clock;
    private final Deque<Map<String, Object>> samples = new ArrayDeque<>();
    private final Interval requests = new Interval();
    private final Interval establish = new Interval();
    private final Interval agentEstablish = new Interval();

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
        Optional<AddressPoolAdminService> pools = services.pools().get();
        if (pools.isPresent()) {
            try {
                List<PoolStats> stats = PoolsResource.allStats(pools.get());
                bound = stats.stream().mapToLong(PoolStats::bound).sum();
                locked = stats.stream().mapToLong(PoolStats::locked).sum();
            } catch (RuntimeException e) {
                LOG.debug("Timeline: pool stats not available now", e);
            }
        }
        s.put("bound", bound);
        s.put("locked", locked);
        List<Metric> metrics = metrics();
        Histogram all = requests.next(histogram(metrics, REQUEST_SECONDS, null));
        s.put("requests", all == null ? 0 : all.count());
        Histogram server = establish.next(histogram(metrics, REQUEST_SECONDS, "establish"));
        s.put("establishRequests", server == null ? null : server.count());
        s.put("establishP50Ms", millis(server, 0.50));
        s.put("establishP99Ms", millis(server, 0.99));
        Histogram agent = agentEstablish.next(histogram(metrics, AGENT_ESTABLISH_SECONDS, null));
        s.put("agentEstablishments", agent == null ? null : agent.count());
        s.put("agentEstablishP50Ms", millis(agent, 0.50));
        s.put("agentEstablishP99Ms", millis(agent, 0.99));
        samples.addLast(s);
        while (samples.size() > KEEP) {
            samples.removeFirst();
        }
    }

    /** The families of every metric source now; a failing source is left out. */
    private List<Metric> metrics() {
        List<Metric> out = new ArrayList<>();
        for (MetricSource source : services.metricSources()) {
            try {
                out.addAll(source.metrics());
            } catch (RuntimeException e) {
                LOG.debug("Timeline: a metric source failed", e);
            }
        }
        return out;
    }

    /**
     * The histogram family {@code name} summed over its samples (those with other bounds are
     * skipped), only those labelled {@code type=<type>} unless {@code type} is null; null if there is none.
     */
    static Histogram histogram(List<Metric> metrics, String name, String type) {
        Histogram total = null;
        for (Metric m : metrics) {
            if (!m.name().equals(name) || m.type() != Metric.Type.HISTOGRAM) {
                continue;
            }
            for (Sample sample : m.samples()) {
                if (type == null || type.equals(sample.labels().get("type"))) {
                    total = total == null ? sample.histogram() : add(total, sample.histogram());
                }
            }
        }
        return total;
    }

    /** The {@code q} quantile of {@code h} in milliseconds; null without observations. */
    private static Double millis(Histogram h, double q) {
        return h == null || h.count() == 0 ? null : quantile(h, q) * 1000;
    }

    /** One cumulative histogram followed from sample to sample. */
    private static final class Interval {
        private Histogram previous;

        /** What was observed since the previous call ({@code now} the cumulative figures, null if unknown). */
        Histogram next(Histogram now) {
            Histogram interval = now == null ? null : since(previous, now);
            previous = now;
            return interval;
        }
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
