package net.dtm.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeEach;

import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpRequest;
import net.dtm.api.http.HttpResponse;
import net.dtm.api.fakes.FakeAgent;
import net.dtm.api.fakes.FakeCluster;
import net.dtm.api.fakes.FakeDevices;
import net.dtm.api.fakes.FakeLinks;
import net.dtm.api.fakes.FakePools;
import net.dtm.api.fakes.FakeServer;

/**
 * The API over fakes, called as the HTTP server would: the longest registered prefix picks the
 * endpoint, a problem becomes its status and JSON. Pool {@code demo} (10.64.0.0/16) has smr-1
 * bound on .2 and smr-2 locked on .3; devices smr-1 and smr-2 are enrolled.
 */
abstract class RestTestSupport {

    final FakePools pools = new FakePools();
    final FakeDevices devices = new FakeDevices();
    final FakeCluster cluster = new FakeCluster();
    final FakeServer server = new FakeServer();
    final FakeAgent agent = new FakeAgent();
    final FakeLinks links = new FakeLinks();
    final Services services = new Services();
    RestApi api;

    /** An answer: status, content type and the body as JSON (null if empty). */
    record Answer(int status, String contentType, JsonNode json, Map<String, String> headers) {
        String detail() {
            return json.path("detail").asText();
        }
    }

    @BeforeEach
    void wire() throws Exception {
        pools.createPool(Pool.of("demo", "10.64.0.0/16", 3600));
        pools.addLease("demo", "smr-1", "10.64.0.2", LeaseState.BOUND, 7);
        pools.addLease("demo", "smr-2", "10.64.0.3", LeaseState.LOCKED, 1);
        pools.changes = 0;
        devices.enroll(net.dtm.api.DeviceId.of("smr-1"));
        devices.enroll(net.dtm.api.DeviceId.of("smr-2"));
        devices.changes = 0;
        services.pools().set(pools);
        services.devices().set(devices);
        api = new RestApi(services, Clock.fixed(FakePools.NOW, ZoneOffset.UTC));
    }

    Answer get(String path, String... query) {
        return call("GET", path, null, null, query);
    }

    Answer post(String path, String json, String... query) {
        return call("POST", path, json, "application/json", query);
    }

    Answer put(String path, String json) {
        return call("PUT", path, json, "application/json");
    }

    Answer delete(String path, String... query) {
        return call("DELETE", path, null, null, query);
    }

    /** Calls the endpoint the server would pick; {@code query} is name, value, name, value... */
    Answer call(String method, String path, String body, String contentType, String... query) {
        Map<String, List<String>> params = new HashMap<>();
        for (int i = 0; i < query.length; i += 2) {
            params.computeIfAbsent(query[i], k -> new ArrayList<>()).add(query[i + 1]);
        }
        Map<String, List<String>> headers = contentType == null ? Map.of() : Map.of("Content-Type", List.of(contentType));
        HttpRequest request = new HttpRequest(method, path, params, headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), Optional.empty(), "test");
        Optional<RestEndpoint> endpoint = api.endpoints().stream()
                .filter(e -> path.equals(e.prefix()) || path.startsWith(e.prefix() + "/"))
                .max(Comparator.comparingInt(e -> e.prefix().length()));
        try {
            if (endpoint.isEmpty()) {
                throw HttpProblem.notFound("no endpoint for " + path);
            }
            HttpResponse r = endpoint.get().handle(request);
            JsonNode json = r.body().length == 0 ? null : Json.MAPPER.readTree(r.body());
            return new Answer(r.status(), r.contentType(), json, r.headers());
        } catch (HttpProblem p) {
            return new Answer(p.status(), "application/problem+json",
                    Json.MAPPER.createObjectNode().put("title", p.title()).put("status", p.status()).put("detail", p.detail()),
                    Map.of());
        } catch (java.io.IOException e) {
            throw new AssertionError("the answer is not JSON", e);
        }
    }

    /** A refused call: its status, and nothing changed in the pools or the devices; returns the detail. */
    String refused(int status, Answer answer) {
        assertEquals(status, answer.status(), () -> "answer " + answer);
        assertEquals("application/problem+json", answer.contentType());
        assertEquals(0, pools.changes, "a refused request changed the pools");
        assertEquals(0, devices.changes, "a refused request changed the devices");
        return answer.detail();
    }

    static void assertContains(String text, String... expected) {
        for (String x : expected) {
            assertTrue(text.contains(x), "'" + x + "' in: " + text);
        }
    }
}
