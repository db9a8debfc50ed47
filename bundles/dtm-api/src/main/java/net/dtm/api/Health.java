package net.dtm.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Health of one DTM component: each check with its verdict and, when it fails, why.
 *
 * @param component which component (e.g. {@code server}, {@code agent})
 * @param checks    the checks, in a stable order
 */
public record Health(String component, List<Check> checks) {

    public Health {
        Objects.requireNonNull(component, "component");
        checks = List.copyOf(checks);
    }

    /** Ready when every check passes. */
    public boolean ready() {
        return checks.stream().allMatch(Check::ok);
    }

    /**
     * One check, e.g. {@code store} (connected), {@code pools} (loaded), {@code draining} (not draining).
     *
     * @param name   short name
     * @param ok     whether it passes
     * @param detail what was found, e.g. "derby, connected" or "node drained by an operator"
     */
    public record Check(String name, boolean ok, String detail) {
        public Check {
            Objects.requireNonNull(name, "name");
            detail = detail == null ? "" : detail;
        }
    }

    /**
     * The health of a node's components: ready when at least one reports and every one is ready.
     *
     * @param components each component's health, in the order given
     */
    public record Report(List<Health> components) {

        public Report {
            components = List.copyOf(components);
        }

        /** At least one component, and every one ready. */
        public boolean ready() {
            return !components.isEmpty() && components.stream().allMatch(Health::ready);
        }

        /**
         * The body of {@code /health/ready} as maps and lists, for any JSON writer:
         * {@code {"status":"READY"|"NOT_READY","components":[{"component","ready","checks":[{"name","ok","detail"}]}]}}.
         */
        public Map<String, Object> document() {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Health h : components) {
                List<Map<String, Object>> checks = new ArrayList<>();
                for (Check c : h.checks()) {
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
            doc.put("status", ready() ? "READY" : "NOT_READY");
            doc.put("components", list);
            return doc;
        }
    }
}
