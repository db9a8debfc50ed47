package net.dtm.shell;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.dtm.api.Health;
import net.dtm.api.HealthService;

/**
 * The health of every component of the node, as {@code node:health} shows it and as
 * {@code /health/ready} answers: ready when at least one component reports and all are ready.
 * A component whose service fails to answer counts as not ready, with the failure as its detail.
 */
final class HealthReport {

    private final List<Health> components;

    HealthReport(List<HealthService> services) {
        List<Health> out = new ArrayList<>();
        for (HealthService s : services) {
            try {
                out.add(s.health());
            } catch (RuntimeException e) {
                out.add(new Health(s.getClass().getSimpleName(), List.of(new Health.Check("answer", false,
                        "health check failed: " + e))));
            }
        }
        out.sort(Comparator.comparing(Health::component));
        this.components = List.copyOf(out);
    }

    boolean ready() {
        return !components.isEmpty() && components.stream().allMatch(Health::ready);
    }

    List<Health> components() {
        return components;
    }

    /** The JSON of {@code /health/ready}. */
    Map<String, Object> json() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Health h : components) {
            List<Map<String, Object>> checks = new ArrayList<>();
            for (Health.Check c : h.checks()) {
                Map<String, Object> check = new LinkedHashMap<>();
                check.put("name", c.name());
                check.put("ok", c.ok());
                check.put("detail", c.detail());
                checks.add(check);
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("component", h.component());
            row.put("ready", h.ready());
            row.put("checks", checks);
            list.add(row);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("status", ready() ? "READY" : "NOT_READY");
        doc.put("components", list);
        return doc;
    }
}
