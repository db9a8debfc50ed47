package net.dtm.api;

import java.util.List;
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
}
