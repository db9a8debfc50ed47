package net.dtm.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;

class LeasesResourceTest extends RestTestSupport {

    private static List<String> addresses(Answer a) {
        List<String> out = new ArrayList<>();
        for (JsonNode item : a.json().get("items")) {
            out.add(item.get("address").asText());
        }
        return out;
    }

    @Test
    void listsLeasesInAddressOrder() {
        Answer a = get("/api/v1/leases");
        assertEquals(200, a.status());
        assertEquals(List.of("10.64.0.2", "10.64.0.3"), addresses(a));
        assertTrue(a.json().get("next").isNull());
        JsonNode first = a.json().at("/items/0");
        assertEquals("smr-1", first.get("device").asText());
        assertEquals("BOUND", first.get("state").asText());
        assertEquals("10.64.0.2/16", first.get("innerAddress").asText());
        assertEquals(false, first.get("expired").asBoolean());
    }

    @Test
    void pagesWithNextUntilTheLastPage() throws Exception {
        pools.addLease("demo", "smr-3", "10.64.0.4", LeaseState.BOUND, 3);
        Answer one = get("/api/v1/leases", "limit", "2");
        assertEquals(List.of("10.64.0.2", "10.64.0.3"), addresses(one));
        assertEquals("10.64.0.3", one.json().get("next").asText());
        Answer two = get("/api/v1/leases", "limit", "2", "after", "10.64.0.3");
        assertEquals(List.of("10.64.0.4"), addresses(two));
        assertTrue(two.json().get("next").isNull());
        // a page exactly full with nothing after it has no next page
        Answer exact = get("/api/v1/leases", "limit", "3");
        assertEquals(3, addresses(exact).size());
        assertTrue(exact.json().get("next").isNull());
        // after the last lease: an empty page
        Answer empty = get("/api/v1/leases", "after", "10.64.0.4");
        assertEquals(List.of(), addresses(empty));
        assertTrue(empty.json().get("next").isNull());
    }

    @Test
    void limitDefaultsTo100AndIsCappedAt1000() throws Exception {
        get("/api/v1/leases");
        assertEquals(101, pools.queries.get(pools.queries.size() - 1).limit());
        assertEquals(200, get("/api/v1/leases", "limit", "5000").status());
        assertEquals(1001, pools.queries.get(pools.queries.size() - 1).limit());
        assertEquals(200, get("/api/v1/leases", "limit", "1000").status());
        assertEquals(1001, pools.queries.get(pools.queries.size() - 1).limit());
        assertEquals(200, get("/api/v1/leases", "limit", "99999999999999999").status());
    }

    @Test
    void refusesBadPagingAndFilters() {
        assertEquals("'limit' must be at least 1, got 0", refused(400, get("/api/v1/leases", "limit", "0")));
        refused(400, get("/api/v1/leases", "limit", "-3"));
        assertContains(refused(400, get("/api/v1/leases", "limit", "ten")), "'limit' must be a whole number");
        assertContains(refused(400, get("/api/v1/leases", "limit", "999999999999999999999")), "'limit' must be a whole number");
        assertContains(refused(400, get("/api/v1/leases", "after", "10.64.0.999")), "is not an IP address");
        assertContains(refused(400, get("/api/v1/leases", "after", "example.com")), "is not an IP address");
        assertEquals("no pool contains 10.99.0.1 (the 'after' address)", refused(400, get("/api/v1/leases", "after", "10.99.0.1")));
        assertContains(refused(400, get("/api/v1/leases", "pool", "demo", "after", "10.99.0.1")), "is outside pool demo");
        assertEquals("unknown lease state 'held', expected one of locked, bound, released",
                refused(400, get("/api/v1/leases", "state", "held")));
        assertContains(refused(400, get("/api/v1/leases", "active", "maybe")), "'active' must be true or false");
        assertContains(refused(400, get("/api/v1/leases", "device", "bad id")), "invalid device id");
        assertEquals("no pool named 'nope'", refused(404, get("/api/v1/leases", "pool", "nope")));
    }

