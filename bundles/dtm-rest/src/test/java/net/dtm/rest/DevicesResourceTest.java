package net.dtm.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.LeaseState;
import net.dtm.api.fakes.FakePools;

class DevicesResourceTest extends RestTestSupport {

    static final String KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    private static List<String> ids(Answer a) {
        List<String> out = new ArrayList<>();
        for (JsonNode item : a.json().get("items")) {
            out.add(item.get("id").asText());
        }
        return out;
    }

    private DeviceCredential device(String id) {
        return devices.device(DeviceId.of(id)).orElseThrow();
    }

    @Test
    void enrolsADeviceAndShowsItsGeneratedKeyOnce() {
        Answer a = post("/api/v1/devices", "{\"id\":\"smr-3\"}");
        assertEquals(201, a.status());
        assertEquals("/api/v1/devices/smr-3", a.headers().get("Location"));
        assertEquals(device("smr-3").keyHex(), a.json().get("key").asText());
        Answer shown = get("/api/v1/devices/smr-3");
        assertEquals(200, shown.status());
        assertFalse(shown.json().toString().contains(device("smr-3").keyHex()), "a key in " + shown);
        assertFalse(get("/api/v1/devices").json().toString().contains(device("smr-3").keyHex()));
    }

    @Test
    void aSuppliedKeyIsStoredAndNotEchoed() {
        Answer a = post("/api/v1/devices", "{\"id\":\"smr-3\",\"key\":\"" + KEY + "\"}");
        assertEquals(201, a.status());
        assertTrue(a.json().get("keySupplied").asBoolean());
        assertFalse(a.json().has("key"));
        assertEquals(KEY, device("smr-3").keyHex());
    }

    @Test
    void enrolRefusesBadInput() {
        assertContains(refused(400, post("/api/v1/devices", "{\"id\":\"bad id\"}")), "invalid device id 'bad id'");
        assertEquals("device key must be 64 hex digits", refused(400, post("/api/v1/devices", "{\"id\":\"smr-3\",\"key\":\"abc\"}")));
        assertContains(refused(400, post("/api/v1/devices", "{\"key\":\"" + KEY + "\"}")), "'id' is required");
        assertContains(refused(400, post("/api/v1/devices", "{\"id\":\"smr-3\",\"keys\":\"x\"}")), "unknown field keys");
        assertContains(refused(400, post("/api/v1/devices", "{\"id\":")), "malformed JSON");
        assertContains(refused(400, post("/api/v1/devices", "{\"id\":[\"smr-3\"]}")), "'id' must be a string");
        assertEquals("device smr-1 is already enrolled", refused(409, post("/api/v1/devices", "{\"id\":\"smr-1\"}")));
    }

    @Test
    void listsDevicesByIdInPagesWithASearch() {
        for (String id : List.of("bus-1", "bus-2", "tram-1")) {
            devices.enroll(DeviceId.of(id));
        }
        assertEquals(List.of("bus-1", "bus-2", "smr-1", "smr-2", "tram-1"), ids(get("/api/v1/devices")));
        Answer one = get("/api/v1/devices", "limit", "2");
        assertEquals(List.of("bus-1", "bus-2"), ids(one));
        assertEquals("bus-2", one.json().get("next").asText());
        Answer two = get("/api/v1/devices", "limit", "2", "after", "bus-2");
        assertEquals(List.of("smr-1", "smr-2"), ids(two));
        Answer three = get("/api/v1/devices", "limit", "2", "after", two.json().get("next").asText());
        assertEquals(List.of("tram-1"), ids(three));
        assertTrue(three.json().get("next").isNull());
        assertEquals(List.of("bus-1", "bus-2"), ids(get("/api/v1/devices", "search", "BUS")));
        assertEquals(List.of("bus-2"), ids(get("/api/v1/devices", "search", "bus", "after", "bus-1")));
        assertEquals(List.of(), ids(get("/api/v1/devices", "search", "nothing")));
        devices.changes = 0;
        refused(400, get("/api/v1/devices", "limit", "0"));
        refused(400, get("/api/v1/devices", "limit", "x"));
        assertEquals(5, ids(get("/api/v1/devices", "limit", "100000")).size());
    }

    @Test
    void showsADevice() {
        Answer a = get("/api/v1/devices/smr-1");
        assertEquals("smr-1", a.json().get("id").asText());
        assertFalse(a.json().get("disabled").asBoolean());
        assertEquals("device smr-9 is not enrolled", refused(404, get("/api/v1/devices/smr-9")));
        assertContains(refused(400, get("/api/v1/devices/bad*id")), "invalid device id");
    }

