package net.dtm.http;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.Health;
import net.dtm.api.HealthService;

/**
 * Readiness over every {@link HealthService}: ready when at least one is registered and every
 * check of every one passes. A service that throws counts as a failed check named {@code health}.
 *
 * @param ready      the verdict
 * @param components each service's health, in the order given
 */
record HealthReport(boolean ready, List<Health> components) {

    private static final Logger LOG = LoggerFactory.getLogger(HealthReport.class);

    static HealthReport of(Collection<HealthService> services) {
        List<Health> components = new ArrayList<>();
        for (HealthService s : services) {
            try {
                components.add(s.health());
            } catch (RuntimeException e) {
                LOG.warn("health of {} could not be read", s.getClass().getName(), e);
                components.add(new Health(s.getClass().getSimpleName(), List.of(new Health.Check("health", false,
                        "the health check failed: " + e.getClass().getSimpleName()))));
            }
        }
        return new HealthReport(!components.isEmpty() && components.stream().allMatch(Health::ready),
                List.copyOf(components));
    }

    /** {@code {"status":"READY"|"NOT_READY","components":[{"component","ready","checks":[{"name","ok","detail"}]}]}}. */
    Map<String, Object> document() {
        List<Object> list = new ArrayList<>();
        for (Health h : components) {
            List<Object> checks = new ArrayList<>();
            for (Health.Check c : h.checks()) {
                Map<String, Object> check = new LinkedHashMap<>();
                check.put("name", c.name());
                check.put("ok", c.ok());
                check.put("detail", c.detail());
                checks.add(check);
            }
            Map<String, Object> component = new LinkedHashMap<>();
            component.put("component", h.component());
            component.put("ready", h.ready());
            component.put("checks", checks);
            list.add(component);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("status", ready ? "READY" : "NOT_READY");
        doc.put("components", list);
        return doc;
    }
}
