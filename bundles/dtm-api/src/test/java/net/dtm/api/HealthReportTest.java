package net.dtm.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HealthReportTest {

    private static final Health SERVER = new Health("server", List.of(new Health.Check("store", true, "derby"),
            new Health.Check("draining", true, null)));
    private static final Health AGENT = new Health("agent", List.of(new Health.Check("links", false, "no usable link")));

    @Test
    void readyOnlyWithAComponentAndEveryOneReady() {
        assertTrue(new Health.Report(List.of(SERVER)).ready());
        assertFalse(new Health.Report(List.of(SERVER, AGENT)).ready());
        assertFalse(new Health.Report(List.of()).ready(), "nothing reports: not ready");
    }

    @Test
    void theDocumentKeepsTheOrderGivenAndEveryCheck() {
        Map<String, Object> doc = new Health.Report(List.of(SERVER, AGENT)).document();
        assertEquals(Map.of(
                "status", "NOT_READY",
                "components", List.of(
                        Map.of("component", "server", "ready", true, "checks", List.of(
                                Map.of("name", "store", "ok", true, "detail", "derby"),
                                Map.of("name", "draining", "ok", true, "detail", ""))),
                        Map.of("component", "agent", "ready", false, "checks", List.of(
                                Map.of("name", "links", "ok", false, "detail", "no usable link"))))), doc);
        assertEquals(List.of("status", "components"), List.copyOf(doc.keySet()));
        assertEquals("READY", new Health.Report(List.of(SERVER)).document().get("status"));
    }
}