    @Test
    void removesADeviceAndReleasesItsLeases() throws Exception {
        pools.createPool(net.dtm.api.Pool.of("other", "10.80.0.0/24", 3600));
        pools.addLease("other", "smr-1", "10.80.0.9", LeaseState.BOUND, 1, FakePools.NOW.plusSeconds(600), true);
        Answer a = delete("/api/v1/devices/smr-1");
        assertEquals(200, a.status(), () -> a.toString());
        assertTrue(devices.device(DeviceId.of("smr-1")).isEmpty());
        assertEquals(2, a.json().get("released").size());
        assertEquals(LeaseState.RELEASED, pools.lease("demo", DeviceId.of("smr-1")).orElseThrow().state());
        assertFalse(pools.lease("other", DeviceId.of("smr-1")).orElseThrow().reserved());
        assertTrue(a.json().at("/released/1/reservationEnded").asBoolean());
    }

    @Test
    void removeWithoutThePoolServiceSaysTheLeasesWereNotReleased() {
        services.pools().unset(pools);
        Answer a = delete("/api/v1/devices/smr-1");
        assertEquals(200, a.status());
        assertContains(a.json().get("note").asText(), "its leases were not released");
        assertEquals(LeaseState.BOUND, pools.lease("demo", DeviceId.of("smr-1")).orElseThrow().state());
    }

    @Test
    void removeRefusesAnUnknownDevice() {
        refused(404, delete("/api/v1/devices/smr-9"));
    }

    @Test
    void rekeysWithAnOverlap() {
        String before = device("smr-1").keyHex();
        Answer a = post("/api/v1/devices/smr-1/rekey", "{\"overlap\":\"15m\"}");
        assertEquals(200, a.status());
        assertNotEquals(before, a.json().get("key").asText());
        assertEquals(device("smr-1").keyHex(), a.json().get("key").asText());
        assertEquals(FakePools.NOW.plusSeconds(900).toString(), a.json().get("previousKeyUntil").asText());
        Answer none = call("POST", "/api/v1/devices/smr-2/rekey", null, null);
        assertEquals(200, none.status());
        assertTrue(none.json().get("previousKeyUntil").isNull());
        Answer supplied = post("/api/v1/devices/smr-2/rekey", "{\"key\":\"" + KEY + "\"}");
        assertFalse(supplied.json().has("key"));
        assertEquals(KEY, device("smr-2").keyHex());
    }

    @Test
    void rekeyRefusesBadInput() {
        assertEquals("overlap: '15 minutes' is not a duration (e.g. 0, 90s, 15m, 2h, 7d or PT1H30M)",
                refused(400, post("/api/v1/devices/smr-1/rekey", "{\"overlap\":\"15 minutes\"}")));
        refused(400, post("/api/v1/devices/smr-1/rekey", "{\"overlap\":\"-PT1H\"}"));
        refused(400, post("/api/v1/devices/smr-1/rekey", "{\"key\":\"zz\"}"));
        refused(400, post("/api/v1/devices/smr-1/rekey", "{\"overlap\":15}"));
        refused(400, post("/api/v1/devices/smr-1/rekey", "not json"));
        refused(404, post("/api/v1/devices/smr-9/rekey", "{}"));
    }

    @Test
    void disablesAndEnables() {
        Answer a = post("/api/v1/devices/smr-1/disable", null);
        assertEquals(200, a.status());
        assertTrue(a.json().get("changed").asBoolean());
        assertTrue(device("smr-1").disabled());
        assertFalse(post("/api/v1/devices/smr-1/disable", null).json().get("changed").asBoolean());
        assertTrue(post("/api/v1/devices/smr-1/enable", null).json().get("changed").asBoolean());
        assertFalse(device("smr-1").disabled());
        assertFalse(post("/api/v1/devices/smr-1/enable", null).json().get("changed").asBoolean());
        devices.changes = 0;
        refused(404, post("/api/v1/devices/smr-9/disable", null));
        refused(404, post("/api/v1/devices/smr-9/enable", null));
        refused(405, get("/api/v1/devices/smr-1/disable"));
    }

    @Test
    void withoutTheRegistryDeviceCallsSayWhatIsMissing() {
        services.devices().unset(devices);
        assertEquals("The device registry is not available on this node (is feature dtm-server installed and started?)",
                refused(503, get("/api/v1/devices")));
        refused(503, post("/api/v1/devices", "{\"id\":\"smr-3\"}"));
        refused(503, call("POST", "/api/v1/devices/bulk", "smr-3", "text/csv"));
    }

    @Test
    void aDeviceNamedBulkIsStillReachable() {
        devices.enroll(DeviceId.of("bulk"));
        assertEquals("bulk", get("/api/v1/devices/bulk").json().get("id").asText());
    }

    static String hex(int n) {
        byte[] key = new byte[32];
        key[31] = (byte) n;
        return HexFormat.of().formatHex(key);
    }
}