    @Test
    void filtersByPoolDeviceStateAndActivity() throws Exception {
        pools.addLease("demo", "smr-4", "10.64.0.9", LeaseState.BOUND, 2, Instant.parse("2029-01-01T00:00:00Z"), false);
        assertEquals(List.of("10.64.0.3"), addresses(get("/api/v1/leases", "state", "LOCKED")));
        assertEquals(List.of("10.64.0.2"), addresses(get("/api/v1/leases", "device", "smr-1", "pool", "demo")));
        assertEquals(List.of("10.64.0.9"), addresses(get("/api/v1/leases", "active", "false")));
        assertEquals(List.of("10.64.0.2", "10.64.0.3"), addresses(get("/api/v1/leases", "active", "true")));
    }

    @Test
    void showsALeaseByDeviceOrAddress() {
        assertEquals("smr-1", get("/api/v1/leases/demo/10.64.0.2").json().get("device").asText());
        assertEquals("10.64.0.3", get("/api/v1/leases/demo/smr-2").json().get("address").asText());
        assertEquals("device smr-9 has no lease in pool demo", refused(404, get("/api/v1/leases/demo/smr-9")));
        // an address is also a valid device id: the detail says both were looked for, as lease:show does
        assertEquals("no lease holds 10.64.0.77 in pool demo, and no device of that id has a lease there",
                refused(404, get("/api/v1/leases/demo/10.64.0.77")));
        assertEquals("10.99.0.1 is outside pool demo (10.64.0.0/16), and no device of that id has a lease there",
                refused(404, get("/api/v1/leases/demo/10.99.0.1")));
        assertEquals("no pool named 'nope'", refused(404, get("/api/v1/leases/nope/smr-1")));
        assertContains(refused(400, get("/api/v1/leases/demo/bad*id")), "invalid device id");
    }

    @Test
    void showsADelegatedPrefixByAnyAddressInIt() throws Exception {
        pools.createPool(Pool.of("v6", "2001:db8:100::/48", 3600).withDelegatedLength(64));
        pools.addLease("v6", "smr-6", "2001:db8:100:7::", LeaseState.BOUND, 1);
        pools.changes = 0;
        Answer a = get("/api/v1/leases/v6/2001:db8:100:7::42");
        assertEquals(200, a.status(), () -> a.toString());
        assertEquals("2001:db8:100:7::/64", a.json().get("delegatedPrefix").asText());
        assertEquals("2001:db8:100:7::1/64", a.json().get("innerAddress").asText());
    }

    @Test
    void releasesALeaseByDeviceOrAddress() {
        Answer a = delete("/api/v1/leases/demo/smr-1");
        assertEquals(200, a.status());
        assertEquals("RELEASED", a.json().get("state").asText());
        assertEquals("BOUND", a.json().get("previousState").asText());
        assertEquals(LeaseState.RELEASED, pools.lease("demo", DeviceId.of("smr-1")).orElseThrow().state());
        assertEquals(200, delete("/api/v1/leases/demo/10.64.0.3").status());
        assertEquals(LeaseState.RELEASED, pools.lease("demo", DeviceId.of("smr-2")).orElseThrow().state());
    }

    @Test
    void releasingAReservedLeaseSaysTheReservationStays() {
        put("/api/v1/reservations/demo/smr-1", "{\"address\":\"10.64.0.50\"}");
        Answer a = delete("/api/v1/leases/demo/smr-1");
        assertEquals(200, a.status());
        assertEquals("the address stays reserved for smr-1; DELETE /api/v1/reservations/demo/smr-1 ends the reservation",
                a.json().get("note").asText());
        assertTrue(pools.lease("demo", DeviceId.of("smr-1")).orElseThrow().reserved());
        assertFalse(delete("/api/v1/leases/demo/smr-2").json().has("note"));
    }

