package net.dtm.http;

import java.util.LinkedHashMap;
import java.util.Map;

import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpResponse;

/** An {@link HttpProblem} as an RFC 9457 {@code application/problem+json} response. */
final class ProblemJson {

    static final String CONTENT_TYPE = "application/problem+json";

    private ProblemJson() {
    }

    static HttpResponse response(HttpProblem problem) {
        return response(problem, Map.of());
    }

    static HttpResponse response(HttpProblem problem, Map<String, String> headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", problem.title());
        body.put("status", problem.status());
        body.put("detail", problem.detail());
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Cache-Control", "no-store");
        return new HttpResponse(problem.status(), CONTENT_TYPE, Json.bytes(body), h);
    }
}
