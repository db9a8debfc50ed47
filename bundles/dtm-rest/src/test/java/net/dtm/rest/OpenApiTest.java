package net.dtm.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import net.dtm.api.NodeState;

/** The OpenAPI document against the real routes: every documented operation is routed and every route documented. */
class OpenApiTest extends RestTestSupport {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private JsonNode document() throws Exception {
        return Json.MAPPER.readTree(new OpenApi().document());
    }

    /** "METHOD /template" of every documented operation. */
    private Set<String> documented() throws Exception {
        Set<String> out = new TreeSet<>();
        JsonNode paths = document().get("paths");
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            for (Iterator<String> m = path.getValue().fieldNames(); m.hasNext(); ) {
                String method = m.next();
                if (METHODS.contains(method)) {
                    out.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        return out;
    }

    private Set<String> routed() {
        Set<String> out = new TreeSet<>();
        api.endpoints().forEach(e -> e.routes().forEach(r -> out.add(r.method() + " " + r.template())));
        return out;
    }

    @Test
    void isAnOpenApi30DocumentServedWithoutAKey() throws Exception {
        assertTrue(document().get("openapi").asText().startsWith("3.0."));
        Answer a = get("/api/v1/openapi.json");
        assertEquals(200, a.status());
        assertEquals(document(), a.json());
        RestEndpoint openApi = api.endpoints().stream().filter(e -> e.prefix().equals(OpenApi.PATH)).findFirst().orElseThrow();
        assertTrue(openApi.open());
        assertEquals(1, api.endpoints().stream().filter(RestEndpoint::open).count(), "only the document is public");
        assertTrue(document().at("/paths/~1api~1v1~1openapi.json/get/security").isArray());
    }

    @Test
    void documentsExactlyTheRoutes() throws Exception {
        assertEquals(routed(), documented());
    }

    @Test
    void everyDocumentedOperationIsAnsweredByItsRoute() throws Exception {
        cluster.add("node-a", NodeState.ACTIVE, true);
        services.cluster().set(cluster);
        Map<String, String> samples = Map.of("{name}", "demo", "{pool}", "demo", "{lease}", "smr-1", "{device}", "smr-1",
                "{id}", "smr-1");
        for (String operation : documented()) {
            String method = operation.substring(0, operation.indexOf(' '));
            String path = operation.substring(operation.indexOf(' ') + 1);
            for (Map.Entry<String, String> s : samples.entrySet()) {
                path = path.replace(s.getKey(), s.getValue());
            }
            String concrete = path.startsWith("/api/v1/nodes/") ? path.replace("smr-1", "node-a") : path;
            assertFalse(concrete.contains("{"), concrete);
            Optional<RestEndpoint> endpoint = api.endpoints().stream()
                    .filter(e -> concrete.equals(e.prefix()) || concrete.startsWith(e.prefix() + "/"))
                    .max(java.util.Comparator.comparingInt(e -> e.prefix().length()));
            assertTrue(endpoint.isPresent() && endpoint.get().route(method, concrete).isPresent(), "not routed: " + operation);
            Answer a = call(method, concrete, null, null);
            assertFalse(a.status() == 405 || a.status() >= 500 && a.status() != 503 || a.status() == 404
                    && a.detail().startsWith("no such resource"), operation + " answered " + a);
            assertNotEquals(0, a.status());
        }
    }

    @Test
    void theTimelineSampleSchemaNamesEveryFieldATimelineSampleHas() throws Exception {
        api.timeline().sample();
        Answer a = get("/api/v1/timeline");
        assertEquals(200, a.status());
        Set<String> served = new TreeSet<>();
        a.json().get(0).fieldNames().forEachRemaining(served::add);
        Set<String> documented = new TreeSet<>();
        document().at("/components/schemas/TimelineSample/properties").fieldNames().forEachRemaining(documented::add);
        assertEquals(documented, served);
        assertTrue(documented.containsAll(Set.of("establishP50Ms", "agentEstablishP50Ms", "agentEstablishP99Ms")));
    }
}
