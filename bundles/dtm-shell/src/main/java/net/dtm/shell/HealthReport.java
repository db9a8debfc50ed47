package net.dtm.shell;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import net.dtm.api.Health;
import net.dtm.api.HealthService;

/**
 * The health of every component of the node as {@code node:health} shows it: by component name.
 * A component whose service fails to answer counts as not ready, with the failure as its detail.
 */
final class HealthReport {

    private HealthReport() {
    }

    static Health.Report of(List<HealthService> services) {
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
        return new Health.Report(out);
    }
}
