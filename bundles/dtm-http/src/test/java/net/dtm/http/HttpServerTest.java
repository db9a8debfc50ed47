package net.dtm.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import net.dtm.api.ApiKey;
import net.dtm.api.Health;
import net.dtm.api.http.HttpEndpoint;
import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpRequest;

/** The server over a real socket with fake endpoints: routing, authentication, roles, problems, limits, health. */
class HttpServerTest {

    @TempDir
    Path dir;

    private ServedNode node;
    private String admin;
    private String viewer;
    private final AtomicReference<HttpRequest> seen = new AtomicReference<>();

    /** Answers with the prefix it serves, and remembers the request. */
    private HttpEndpoint echo(String name) {
        return request -> {
            seen.set(request);
            return net.dtm.api.http.HttpResponse.text(200, "text/plain", name);
        };
    }

    @BeforeEach
    void start() throws IOException {
        node = new ServedNode(dir, 1024);
        admin = node.keys.create(ApiKey.Role.ADMIN, "admin", Optional.empty()).secret();
        viewer = node.keys.create(ApiKey.Role.VIEWER, "viewer", Optional.empty()).secret();
        node.serve("/api", false, echo("api"));
        node.serve("/api/v1/pools", false, echo("pools"));
        node.serve("/static", true, echo("static"));
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private String bearer(String key) {
        return "Bearer " + key;
    }

    @Test
    void theLongestWholeSegmentPrefixServes() throws Exception {
        assertEquals("pools", node.get("/api/v1/pools", "Authorization", bearer(viewer)).body());
        assertEquals("pools", node.get("/api/v1/pools/edge-1/stats", "Authorization", bearer(viewer)).body());
        assertEquals("api", node.get("/api/v1/poolsx", "Authorization", bearer(viewer)).body());
        assertEquals("api", node.get("/api", "Authorization", bearer(viewer)).body());
        assertEquals("static", node.get("/static/app.js").body());
    }

    @Test
    void theEndpointSeesTheDecodedRequestAndItsCaller() throws Exception {
        HttpResponse<String> r = node.send("POST", "/api/v1/pools/a%20b?x=1&x=2&name=%C3%A9t%C3%A9&flag",
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8), "X-API-Key", admin, "Content-Type", "application/json");
        assertEquals(200, r.statusCode());
        HttpRequest req = seen.get();
        assertEquals("POST", req.method());
        assertEquals("/api/v1/pools/a b", req.path());
        assertEquals(List.of("1", "2"), req.query().get("x"));
        assertEquals(Optional.of("été"), req.param("name"));
        assertEquals(Optional.of(""), req.param("flag"));
        assertEquals("{\"a\":1}", req.bodyText());
        assertEquals(Optional.of("application/json"), req.header("content-type"));
        assertEquals("admin", req.caller().orElseThrow().label());
        assertEquals(Optional.empty(), req.header("X-API-Key"), "the key is not handed on");
        assertEquals(List.of("a b"), req.segmentsAfter("/api/v1/pools"));
        assertTrue(req.remote().startsWith("127.0.0.1:"));
    }

    @Test
    void nothingServedIsA404Problem() throws Exception {
        HttpResponse<String> r = node.get("/nothing/here");
        assertProblem(r, 404, "Not found");
        assertEquals("nothing is served at /nothing/here", ServedNode.json(r).get("detail").asText());
    }

    @Test
    void withoutAKeyOrWithABadOneIs401WithAChallenge() throws Exception {
        for (String[] headers : List.of(new String[0], new String[] {"Authorization", "Bearer dtmak1-nope"},
                new String[] {"Authorization", "Basic YWRtaW46YWRtaW4="}, new String[] {"X-API-Key", admin + "x"})) {
            HttpResponse<String> r = node.get("/api/v1/pools", headers);
            assertProblem(r, 401, "Unauthorized");
            assertEquals(Optional.of("Bearer realm=\"dtm\""), ServedNode.header(r, "WWW-Authenticate"));
        }
        assertEquals(null, seen.get(), "the endpoint was not called");
    }

