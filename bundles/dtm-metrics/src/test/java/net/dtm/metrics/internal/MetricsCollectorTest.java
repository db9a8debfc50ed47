package net.dtm.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.api.metrics.Sample;

class MetricsCollectorTest {

    private final MetricsCollector collector = new MetricsCollector(Clock.systemUTC());

    private static Metric pools(String pool, double free) {
        return new Metric("dtm_pool_free", "free addresses", Metric.Type.GAUGE, List.of(Sample.of(Map.of("pool", pool), free)));
    }

    @Test
    void aFailingSourceIsLeftOutAndTheOthersStillReported() {
        MetricSource broken = () -> {
            throw new IllegalStateException("store down");
        };
        MetricSource nulls = () -> null;
        collector.add(broken, "broken");
        collector.add(nulls, "nulls");
        collector.add(() -> List.of(PrometheusTextTest.GAUGE), "agent");

        assertEquals(List.of(PrometheusTextTest.GAUGE), collector.collect());
        assertEquals(List.of(PrometheusTextTest.GAUGE), collector.collect());   // and again, warning throttled
    }

    @Test
    void familiesSortedByNameAndMergedAcrossSources() {
        collector.add(() -> List.of(PrometheusTextTest.GAUGE, pools("a", 1)), "one");
        collector.add(() -> List.of(pools("b", 2)), "two");

        List<Metric> all = collector.collect();

        assertEquals(List.of("dtm_agent_tunnel_up", "dtm_pool_free"), all.stream().map(Metric::name).toList());
        assertEquals(List.of(Map.of("pool", "a"), Map.of("pool", "b")),
                all.get(1).samples().stream().map(Sample::labels).sorted((x, y) -> x.get("pool").compareTo(y.get("pool"))).toList());
    }

    @Test
    void aRepeatedLabelSetOrADisagreeingTypeIsSkipped() {
        collector.add(() -> List.of(pools("a", 1)), "one");
        collector.add(() -> List.of(pools("a", 99)), "two");
        collector.add(() -> List.of(Metric.single("dtm_pool_free", "", Metric.Type.COUNTER, 5)), "three");

        List<Metric> all = collector.collect();

        assertEquals(1, all.size());
        assertEquals(Metric.Type.GAUGE, all.get(0).type());
        assertEquals(List.of(Sample.of(Map.of("pool", "a"), 1)), all.get(0).samples());
    }

    @Test
    void aRemovedSourceIsNoLongerAsked() {
        MetricSource s = () -> List.of(PrometheusTextTest.GAUGE);
        collector.add(s, "agent");
        collector.remove(s);

        assertTrue(collector.collect().isEmpty());
        assertTrue(collector.family("dtm_agent_tunnel_up").isEmpty());
    }
}
