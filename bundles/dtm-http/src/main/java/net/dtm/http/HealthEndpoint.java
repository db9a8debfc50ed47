package net.dtm.http;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import net.dtm.api.Health;
import net.dtm.api.HealthService;
import net.dtm.api.http.HttpEndpoint;
import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpRequest;
import net.dtm.api.http.HttpResponse;

/**
 * {@value #PREFIX}{@code /live}: 200 {@code {"status":"UP"}} while the process serves;
 * {@value #PREFIX}{@code /ready}: 200 when {@link Health.Report#ready() ready}, else 503, with the report.
 * Public; GET and HEAD only.
 */
final class HealthEndpoint implements HttpEndpoint {

    static final String PREFIX = "/health";

    private final Supplier<? extends Collection<HealthService>> services;

    HealthEndpoint(Supplier<? extends Collection<HealthService>> services) {
        this.services = services;
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        List<String> rest = request.segmentsAfter(PREFIX);
        if (rest.size() != 1 || !(rest.get(0).equals("live") || rest.get(0).equals("ready"))) {
            throw HttpProblem.notFound("health endpoints are " + PREFIX + "/live and " + PREFIX + "/ready");
        }
        if (!Authenticator.readOnly(request.method())) {
            return ProblemJson.response(HttpProblem.methodNotAllowed(request.method()), Map.of("Allow", "GET, HEAD"));
        }
        if (rest.get(0).equals("live")) {
            return answer(200, Map.of("status", "UP"));
        }
        Health.Report report = HealthReport.of(services.get());
        return answer(report.ready() ? 200 : 503, report.document());
    }

    private static HttpResponse answer(int status, Object document) {
        return new HttpResponse(status, "application/json", Json.bytes(document), Map.of("Cache-Control", "no-store"));
    }
}
