package net.dtm.http;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.Health;
import net.dtm.api.HealthService;

/**
 * The health {@code /health/ready} answers: every {@link HealthService}'s, in the order given. A
 * service that throws is logged and counts as a failed check named {@code health} whose detail
 * names only the exception's class (the endpoint is public).
 */
final class HealthReport {

    private static final Logger LOG = LoggerFactory.getLogger(HealthReport.class);

    private HealthReport() {
    }

    static Health.Report of(Collection<HealthService> services) {
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
        return new Health.Report(components);
    }
}
