package net.dtm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.config.Transaction;
import net.dtm.api.metrics.Histogram;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.Sample;
import net.dtm.spi.config.TunnelIntent;

/** The configuration module's metrics follow its transactions: outcomes counted, durations measured. */
class ConfigMetricsTest extends OnRig {

    @Test
    void outcomesAndDurationsOfRealTransactions() {
        assertEquals(Transaction.Result.CONFIRMED, rig.set(v).result());
        assertEquals(Transaction.Result.NO_CHANGE, rig.set(v).result());
        rig.device.unreachable(true);   // a new intent whose automatic apply fails: left for the operator
        TunnelIntent changed = v.withMtu(1300);
        rig.manager.setIntent(changed.name(), changed.role(), Rig.DEVICE, Rig.TARGET, Optional.of(changed), "event");
        rig.device.unreachable(false);
        assertEquals(Transaction.Result.PENDING_CONFIRM,
                rig.manager.apply("dtm0", "operator admin", true).result());
        rig.advance(Duration.ofSeconds(120));   // not confirmed: rolled back after its 120 s window

        ConfigMetrics metrics = new ConfigMetrics(rig.manager.counters());
        Metric outcomes = family(metrics, "dtm_config_transactions_total");
        assertEquals(Metric.Type.COUNTER, outcomes.type());
        assertEquals(1.0, value(outcomes, "confirmed"));
        assertEquals(1.0, value(outcomes, "no_change"));
        assertEquals(1.0, value(outcomes, "rolled_back"));
        assertEquals(1.0, value(outcomes, "failed"), "the unreachable device");

        Histogram took = family(metrics, "dtm_config_transaction_seconds").samples().get(0).histogram();
        assertEquals(4, took.count(), "the held change is measured once, when it ends");
        assertEquals(120.0, took.sum(), 0.001, "the held change took its whole confirmation window");
        long[] buckets = took.bucketCounts();
        double[] bounds = took.upperBounds();
        int at120 = java.util.Arrays.binarySearch(bounds, 120.0);
        assertEquals(1, buckets[at120], "the held change in the 60..120 s bucket");
        assertEquals(3, buckets[0], "the others took no time on the hand-driven clock");
    }

    private static Metric family(ConfigMetrics metrics, String name) {
        return metrics.metrics().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    private static double value(Metric m, String result) {
        List<Sample> s = m.samples().stream().filter(x -> x.labels().equals(Map.of("result", result))).toList();
        assertEquals(1, s.size(), result);
        return s.get(0).value();
    }
}
