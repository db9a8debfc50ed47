package net.dtm.testkit.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsWhatIpPrints() {
        String ip = "[{\"ifindex\":5,\"ifname\":\"dtm0\",\"flags\":[\"UP\",\"LOWER_UP\"],\"mtu\":1400,"
                + "\"linkinfo\":{\"info_kind\":\"vxlan\",\"info_data\":{\"id\":4194306,\"remote\":\"10.99.0.1\","
                + "\"local\":\"10.99.1.2\",\"port\":4789,\"learning\":true,\"ttl\":0}},"
                + "\"addr_info\":[{\"family\":\"inet\",\"local\":\"10.64.0.2\",\"prefixlen\":16},"
                + "{\"family\":\"inet6\",\"local\":\"fe80::1\",\"prefixlen\":64}]}]";
        List<Map<String, Object>> links = Json.objects(Json.parse(ip));
        assertEquals(1, links.size());
        Map<String, Object> data = Json.object(Json.object(links.get(0), "linkinfo"), "info_data");
        assertEquals(4194306L, data.get("id"));
        assertEquals("10.99.0.1", data.get("remote"));
        assertEquals(Boolean.TRUE, data.get("learning"));
        assertEquals(Map.of(), Json.object(links.get(0), "absent"));
    }

    @Test
    void readsTheShellsJsonAfterWhatElseTheClientPrinted() {
        Object v = Json.parse("client: notice\n[{\"number\":3,\"restored\":true,\"detail\":\"a \\\"b\\\"\\u00e9\\n\","
                + "\"diff\":[\"remote outer: x -> y\"],\"ms\":1.5e2,\"none\":null}]");
        Map<String, Object> e = Json.objects(v).get(0);
        assertEquals(3L, e.get("number"));
        assertEquals(Boolean.TRUE, e.get("restored"));
        assertEquals("a \"b\"\u00e9\n", e.get("detail"));
        assertEquals(List.of("remote outer: x -> y"), e.get("diff"));
        assertEquals(150.0, e.get("ms"));
        assertEquals(Arrays.asList((Object) null), Arrays.asList(e.get("none")));
    }

    @Test
    void malformedInputFailsClearly() {
        assertThrows(IllegalArgumentException.class, () -> Json.parse("no json here"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[{\"a\":1"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\" 1}"));
    }
}
