package net.dtm.rest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.ClusterService;
import net.dtm.api.DeviceService;
import net.dtm.api.LinkService;
import net.dtm.api.TunnelAgentService;
import net.dtm.api.TunnelServerService;
import net.dtm.api.http.HttpEndpoint;
import net.dtm.api.metrics.MetricSource;

/**
 * Wires the REST API: every DTM service is an optional, dynamic reference (so the API serves on
 * agent-only nodes too), each resource group is registered as an {@link HttpEndpoint}, and the
 * timeline is sampled every 10 s on a thread of its own until deactivation.
 */
@Component(immediate = true)
public final class RestComponent {

    private static final Logger LOG = LoggerFactory.getLogger(RestComponent.class);

    final Services services = new Services();
    private final List<ServiceRegistration<HttpEndpoint>> registrations = new ArrayList<>();
    private ScheduledExecutorService sampler;
    /** The API as activated (tests look at its timeline). */
    RestApi api;

    @Activate
    void activate(BundleContext context) {
        api = new RestApi(services, Clock.systemUTC());
        for (RestEndpoint endpoint : api.endpoints()) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(HttpEndpoint.PATH, endpoint.prefix());
            props.put(HttpEndpoint.ACCESS, endpoint.open() ? HttpEndpoint.ACCESS_PUBLIC : HttpEndpoint.ACCESS_KEY);
            registrations.add(context.registerService(HttpEndpoint.class, endpoint, props));
        }
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dtm-rest-timeline");
            t.setDaemon(true);
            return t;
        });
        Timeline timeline = api.timeline();
        sampler.scheduleAtFixedRate(() -> {
            try {
                timeline.sample();
            } catch (RuntimeException e) {
                LOG.warn("Timeline sample failed: {}", e.toString());
            }
        }, 0, Timeline.INTERVAL_SECONDS, TimeUnit.SECONDS);
        LOG.info("REST API v1 registered: {} resource groups under /api/v1", registrations.size());
    }

    @Deactivate
    void deactivate() {
        sampler.shutdownNow();
        for (ServiceRegistration<HttpEndpoint> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
        registrations.clear();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindPools")
    void bindPools(AddressPoolAdminService service) {
        services.pools().set(service);
    }

    void unbindPools(AddressPoolAdminService service) {
        services.pools().unset(service);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindDevices")
    void bindDevices(DeviceService service) {
        services.devices().set(service);
    }

    void unbindDevices(DeviceService service) {
        services.devices().unset(service);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindCluster")
    void bindCluster(ClusterService service) {
        services.cluster().set(service);
    }

    void unbindCluster(ClusterService service) {
        services.cluster().unset(service);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindServer")
    void bindServer(TunnelServerService service) {
        services.server().set(service);
    }

    void unbindServer(TunnelServerService service) {
        services.server().unset(service);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindAgent")
    void bindAgent(TunnelAgentService service) {
        services.agent().set(service);
    }

    void unbindAgent(TunnelAgentService service) {
        services.agent().unset(service);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindLinks")
    void bindLinks(LinkService service) {
        services.links().set(service);
    }

    void unbindLinks(LinkService service) {
        services.links().unset(service);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindMetricSource")
    void bindMetricSource(MetricSource source) {
        services.addMetricSource(source);
    }

    void unbindMetricSource(MetricSource source) {
        services.removeMetricSource(source);
    }
}
