package net.dtm.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import net.dtm.api.Health;
import net.dtm.api.Pool;
import net.dtm.api.PoolStats;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.Sample;
import net.dtm.api.fakes.SettableClock;

/** The pools' figures for the metrics bundle over a real manager and Derby store; the pool manager's health. */
class PoolMetricsTest extends PoolManagerTestBase {

    @Override
    PoolManager newManager(CountingStore store, SettableClock clock) {
        return new PoolManager(store, "node-1", clock, PoolSettings.of(Duration.ofSeconds(30), 0.5), null);
    }

    private static double value(List<Metric> metrics, String name, String pool) {
        Metric m = metrics.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
        return m.samples().stream().filter(s -> s.labels().equals(Map.of("pool", pool))).findFirst().map(Sample::value)
                .orElseThrow(() -> new AssertionError(name + " " + pool));
    }

    @Test
    void everyPoolsStatsLabelledByPoolAndComputedAtMostEveryFiveSeconds() {
        pm.createPool(Pool.of("edge", "10.1.0.0/29", 3600));
        pm.allocate("edge", dev("r1"));
        AtomicInteger computed = new AtomicInteger();
        PoolMetrics metrics = new PoolMetrics(pm::pools, name -> {
            computed.incrementAndGet();
            return pm.stats(name);
        }, clock);

        List<Metric> first = metrics.metrics();
        PoolStats s = pm.stats("edge");
        assertEquals(s.capacity(), value(first, "dtm_pool_capacity", "edge"));
        assertEquals(s.excluded(), value(first, "dtm_pool_excluded", "edge"));
        assertEquals(1, value(first, "dtm_pool_locked", "edge"));
        assertEquals(0, value(first, "dtm_pool_bound", "edge"));
        assertEquals(s.free(), value(first, "dtm_pool_free", "edge"));
        assertTrue(s.free() > 0);
        assertEquals(s.utilisation(), value(first, "dtm_pool_utilisation_ratio", "edge"), 1e-9);
        assertEquals(Metric.Type.COUNTER, first.stream().filter(m -> m.name().equals("dtm_pool_refusals_total"))
                .findFirst().orElseThrow().type());

        pm.confirm("edge", dev("r1"));
        clock.advance(Duration.ofSeconds(4));
        assertEquals(first, metrics.metrics(), "served from the cache");
        assertEquals(1, computed.get());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, value(metrics.metrics(), "dtm_pool_bound", "edge"));
        assertEquals(2, computed.get());
    }

    @Test
    void aPoolWhoseStatsFailIsLeftOutAndTheStoreDownLeavesNone() {
        pm.createPool(Pool.of("a", "10.1.0.0/29", 3600));
        pm.createPool(Pool.of("b", "10.2.0.0/29", 3600));
        PoolMetrics metrics = new PoolMetrics(pm::pools, name -> {
            if (name.equals("a")) {
                throw new IllegalStateException("broken");
            }
            return pm.stats(name);
        }, clock);
        Metric capacity = metrics.metrics().get(0);
        assertEquals(List.of(Map.of("pool", "b")), capacity.samples().stream().map(Sample::labels).toList());

        store.down = true;
        clock.advance(PoolMetrics.TTL);
        assertTrue(metrics.metrics().stream().allMatch(m -> m.samples().isEmpty()));
    }

    @Test
    void healthFlipsToNotReadyWhileTheStoreIsOutAndBackWhenItAnswers() {
        pm.createPool(Pool.of("edge", "10.1.0.0/29", 3600));
        assertTrue(PoolHealth.of(pm, 1).ready());
        assertEquals("pool catalogue loaded", PoolHealth.of(pm, 1).checks().get(1).detail());

        store.down = true;
        Instant outage = clock.instant();
        try {
            pm.allocate("edge", dev("r1"));
        } catch (RuntimeException expected) {
            // store unavailable
        }
        Health out = PoolHealth.of(pm, 1);
        assertFalse(out.ready());
        assertEquals(new Health.Check("store", false, "store unavailable since " + outage), out.checks().get(0));

        store.down = false;
        pm.stats("edge");
        assertTrue(PoolHealth.of(pm, 1).ready());
        assertFalse(PoolHealth.of(pm, -1).ready(), "pools not loaded");
    }
}
