package net.dtm.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import net.dtm.api.Pool;

class PoolsResourceTest extends RestTestSupport {

    @Test
    void listsPoolsWithTheirStats() {
        Answer a = get("/api/v1/pools");
        assertEquals(200, a.status());
        assertEquals("demo", a.json().at("/items/0/name").asText());
        assertEquals("10.64.0.0/16", a.json().at("/items/0/prefix").asText());
        assertEquals(1, a.json().at("/items/0/stats/bound").asLong());
        assertEquals(1, a.json().at("/items/0/stats/locked").asLong());
    }

    @Test
    void createsAPoolWithEveryField() {
        Answer a = post("/api/v1/pools", """
                {"name":"edge","prefix":"2001:db8:100::/48","leaseSeconds":600,"delegatedLength":64,
                 "exclude":["2001:db8:100:ff::-2001:db8:100:ff::ffff"],"devices":["bus-*"],"tunnelTypes":["vxlan","gre"]}""");
        assertEquals(201, a.status(), () -> a.toString());
        assertEquals("/api/v1/pools/edge", a.headers().get("Location"));
        Pool created = pools.pool("edge").orElseThrow();
        assertEquals(64, created.delegatedLength());
        assertEquals(600, created.leaseSeconds());
        assertEquals(1, created.excluded().size());
        assertEquals("[bus-*]", created.devicePatterns().toString());
        assertEquals("[gre, vxlan]", a.json().get("tunnelTypes").toString().replace("\"", "").replace(",", ", "));
        assertEquals("/64 prefix", a.json().get("handsOut").asText());
    }

    @Test
    void createDefaultsTheLeaseTime() {
        assertEquals(201, post("/api/v1/pools", "{\"name\":\"p2\",\"prefix\":\"10.65.0.0/24\"}").status());
        assertEquals(PoolsResource.DEFAULT_LEASE_SECONDS, pools.pool("p2").orElseThrow().leaseSeconds());
    }

    @Test
    void createRefusesMalformedJson() {
        assertContains(refused(400, post("/api/v1/pools", "{\"name\":\"p2\",")), "malformed JSON");
        assertContains(refused(400, post("/api/v1/pools", "")), "a JSON body is required");
        assertContains(refused(400, post("/api/v1/pools", "[1]")), "must be a JSON object");
        assertContains(refused(400, post("/api/v1/pools", "{\"name\":\"a\"} {}")), "malformed JSON");
        assertContains(refused(400, post("/api/v1/pools", "{\"name\":\"a\",\"name\":\"b\",\"prefix\":\"10.65.0.0/24\"}")),
                "malformed JSON", "name");
    }

    @Test
    void createRefusesBadFields() {
        assertContains(refused(400, post("/api/v1/pools", "{\"name\":\"p2\",\"prefix\":\"10.65.0.0/24\",\"lease\":60}")),
                "unknown field lease", "leaseSeconds");
        assertContains(refused(400, post("/api/v1/pools", "{\"prefix\":\"10.65.0.0/24\"}")), "'name' is required");
        assertContains(refused(400, post("/api/v1/pools", "{\"name\":\"p2\"}")), "'prefix' is required");
        assertContains(refused(400, post("/api/v1/pools", "{\"name\":7,\"prefix\":\"10.65.0.0/24\"}")),
                "'name' must be a string, got a number");
        assertContains(refused(400, post("/api/v1/pools", "{\"name\":\"p2\",\"prefix\":\"10.65.0.0/24\",\"leaseSeconds\":\"60\"}")),
                "'leaseSeconds' must be an integer");
        assertContains(refused(400, post("/api/v1/pools", "{\"name\":\"p2\",\"prefix\":\"10.65.0.0/24\",\"leaseSeconds\":1e12}")),
                "'leaseSeconds' must be an integer");
        assertContains(refused(400, post("/api/v1/pools", "{\"name\":\"p2\",\"prefix\":\"10.65.0.0/24\",\"exclude\":\"10.65.0.9\"}")),
                "'exclude' must be an array of strings");
        assertContains(refused(400, post("/api/v1/pools", "{\"name\":\"p2\",\"prefix\":\"10.65.0.0/24\",\"devices\":[1]}")),
                "'devices' must be an array of strings");
    }

