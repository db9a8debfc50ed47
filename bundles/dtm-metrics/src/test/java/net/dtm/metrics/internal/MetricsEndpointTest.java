package net.dtm.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.http.HttpEndpoint;
import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpRequest;
import net.dtm.api.http.HttpResponse;

class MetricsEndpointTest {

    private static HttpRequest request(String method, String path) {
        return new HttpRequest(method, path, Map.of(), Map.of(), null, Optional.empty(), "127.0.0.1");
    }

    @Test
    void servesEverySourceAsPrometheusTextEvenWithABrokenOne() {
        MetricsCollector collector = new MetricsCollector(Clock.systemUTC());
        collector.add(() -> {
            throw new IllegalStateException("boom");
        }, "broken");
        collector.add(() -> List.of(PrometheusTextTest.GAUGE), "agent");

        HttpResponse r = new MetricsEndpoint(collector::collect).handle(request("GET", "/metrics"));

        assertEquals(200, r.status());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.contentType());
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("\ndtm_agent_tunnel_up 1.0\n"));
    }

    @Test
    void otherMethodsAndPathsAreRefused() {
        MetricsEndpoint endpoint = new MetricsEndpoint(List::of);
        assertEquals(405, assertThrows(HttpProblem.class, () -> endpoint.handle(request("POST", "/metrics"))).status());
        assertEquals(404, assertThrows(HttpProblem.class, () -> endpoint.handle(request("GET", "/metrics/x"))).status());
        assertEquals(200, endpoint.handle(request("HEAD", "/metrics")).status());
    }

    @Test
    void accessIsPublicByDefaultKeyOnRequestAndNothingElse() {
        assertEquals(HttpEndpoint.ACCESS_PUBLIC, MetricsAccess.parse(null));
        assertEquals(HttpEndpoint.ACCESS_PUBLIC, MetricsAccess.parse(" Public "));
        assertEquals(HttpEndpoint.ACCESS_KEY, MetricsAccess.parse("key"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MetricsAccess.parse("viewer"));
        assertEquals("etc/net.dtm.metrics.cfg: access = 'viewer' is not public or key", e.getMessage());
    }
}
