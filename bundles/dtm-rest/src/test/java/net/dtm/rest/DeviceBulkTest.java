package net.dtm.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;

class DeviceBulkTest extends RestTestSupport {

    static final String KEY = DevicesResourceTest.KEY;

    private Answer csv(String text) {
        return call("POST", "/api/v1/devices/bulk", text, "text/csv; charset=utf-8");
    }

    private Answer json(String text) {
        return call("POST", "/api/v1/devices/bulk", text, "application/json");
    }

    private static List<String> ids(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get("id").asText()));
        return out;
    }

    @Test
    void enrolsFromCsvWithHeaderCommentsBlankLinesAndCrLf() {
        Answer a = csv("# fleet 7\r\nid,key\r\nbus-1\r\n\r\nbus-2," + KEY + "\r\n  bus-3 ,  \r\n");
        assertEquals(200, a.status(), () -> a.toString());
        assertEquals(List.of("bus-1", "bus-2", "bus-3"), ids(a.json().get("enrolled")));
        assertEquals(devices.device(DeviceId.of("bus-1")).orElseThrow().keyHex(), a.json().at("/enrolled/0/key").asText());
        assertFalse(a.json().at("/enrolled/1").has("key"), "a supplied key is not echoed");
        assertEquals(KEY, devices.device(DeviceId.of("bus-2")).orElseThrow().keyHex());
        assertEquals(0, a.json().get("refused").size());
    }

    @Test
    void enrolsFromJson() {
        Answer a = json("[{\"id\":\"bus-1\"},{\"id\":\"bus-2\",\"key\":\"" + KEY + "\"}]");
        assertEquals(200, a.status());
        assertEquals(List.of("bus-1", "bus-2"), ids(a.json().get("enrolled")));
    }

    @Test
    void oneBadLineAndNothingIsEnrolledWithEveryBadLineListed() {
        Answer a = csv("id,key\nbus-1\nbad id\nbus-3,abc\nbus-4," + KEY + ",x\nbus-5\n");
        String detail = refused(400, a);
        assertEquals("nothing enrolled: 3 bad lines; line 3: invalid device id 'bad id': expected 1-64 characters of "
                + "A-Z a-z 0-9 . _ : -; line 4: device bus-3: device key must be 64 hex digits; line 5: expected id[,hexkey], "
                + "got 3 fields", detail);
        assertTrue(devices.device(DeviceId.of("bus-1")).isEmpty());
        assertTrue(devices.device(DeviceId.of("bus-5")).isEmpty());
    }

    @Test
    void anIdTwiceInTheFileIsABadLine() {
        assertEquals("nothing enrolled: 1 bad line; line 3: device bus-1 appears again (first on line 1)",
                refused(400, csv("bus-1\nbus-2\nbus-1\n")));
        assertContains(refused(400, json("[{\"id\":\"bus-1\"},{\"id\":\"bus-1\"}]")), "line 2: device bus-1 appears again");
    }

    @Test
    void badJsonEntriesAreListedByPosition() {
        assertEquals("nothing enrolled: 3 bad lines; line 1: 'id' is required; line 2: entry 2 has unknown field name; "
                + "expected id, key; line 3: 'key' must be a string, got a number",
                refused(400, json("[{\"key\":\"" + KEY + "\"},{\"name\":\"x\"},{\"id\":\"bus-3\",\"key\":5}]")));
        assertContains(refused(400, json("[\"bus-1\"]")), "line 1: entry 1 must be a JSON object");
        assertContains(refused(400, json("{\"id\":\"bus-1\"}")), "must be a JSON array");
        assertContains(refused(400, json("[{\"id\":\"bus-1\"}")), "malformed JSON");
    }

    @Test
    void alreadyEnrolledIdsAreRefusedAndTheRestEnrolled() {
        Answer a = csv("bus-1\nsmr-1\nbus-2\n");
        assertEquals(200, a.status());
        assertEquals(List.of("bus-1", "bus-2"), ids(a.json().get("enrolled")));
        assertEquals(2, a.json().at("/refused/0/line").asInt());
        assertEquals("smr-1", a.json().at("/refused/0/id").asText());
        assertEquals("device smr-1 is already enrolled", a.json().at("/refused/0/reason").asText());
    }

    @Test
    void refusesAnEmptyListAndOtherContentTypes() {
        assertEquals("no devices in the request", refused(400, csv("# nothing\nid,key\n\n")));
        refused(400, csv(""));
        refused(400, json("[]"));
        assertContains(refused(415, call("POST", "/api/v1/devices/bulk", "bus-1", "text/plain")), "takes text/csv");
        assertContains(refused(415, call("POST", "/api/v1/devices/bulk", "bus-1", null)), "no content type");
    }

    @Test
    void manyBadLinesAreCountedAndTheFirst50Named() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            sb.append("bad id ").append(i).append('\n');
        }
        String detail = refused(400, csv(sb.toString()));
        assertContains(detail, "120 bad lines", "line 50:", "... and 70 more");
        assertFalse(detail.contains("line 51:"));
    }

    @Test
    void enrolsThousandsInOneRequestLoggingProgressButNoKey() {
        StringBuilder sb = new StringBuilder("id,key\n");
        for (int i = 0; i < 2500; i++) {
            sb.append("bus-").append(i).append(i == 7 ? "," + KEY : "").append('\n');
        }
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        java.io.PrintStream err = System.err;
        Answer a;
        System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            a = csv(sb.toString());
        } finally {
            System.setErr(err);
        }
        assertEquals(2500, a.json().get("enrolled").size());
        assertEquals(2502, devices.devices().size());
        String logged = log.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertContains(logged, "Bulk enrolment: 1000 of 2500 devices done", "2000 of 2500", "finished: 2500 enrolled");
        for (JsonNode enrolled : a.json().get("enrolled")) {
            if (enrolled.has("key")) {
                assertFalse(logged.contains(enrolled.get("key").asText()), "a generated key was logged");
            }
        }
        assertFalse(logged.toLowerCase(java.util.Locale.ROOT).contains(KEY), "a supplied key was logged");
    }
}
