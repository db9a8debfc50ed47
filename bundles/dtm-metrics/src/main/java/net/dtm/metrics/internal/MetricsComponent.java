package net.dtm.metrics.internal;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.http.HttpEndpoint;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;

/**
 * Wires the metrics in Karaf: every {@link MetricSource} service feeds a {@link MetricsCollector},
 * served as Prometheus text by a {@link MetricsEndpoint} registered at {@code /metrics} (access from
 * PID {@code net.dtm.metrics}, key {@code access}) and as JMX MBeans ({@link MetricMBeans}, kept in
 * step with the sources as they come and go and at every scrape).
 */
@Component(configurationPid = MetricsComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        service = {})
@Designate(ocd = MetricsComponent.Config.class)
public class MetricsComponent {

    /** Configuration PID. */
    public static final String PID = "net.dtm.metrics";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsComponent.class);

    @ObjectClassDefinition(name = "DTM metrics", description = "Prometheus endpoint /metrics and JMX MBeans net.dtm:type=metrics")
    public @interface Config {
        @AttributeDefinition(description = "Who may scrape /metrics: public (no key) or key (an API key with the viewer role)",
                options = {@Option(label = "public", value = "public"), @Option(label = "key", value = "key")})
        String access() default "public";
    }

    private final MetricsCollector collector = new MetricsCollector(Clock.systemUTC());
    private final MetricMBeans mbeans = new MetricMBeans(ManagementFactory.getPlatformMBeanServer(), collector);
    private volatile ServiceRegistration<HttpEndpoint> endpoint;
    private volatile boolean active;

    @Activate
    void activate(BundleContext context, Config config) {
        String access = access(config);
        active = true;
        syncMBeans();
        endpoint = context.registerService(HttpEndpoint.class, new MetricsEndpoint(this::scrape), properties(access));
        LOG.info("dtm metrics: serving {} ({} access), MBeans net.dtm:type=metrics,name=*", MetricsEndpoint.PATH, access);
    }

    @Modified
    void modified(Config config) {
        String access = access(config);
        ServiceRegistration<HttpEndpoint> reg = endpoint;
        if (reg != null) {
            reg.setProperties(properties(access));
            LOG.info("dtm metrics: {} access now {}", MetricsEndpoint.PATH, access);
        }
    }

    private static String access(Config config) {
        try {
            return MetricsAccess.parse(config.access());
        } catch (IllegalArgumentException e) {
            LOG.error("dtm metrics: {}; /metrics not served", e.getMessage());
            throw e;
        }
    }

    private static Dictionary<String, Object> properties(String access) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(HttpEndpoint.PATH, MetricsEndpoint.PATH);
        p.put(HttpEndpoint.ACCESS, access);
        return p;
    }

    private List<Metric> scrape() {
        List<Metric> metrics = collector.collect();
        mbeans.sync(metrics.stream().map(Metric::name).toList());
        return metrics;
    }

    private void syncMBeans() {
        if (active) {
            scrape();
        }
    }

    @Reference(name = "sources", service = MetricSource.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void addSource(MetricSource source, ServiceReference<MetricSource> ref) {
        collector.add(source, ref.getBundle().getSymbolicName() + " (service " + ref.getProperty(Constants.SERVICE_ID) + ")");
        syncMBeans();
    }

    void removeSource(MetricSource source) {
        collector.remove(source);
        syncMBeans();
    }

    @Deactivate
    void deactivate() {
        active = false;
        ServiceRegistration<HttpEndpoint> reg = endpoint;
        endpoint = null;
        if (reg != null) {
            try {
                reg.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
        mbeans.close();
    }
}