    @Test
    void releaseRefusesWhatItCannotFind() {
        refused(404, delete("/api/v1/leases/demo/smr-9"));
        refused(404, delete("/api/v1/leases/nope/smr-1"));
        refused(404, delete("/api/v1/leases/demo/10.64.0.77"));
    }

    @Test
    void reservesAnAddressForADevice() {
        Answer a = put("/api/v1/reservations/demo/smr-1", "{\"address\":\"10.64.0.50\"}");
        assertEquals(200, a.status(), () -> a.toString());
        assertEquals(true, a.json().get("reserved").asBoolean());
        assertEquals("10.64.0.50", a.json().get("address").asText());
        assertEquals("10.64.0.2", a.json().get("gaveUp").asText());
        assertTrue(pools.lease("demo", DeviceId.of("smr-1")).orElseThrow().reserved());
        Answer same = put("/api/v1/reservations/demo/smr-1", "{\"address\":\"10.64.0.50\"}");
        assertTrue(same.json().get("gaveUp").isNull());
    }

    @Test
    void reserveRefusesBadInput() {
        assertEquals("10.64.0.3 is held by device smr-2",
                refused(409, put("/api/v1/reservations/demo/smr-1", "{\"address\":\"10.64.0.3\"}")));
        assertEquals("10.64.0.1 cannot be handed out in pool demo: it is the gateway",
                refused(400, put("/api/v1/reservations/demo/smr-1", "{\"address\":\"10.64.0.1\"}")));
        assertContains(refused(400, put("/api/v1/reservations/demo/smr-1", "{\"address\":\"10.64.0.0\"}")), "network address");
        assertContains(refused(400, put("/api/v1/reservations/demo/smr-1", "{\"address\":\"10.64.255.255\"}")), "broadcast");
        assertEquals("10.65.0.1 is outside pool demo (10.64.0.0/16)",
                refused(400, put("/api/v1/reservations/demo/smr-1", "{\"address\":\"10.65.0.1\"}")));
        assertContains(refused(400, put("/api/v1/reservations/demo/smr-1", "{\"address\":\"ten\"}")), "is not an IP address");
        assertContains(refused(400, put("/api/v1/reservations/demo/smr-1", "{}")), "'address' is required");
        assertContains(refused(400, put("/api/v1/reservations/demo/smr-1", "{\"address\":")), "malformed JSON");
        assertContains(refused(400, put("/api/v1/reservations/demo/smr-1", "{\"address\":\"10.64.0.9\",\"x\":1}")),
                "unknown field x");
        assertContains(refused(400, put("/api/v1/reservations/demo/bad%id", "{\"address\":\"10.64.0.9\"}")), "invalid device id");
        refused(404, put("/api/v1/reservations/nope/smr-1", "{\"address\":\"10.64.0.9\"}"));
        refused(405, get("/api/v1/reservations/demo/smr-1"));
    }

    @Test
    void reserveRefusesAnAddressInsideADelegatedPrefix() {
        pools.createPool(Pool.of("v6", "2001:db8:100::/48", 3600).withDelegatedLength(64));
        pools.changes = 0;
        assertEquals("2001:db8:100:7::5 cannot be handed out in pool v6: it is not the start of a /64 prefix",
                refused(400, put("/api/v1/reservations/v6/smr-1", "{\"address\":\"2001:db8:100:7::5\"}")));
    }

    @Test
    void removesAReservation() {
        put("/api/v1/reservations/demo/smr-1", "{\"address\":\"10.64.0.50\"}");
        pools.changes = 0;
        assertEquals("device smr-2 has no reservation in pool demo",
                refused(404, delete("/api/v1/reservations/demo/smr-2")));
        Answer a = delete("/api/v1/reservations/demo/smr-1");
        assertEquals(200, a.status());
        assertEquals(false, a.json().get("reserved").asBoolean());
    }
}
