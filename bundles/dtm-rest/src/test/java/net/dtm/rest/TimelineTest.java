package net.dtm.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.metrics.Histogram;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.api.metrics.Sample;

class TimelineTest {

    static final double[] BOUNDS = {0.001, 0.002, 0.005, 0.010};

    private final Fakes.Pools pools = new Fakes.Pools();
    private final Services services = new Services();
    private final AtomicReference<Instant> now = new AtomicReference<>(Fakes.Pools.NOW);
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    /** Cumulative bucket counts of two request types the fake server reports. */
    private long[] establish = new long[5];
    private long[] renew = new long[5];
    private Timeline timeline;

    @BeforeEach
    void wire() throws Exception {
        pools.createPool(net.dtm.api.Pool.of("demo", "10.64.0.0/16", 3600));
        pools.addLease("demo", "smr-1", "10.64.0.2", net.dtm.api.LeaseState.BOUND, 7);
        pools.addLease("demo", "smr-2", "10.64.0.3", net.dtm.api.LeaseState.LOCKED, 1);
        services.pools().set(pools);
        services.addMetricSource(() -> List.of(
                Metric.single("dtm_server_datagrams_received_total", "", Metric.Type.COUNTER, 3),
                new Metric(Timeline.REQUEST_SECONDS, "latency", Metric.Type.HISTOGRAM, List.of(
                        Sample.of(Map.of("type", "establish"), new Histogram(BOUNDS, establish, 0)),
                        Sample.of(Map.of("type", "renew"), new Histogram(BOUNDS, renew, 0))))));
        timeline = new Timeline(services, clock);
    }

    @Test
    void samplesLeasesAndTheLatencyOfTheLastInterval() {
        establish = new long[] {10, 0, 0, 0, 0};
        timeline.sample();
        Map<String, Object> first = timeline.samples().get(0);
        assertEquals(Fakes.Pools.NOW.toEpochMilli(), first.get("t"));
        assertEquals(1L, first.get("bound"));
        assertEquals(1L, first.get("locked"));
        assertEquals(10L, first.get("requests"));
        assertEquals(0.5, (double) first.get("establishP50Ms"), 1e-9);
        // ten more requests, all between 5 and 10 ms, on the other type: only they count in the next sample
        renew = new long[] {0, 0, 0, 10, 0};
        now.set(Fakes.Pools.NOW.plusSeconds(10));
        timeline.sample();
        Map<String, Object> second = timeline.samples().get(1);
        assertEquals(10L, second.get("requests"));
        assertEquals(7.5, (double) second.get("establishP50Ms"), 1e-9);
        assertEquals(9.95, (double) second.get("establishP99Ms"), 1e-9);
        // nothing new: no latency to show
        timeline.sample();
        assertEquals(0L, timeline.samples().get(2).get("requests"));
        assertNull(timeline.samples().get(2).get("establishP50Ms"));
    }

    @Test
    void keepsThirtyMinutes() {
        for (int i = 0; i < Timeline.KEEP + 7; i++) {
            now.set(Fakes.Pools.NOW.plusSeconds(10L * i));
            timeline.sample();
        }
        List<Map<String, Object>> samples = timeline.samples();
        assertEquals(180, samples.size());
        assertEquals(Fakes.Pools.NOW.plusSeconds(70).toEpochMilli(), samples.get(0).get("t"));
    }

    @Test
    void aFailingSourceOrStoreLeavesOnlyItsFiguresOut() {
        MetricSource broken = () -> {
            throw new IllegalStateException("broken");
        };
        services.addMetricSource(broken);
        pools.failure = new net.dtm.api.DtmException(net.dtm.api.DtmException.Reason.STORE_UNAVAILABLE, "down");
        establish = new long[] {0, 4, 0, 0, 0};
        timeline.sample();
        Map<String, Object> s = timeline.samples().get(0);
        assertNull(s.get("bound"));
        assertEquals(4L, s.get("requests"));
    }

    @Test
    void aRestartedCounterStartsTheIntervalAfresh() {
        establish = new long[] {50, 0, 0, 0, 0};
        timeline.sample();
        establish = new long[] {0, 0, 2, 0, 0};
        timeline.sample();
        assertEquals(2L, timeline.samples().get(1).get("requests"));
    }

    @Test
    void withoutServerMetricsThereIsNoLatency() {
        Services bare = new Services();
        Timeline t = new Timeline(bare, clock);
        t.sample();
        assertNull(t.samples().get(0).get("bound"));
        assertEquals(0L, t.samples().get(0).get("requests"));
        assertNull(t.samples().get(0).get("establishP99Ms"));
    }

    @Test
    void quantilesInterpolateWithinABucketAndStopAtTheLastBound() {
        Histogram h = new Histogram(BOUNDS, new long[] {0, 0, 0, 0, 5}, 1);
        assertEquals(0.010, Timeline.quantile(h, 0.5), 1e-12);
        Histogram even = new Histogram(BOUNDS, new long[] {1, 1, 1, 1, 0}, 0);
        assertEquals(0.002, Timeline.quantile(even, 0.5), 1e-12);
        assertEquals(0.001, Timeline.quantile(even, 0.25), 1e-12);
    }
}
