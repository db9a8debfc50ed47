package net.dtm.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.AttributeNotFoundException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.metrics.Histogram;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.api.metrics.Sample;

class MetricMBeansTest {

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final MetricsCollector collector = new MetricsCollector(Clock.systemUTC());
    private final MetricMBeans mbeans = new MetricMBeans(server, collector);

    @AfterEach
    void release() {
        mbeans.close();
    }

    private void sync() {
        mbeans.sync(collector.collect().stream().map(Metric::name).toList());
    }

    @Test
    void attributesAreTheSamplesReadAtReadTime() throws Exception {
        AtomicLong naks = new AtomicLong(3);
        collector.add(() -> List.of(new Metric("dtm_server_naks_total", "", Metric.Type.COUNTER,
                List.of(Sample.of(Map.of("reason", "no_lease"), naks.get()))), PrometheusTextTest.GAUGE), "server");
        sync();

        assertEquals(3.0, server.getAttribute(MetricMBeans.objectName("dtm_server_naks_total"), "no_lease"));
        naks.set(7);
        assertEquals(7.0, server.getAttribute(MetricMBeans.objectName("dtm_server_naks_total"), "no_lease"));
        assertEquals(1.0, server.getAttribute(MetricMBeans.objectName("dtm_agent_tunnel_up"), "value"));
        assertEquals(List.of("no_lease"), Arrays.stream(server.getMBeanInfo(MetricMBeans.objectName("dtm_server_naks_total"))
                .getAttributes()).map(MBeanAttributeInfo::getName).toList());
        assertThrows(AttributeNotFoundException.class,
                () -> server.getAttribute(MetricMBeans.objectName("dtm_server_naks_total"), "bad_mac"));
    }

    @Test
    void aHistogramGivesCountSumAndQuantiles() throws Exception {
        collector.add(() -> List.of(PrometheusTextTest.HISTOGRAM), "server");
        sync();

        var name = MetricMBeans.objectName("dtm_server_request_seconds");
        assertEquals(4.0, server.getAttribute(name, "establish,count"));
        assertEquals(1.5, server.getAttribute(name, "establish,sum"));
        // 2 of 4 at or below 10 ms: the median is the top of the first bucket
        assertEquals(0.01, (Double) server.getAttribute(name, "establish,p50"), 1e-12);
        // rank 3.96 falls in +Inf: the last finite bound
        assertEquals(0.1, (Double) server.getAttribute(name, "establish,p99"), 1e-12);
    }

    @Test
    void quantileInterpolatesWithinTheBucket() {
        Histogram h = new Histogram(new double[] {1, 2}, new long[] {0, 10, 0}, 15);
        assertEquals(1.5, MetricAttributes.quantile(h, 0.5), 1e-12);
        assertEquals(1.99, MetricAttributes.quantile(h, 0.99), 1e-12);
        assertTrue(Double.isNaN(MetricAttributes.quantile(new Histogram(new double[] {1}, new long[] {0, 0}, 0), 0.5)));
    }

    @Test
    void mbeansFollowTheSources() {
        MetricSource agent = () -> List.of(PrometheusTextTest.GAUGE);
        collector.add(agent, "agent");
        collector.add(() -> List.of(PrometheusTextTest.COUNTER), "server");
        sync();
        assertTrue(server.isRegistered(MetricMBeans.objectName("dtm_agent_tunnel_up")));

        collector.remove(agent);
        sync();

        assertFalse(server.isRegistered(MetricMBeans.objectName("dtm_agent_tunnel_up")));
        assertTrue(server.isRegistered(MetricMBeans.objectName("dtm_server_naks_total")));
        mbeans.close();
        assertFalse(server.isRegistered(MetricMBeans.objectName("dtm_server_naks_total")));
    }

    @Test
    void aFailingSourceLeavesTheOthersReadable() throws Exception {
        collector.add(() -> List.of(PrometheusTextTest.GAUGE), "agent");
        collector.add(() -> {
            throw new IllegalStateException("boom");
        }, "broken");
        sync();

        assertEquals(1.0, server.getAttribute(MetricMBeans.objectName("dtm_agent_tunnel_up"), "value"));
    }
}
