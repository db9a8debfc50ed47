package net.dtm.metrics.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import net.dtm.api.http.HttpEndpoint;
import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpRequest;
import net.dtm.api.http.HttpResponse;
import net.dtm.api.metrics.Metric;

/**
 * Serves {@code GET /metrics}: every source's figures as Prometheus text 0.0.4. Other methods get
 * 405, paths below {@code /metrics} 404.
 */
public final class MetricsEndpoint implements HttpEndpoint {

    /** The path served. */
    public static final String PATH = "/metrics";

    private final Supplier<List<Metric>> metrics;
    private final PrometheusText text = new PrometheusText();

    public MetricsEndpoint(Supplier<List<Metric>> metrics) {
        this.metrics = metrics;
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        if (!request.path().equals(PATH) && !request.path().equals(PATH + "/")) {
            throw HttpProblem.notFound("no metrics at " + request.path() + "; scrape " + PATH);
        }
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            throw HttpProblem.methodNotAllowed(request.method());
        }
        return new HttpResponse(200, PrometheusText.CONTENT_TYPE, text.write(metrics.get()),
                Map.of("Cache-Control", "no-store"));
    }
}
