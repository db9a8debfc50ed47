package net.dtm.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.metrics.Histogram;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.api.metrics.Sample;
import net.dtm.api.fakes.FakePools;
import net.dtm.api.fakes.SettableClock;

class TimelineTest {

    static final double[] BOUNDS = {0.001, 0.002, 0.005, 0.010};

    private final FakePools pools = new FakePools();
    private final Services services = new Services();
    private final SettableClock clock = new SettableClock(FakePools.NOW);
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
    void samplesLeasesAndTheServersEstablishLatencyOfTheLastInterval() {
        // ten ESTABLISHs under 1 ms, ten RENEWs between 5 and 10 ms: only the ESTABLISHs make the latency
        establish = new long[] {10, 0, 0, 0, 0};
        renew = new long[] {0, 0, 0, 10, 0};
        timeline.sample();
        Map<String, Object> first = timeline.samples().get(0);
        assertEquals(FakePools.NOW.toEpochMilli(), first.get("t"));
        assertEquals(1L, first.get("bound"));
        assertEquals(1L, first.get("locked"));
        assertEquals(20L, first.get("requests"));
        assertEquals(0.5, (double) first.get("establishP50Ms"), 1e-9);
        assertEquals(0.99, (double) first.get("establishP99Ms"), 1e-9);
        assertEquals(10L, first.get("establishRequests"));
        // ten more ESTABLISHs between 2 and 5 ms and five more RENEWs: only the new ones count in the next sample
        establish = new long[] {10, 0, 10, 0, 0};
        renew = new long[] {0, 0, 0, 15, 0};
        clock.set(FakePools.NOW.plusSeconds(10));
        timeline.sample();
        Map<String, Object> second = timeline.samples().get(1);
        assertEquals(15L, second.get("requests"));
        assertEquals(10L, second.get("establishRequests"));
        assertEquals(3.5, (double) second.get("establishP50Ms"), 1e-9);
        assertEquals(4.97, (double) second.get("establishP99Ms"), 1e-9);
        // only RENEWs: no establishment latency to show
        renew = new long[] {0, 0, 0, 25, 0};
        timeline.sample();
        Map<String, Object> third = timeline.samples().get(2);
        assertEquals(10L, third.get("requests"));
        assertEquals(0L, third.get("establishRequests"));
        assertNull(third.get("establishP50Ms"));
        assertNull(third.get("establishP99Ms"));
        // no agent in this process
        assertNull(third.get("agentEstablishments"));
        assertNull(third.get("agentEstablishP50Ms"));
        assertNull(third.get("agentEstablishP99Ms"));
    }

    @Test
    void anAgentInTheProcessAddsItsOwnEstablishmentTime() {
        AtomicReference<long[]> agent = new AtomicReference<>(new long[] {0, 0, 0, 4, 0});
        services.addMetricSource(() -> List.of(new Metric(Timeline.AGENT_ESTABLISH_SECONDS, "", Metric.Type.HISTOGRAM,
                List.of(Sample.of(Map.of(), new Histogram(BOUNDS, agent.get(), 0))))));
        establish = new long[] {2, 0, 0, 0, 0};
        timeline.sample();
        Map<String, Object> first = timeline.samples().get(0);
        assertEquals(4L, first.get("agentEstablishments"));
        assertEquals(7.5, (double) first.get("agentEstablishP50Ms"), 1e-9);
        assertEquals(9.95, (double) first.get("agentEstablishP99Ms"), 1e-9);
        assertEquals(0.5, (double) first.get("establishP50Ms"), 1e-9, "the server's own figure stays its own");
        agent.set(new long[] {0, 0, 0, 4, 1});   // one more, beyond the last bound
        timeline.sample();
        Map<String, Object> second = timeline.samples().get(1);
        assertEquals(1L, second.get("agentEstablishments"));
        assertEquals(10.0, (double) second.get("agentEstablishP50Ms"), 1e-9);
        timeline.sample();
        assertEquals(0L, timeline.samples().get(2).get("agentEstablishments"));
        assertNull(timeline.samples().get(2).get("agentEstablishP99Ms"));
    }

    @Test
    void keepsThirtyMinutes() {
        for (int i = 0; i < Timeline.KEEP + 7; i++) {
            clock.set(FakePools.NOW.plusSeconds(10L * i));
            timeline.sample();
        }
        List<Map<String, Object>> samples = timeline.samples();
        assertEquals(180, samples.size());
        assertEquals(FakePools.NOW.plusSeconds(70).toEpochMilli(), samples.get(0).get("t"));
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
        assertEquals(4L, s.get("establishRequests"));
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
        assertNull(t.samples().get(0).get("establishRequests"));
        assertNull(t.samples().get(0).get("establishP99Ms"));
        assertNull(t.samples().get(0).get("agentEstablishP99Ms"));
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
