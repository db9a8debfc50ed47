package net.dtm.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import net.dtm.api.metrics.Histogram;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.Sample;

class PrometheusTextTest {

    static final Metric COUNTER = new Metric("dtm_server_naks_total", "NAKs sent by reason", Metric.Type.COUNTER,
            List.of(Sample.of(Map.of("reason", "no_lease"), 3), Sample.of(Map.of("reason", "bad_mac"), 1)));
    static final Metric GAUGE = Metric.single("dtm_agent_tunnel_up", "1 while the tunnel is established", Metric.Type.GAUGE, 1);
    static final Metric HISTOGRAM = new Metric("dtm_server_request_seconds", "Request handling time", Metric.Type.HISTOGRAM,
            List.of(Sample.of(Map.of("type", "establish"), new Histogram(new double[] {0.01, 0.1}, new long[] {2, 1, 1}, 1.5))));

    @Test
    void writesCounterGaugeAndHistogramInTextFormat() {
        String text = new String(new PrometheusText().write(List.of(COUNTER, GAUGE, HISTOGRAM)), StandardCharsets.UTF_8);
        assertEquals("""
                # HELP dtm_agent_tunnel_up 1 while the tunnel is established
                # TYPE dtm_agent_tunnel_up gauge
                dtm_agent_tunnel_up 1.0
                # HELP dtm_server_naks_total NAKs sent by reason
                # TYPE dtm_server_naks_total counter
                dtm_server_naks_total{reason="bad_mac"} 1.0
                dtm_server_naks_total{reason="no_lease"} 3.0
                # HELP dtm_server_request_seconds Request handling time
                # TYPE dtm_server_request_seconds histogram
                dtm_server_request_seconds_bucket{type="establish",le="0.01"} 2
                dtm_server_request_seconds_bucket{type="establish",le="0.1"} 3
                dtm_server_request_seconds_bucket{type="establish",le="+Inf"} 4
                dtm_server_request_seconds_count{type="establish"} 4
                dtm_server_request_seconds_sum{type="establish"} 1.5
                """, text);
    }

    @Test
    void escapesLabelValues() {
        Metric m = new Metric("dtm_pool_free", "", Metric.Type.GAUGE, List.of(Sample.of(Map.of("pool", "a\"b"), 2)));
        String text = new String(new PrometheusText().write(List.of(m)), StandardCharsets.UTF_8);
        assertEquals(true, text.contains("dtm_pool_free{pool=\"a\\\"b\"} 2.0"), text);
    }
}