    @Test
    void createRefusesWhatThePoolRefusesWithItsMessage() {
        assertContains(refused(400, post("/api/v1/pools", "{\"name\":\"bad name\",\"prefix\":\"10.65.0.0/24\"}")),
                "invalid pool name 'bad name'");
        assertEquals("Pool not created", post("/api/v1/pools", "{\"name\":\"bad name\",\"prefix\":\"10.65.0.0/24\"}")
                .json().get("title").asText());
        refused(400, post("/api/v1/pools", "{\"name\":\"p2\",\"prefix\":\"10.65.0.0/33\"}"));
        refused(400, post("/api/v1/pools", "{\"name\":\"p2\",\"prefix\":\"not-a-prefix\"}"));
        assertContains(refused(400, post("/api/v1/pools", "{\"name\":\"p2\",\"prefix\":\"10.65.0.0/24\",\"leaseSeconds\":5}")),
                "lease time 5 s outside 60..604800");
        assertContains(refused(400, post("/api/v1/pools", "{\"name\":\"p2\",\"prefix\":\"10.65.0.0/24\",\"delegatedLength\":64}")),
                "IPv4 pools hand out single addresses");
        assertContains(refused(400, post("/api/v1/pools",
                "{\"name\":\"p2\",\"prefix\":\"10.65.0.0/24\",\"exclude\":[\"10.66.0.1\"]}")), "is not inside");
        assertContains(refused(400, post("/api/v1/pools",
                "{\"name\":\"p2\",\"prefix\":\"10.65.0.0/24\",\"tunnelTypes\":[\"ppp\"]}")), "unknown tunnel type 'ppp'");
        assertContains(refused(400, post("/api/v1/pools",
                "{\"name\":\"p2\",\"prefix\":\"10.65.0.0/24\",\"devices\":[\"bad pattern\"]}")), "invalid device pattern");
    }

    @Test
    void createRefusesAnOverlappingPrefixOrAnExistingName() {
        assertContains(refused(409, post("/api/v1/pools", "{\"name\":\"p2\",\"prefix\":\"10.64.128.0/24\"}")),
                "overlaps pool demo");
        assertContains(refused(409, post("/api/v1/pools", "{\"name\":\"demo\",\"prefix\":\"10.99.0.0/24\"}")), "demo exists");
    }

    @Test
    void showsOnePoolAndItsStats() {
        Answer a = get("/api/v1/pools/demo");
        assertEquals(200, a.status());
        assertEquals("10.64.0.1", a.json().get("gateway").asText());
        assertEquals("10.64.0.2", a.json().get("firstAssignable").asText());
        assertEquals(65533, a.json().at("/stats/capacity").asLong());
        Answer s = get("/api/v1/pools/demo/stats");
        assertEquals(2, s.json().get("used").asLong());
        assertEquals(65531, s.json().get("free").asLong());
    }

    @Test
    void anUnknownPoolIsNotFound() {
        assertEquals("no pool named 'nope'", refused(404, get("/api/v1/pools/nope")));
        assertEquals("Pool not found", get("/api/v1/pools/nope").json().get("title").asText());
        refused(404, get("/api/v1/pools/nope/stats"));
        refused(404, delete("/api/v1/pools/nope"));
    }

    @Test
    void deleteRefusesWhileDevicesHoldLeasesUnlessForced() {
        assertEquals("demo has 2 active leases (1 bound, 1 locked); use force=true to delete it anyway",
                refused(409, delete("/api/v1/pools/demo")));
        refused(409, delete("/api/v1/pools/demo", "force", "false"));
        refused(400, delete("/api/v1/pools/demo", "force", "yes"));
        Answer a = delete("/api/v1/pools/demo", "force", "true");
        assertEquals(200, a.status());
        assertEquals(2, a.json().get("active").asLong());
        assertTrue(pools.pool("demo").isEmpty());
    }

    @Test
    void deletesAnIdlePool() {
        pools.createPool(Pool.of("idle", "10.70.0.0/24", 3600));
        assertEquals(200, delete("/api/v1/pools/idle").status());
        assertTrue(pools.pool("idle").isEmpty());
    }

    @Test
    void withoutThePoolServiceEveryPoolCallSaysWhatIsMissing() {
        services.pools().unset(pools);
        for (Answer a : new Answer[] {get("/api/v1/pools"), get("/api/v1/pools/demo"), delete("/api/v1/pools/demo"),
                post("/api/v1/pools", "{\"name\":\"p2\",\"prefix\":\"10.65.0.0/24\"}"), get("/api/v1/leases")}) {
            assertEquals("The address pool service is not available on this node (is feature dtm-server installed and started?)",
                    refused(503, a));
        }
    }

    @Test
    void wrongMethodsAndPathsAreRefused() {
        assertContains(refused(405, put("/api/v1/pools/demo", "{}")), "PUT is not allowed on /api/v1/pools/demo",
                "allowed: DELETE, GET");
        refused(404, get("/api/v1/pools/demo/stats/more"));
        refused(404, get("/api/v1/poolsx"));
    }

    @Test
    void aStoreOutageIsServiceUnavailableWithItsReason() {
        pools.failure = new net.dtm.api.DtmException(net.dtm.api.DtmException.Reason.STORE_UNAVAILABLE, "store down");
        assertEquals("store down (store-unavailable)", refused(503, get("/api/v1/pools/demo/stats")));
    }
}