    @Test
    void aRevokedKeyIs401() throws Exception {
        node.keys.revoke(node.keys.authenticate(viewer).orElseThrow().id());
        assertProblem(node.get("/api", "Authorization", bearer(viewer)), 401, "Unauthorized");
    }

    @Test
    void aViewerReadsButChangesNothing() throws Exception {
        assertEquals(200, node.get("/api/v1/pools", "Authorization", bearer(viewer)).statusCode());
        assertEquals(Optional.empty(), seen.get().header("Authorization"), "the key is not handed on");
        assertEquals(200, node.send("HEAD", "/api/v1/pools", null, "Authorization", bearer(viewer)).statusCode());
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            HttpResponse<String> r = node.send(method, "/api/v1/pools", new byte[0], "Authorization", bearer(viewer));
            assertProblem(r, 403, "Forbidden");
        }
        assertEquals(200, node.send("DELETE", "/api/v1/pools/x", new byte[0], "Authorization", bearer(admin)).statusCode());
    }

    @Test
    void changesAreAuditedWithTheKeyIdNeverTheKeyOrBody() throws Exception {
        String id = node.keys.authenticate(admin).orElseThrow().id();
        node.send("POST", "/api/v1/pools", "{\"name\":\"p-secret-body\"}".getBytes(StandardCharsets.UTF_8),
                "Authorization", bearer(admin));
        node.send("DELETE", "/api/v1/pools/x", new byte[0], "Authorization", bearer(viewer));
        node.send("PUT", "/api", new byte[0]);
        node.get("/api", "Authorization", bearer(viewer));
        node.send("HEAD", "/api", null, "Authorization", bearer(viewer));

        String viewerId = node.keys.authenticate(viewer).orElseThrow().id();
        assertEquals(List.of("http POST /api/v1/pools -> 200 key=" + id,
                        "http DELETE /api/v1/pools/x -> 403 key=" + viewerId,
                        "http PUT /api -> 401 key=-"),
                node.audit.stream().map(line -> line.substring(0, line.indexOf(" remote="))).toList(),
                "reads are not audited; refused changes are");
        for (String line : node.audit) {
            assertFalse(line.contains(admin) || line.contains(viewer) || line.contains("p-secret-body"), line);
            assertTrue(line.contains(" remote=127.0.0.1:"), line);
        }
    }

    @Test
    void headAnswersWithoutABody() throws Exception {
        HttpResponse<String> r = node.send("HEAD", "/static/x", null);
        assertEquals(200, r.statusCode());
        assertEquals("", r.body());
    }

    @Test
    void problemsOfEndpointsAreProblemJsonAndOtherFailuresHideTheirCause() throws Exception {
        node.serve("/bad", true, request -> {
            throw HttpProblem.methodNotAllowed(request.method());
        });
        node.serve("/broken", true, request -> {
            throw new IllegalStateException("secret internals");
        });
        HttpResponse<String> r = node.send("PUT", "/bad", new byte[0]);
        assertProblem(r, 405, "Method not allowed");
        assertEquals("PUT is not allowed here", ServedNode.json(r).get("detail").asText());

        HttpResponse<String> broken = node.get("/broken");
        assertProblem(broken, 500, "Internal error");
        assertFalse(broken.body().contains("secret internals"));
    }

    @Test
    void aBodyOverTheLimitIs413WithOrWithoutLength() throws Exception {
        byte[] big = new byte[1025];
        assertProblem(node.send("POST", "/api", big, "Authorization", bearer(admin)), 413, "Content too large");
        assertProblem(node.sendChunked("POST", "/api", big, "Authorization", bearer(admin)), 413, "Content too large");
        assertEquals(null, seen.get());
        assertEquals(200, node.sendChunked("POST", "/api", new byte[1024], "Authorization", bearer(admin)).statusCode());
        assertEquals(1024, seen.get().body().length);
    }

    @Test
    void aKeyIsCheckedBeforeTheBodyIsRead() throws Exception {
        assertProblem(node.send("POST", "/api", new byte[4096]), 401, "Unauthorized");
    }

    @Test
    void dotSegmentsAreRefused() throws Exception {
        assertProblem(node.get("/static/%2e%2e/api"), 400, "Bad request");
    }

    @Test
    void liveIsUpAndReadyNeedsEveryHealthServiceReady() throws Exception {
        HttpResponse<String> live = node.get("/health/live");
        assertEquals(200, live.statusCode());
        assertEquals("UP", ServedNode.json(live).get("status").asText());

        HttpResponse<String> none = node.get("/health/ready");
        assertEquals(503, none.statusCode(), "nothing registered: not ready");
        assertEquals("NOT_READY", ServedNode.json(none).get("status").asText());

        node.health.add(() -> new Health("server", List.of(new Health.Check("store", true, "derby"),
                new Health.Check("draining", true, ""))));
        HttpResponse<String> ready = node.get("/health/ready");
        assertEquals(200, ready.statusCode());
        JsonNode doc = ServedNode.json(ready);
        assertEquals("READY", doc.get("status").asText());
        assertEquals("server", doc.get("components").get(0).get("component").asText());
        assertEquals("derby", doc.get("components").get(0).get("checks").get(0).get("detail").asText());
        assertEquals(Optional.of("application/json"), ServedNode.header(ready, "Content-Type"));

        node.health.add(() -> new Health("agent", List.of(new Health.Check("links", false, "no usable link"))));
        HttpResponse<String> notReady = node.get("/health/ready");
        assertEquals(503, notReady.statusCode());
        JsonNode agent = ServedNode.json(notReady).get("components").get(1);
        assertFalse(agent.get("ready").asBoolean());
        assertEquals("no usable link", agent.get("checks").get(0).get("detail").asText());

        node.health.clear();
        node.health.add(() -> {
            throw new IllegalStateException("boom");
        });
        assertEquals(503, node.get("/health/ready").statusCode());
    }

    @Test
    void healthAnswersOnlyGetAndHeadAndItsTwoPaths() throws Exception {
        HttpResponse<String> post = node.send("POST", "/health/ready", new byte[0]);
        assertProblem(post, 405, "Method not allowed");
        assertEquals(Optional.of("GET, HEAD"), ServedNode.header(post, "Allow"));
        assertProblem(node.get("/health/other"), 404, "Not found");
        assertProblem(node.get("/health"), 404, "Not found");
    }

    @Test
    void theEndpointsOwnAccessAloneDecidesWhetherAKeyIsNeeded() throws Exception {
        node.serve("/open", true, echo("open"));
        node.serve("/closed", false, echo("closed"));
        assertEquals("open", node.get("/open").body());
        assertProblem(node.get("/closed"), 401, "Unauthorized");
        assertEquals("closed", node.get("/closed", "Authorization", bearer(viewer)).body());
        assertEquals(200, node.get("/health/live").statusCode(), "health stays public");
    }

    @Test
    void aTakenPortIsABindError() throws Exception {
        HttpSettings same = HttpSettings.of("127.0.0.1", node.host.port(), false, "", "", "", 1024, 1, dir.toString());
        assertThrows(BindException.class, () -> HttpServerHost.start(same, exchange -> exchange.close()));
        assertEquals(200, node.get("/health/live").statusCode(), "the first keeps serving");
    }

    static void assertProblem(HttpResponse<String> r, int status, String title) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(Optional.of("application/problem+json"), ServedNode.header(r, "Content-Type"));
        JsonNode doc = ServedNode.json(r);
        assertEquals(Map.of("type", "about:blank", "title", title, "status", status),
                Map.of("type", doc.get("type").asText(), "title", doc.get("title").asText(), "status",
                        doc.get("status").asInt()));
        assertFalse(doc.get("detail").asText().isEmpty());
    }
}
