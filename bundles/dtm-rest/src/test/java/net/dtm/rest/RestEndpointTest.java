package net.dtm.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.DtmException;
import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpRequest;
import net.dtm.api.http.HttpResponse;

class RestEndpointTest {

    private static HttpRequest request(String method, String path) {
        return new HttpRequest(method, path, Map.of(), Map.of(), null, Optional.empty(), "test");
    }

    private final RestEndpoint endpoint = new RestEndpoint("/api/v1/things", false, List.of(
            Route.get("/api/v1/things/{id}", c -> HttpResponse.text(200, "text/plain", "id " + c.path("id"))),
            Route.post("/api/v1/things/special", c -> HttpResponse.text(200, "text/plain", "special")),
            Route.delete("/api/v1/things/{id}", c -> {
                throw new DtmException(DtmException.Reason.POOL_EXHAUSTED, "full");
            })));

    @Test
    void aLiteralSegmentWinsOverAPlaceholderOfTheSameMethod() {
        assertEquals("special", new String(endpoint.handle(request("POST", "/api/v1/things/special")).body()));
        assertEquals("id special", new String(endpoint.handle(request("GET", "/api/v1/things/special")).body()));
    }

    @Test
    void headIsServedAsGet() {
        assertEquals(200, endpoint.handle(request("HEAD", "/api/v1/things/7")).status());
    }

    @Test
    void aWrongMethodNamesTheAllowedOnes() {
        HttpProblem p = assertThrows(HttpProblem.class, () -> endpoint.handle(request("PUT", "/api/v1/things/7")));
        assertEquals(405, p.status());
        assertEquals("PUT is not allowed on /api/v1/things/7; allowed: DELETE, GET", p.detail());
    }

    @Test
    void anUnknownPathIsNotFound() {
        assertEquals(404, assertThrows(HttpProblem.class, () -> endpoint.handle(request("GET", "/api/v1/things"))).status());
        assertEquals(404, assertThrows(HttpProblem.class,
                () -> endpoint.handle(request("GET", "/api/v1/things/7/more"))).status());
    }

    @Test
    void aServiceRefusalBecomesAProblemWithItsReason() {
        HttpProblem p = assertThrows(HttpProblem.class, () -> endpoint.handle(request("DELETE", "/api/v1/things/7")));
        assertEquals(409, p.status());
        assertEquals("full (pool-exhausted)", p.detail());
    }

    @Test
    void refusesARouteOutsideItsPrefix() {
        assertThrows(IllegalArgumentException.class, () -> new RestEndpoint("/api/v1/a", false,
                List.of(Route.get("/api/v1/ab", c -> HttpResponse.noContent()))));
    }
}
