package net.dtm.rest;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.ClusterService;
import net.dtm.api.DeviceService;
import net.dtm.api.LinkService;
import net.dtm.api.TunnelAgentService;
import net.dtm.api.TunnelServerService;
import net.dtm.api.http.HttpProblem;
import net.dtm.api.metrics.MetricSource;

/**
 * The DTM services the API reads and changes, each of which may come and go (an agent-only node has
 * no pool service; a server node no agent). The OSGi component sets them; tests set fakes. A
 * resource asks with {@code require...()}, which answers a problem naming what is missing.
 */
public final class Services {

    /** Feature of the server-side services. */
    static final String SERVER_FEATURE = "dtm-server";

    private final Ref<AddressPoolAdminService> pools = new Ref<>();
    private final Ref<DeviceService> devices = new Ref<>();
    private final Ref<ClusterService> cluster = new Ref<>();
    private final Ref<TunnelServerService> server = new Ref<>();
    private final Ref<TunnelAgentService> agent = new Ref<>();
    private final Ref<LinkService> links = new Ref<>();
    private final List<MetricSource> metricSources = new CopyOnWriteArrayList<>();

    /** One optional service: set when bound; an unset clears it only if it still is that service (a newer bind stays). */
    public static final class Ref<T> {
        private final AtomicReference<T> service = new AtomicReference<>();

        public void set(T value) {
            service.set(value);
        }

        public void unset(T value) {
            service.compareAndSet(value, null);
        }

        public Optional<T> get() {
            return Optional.ofNullable(service.get());
        }
    }

    public Ref<AddressPoolAdminService> pools() {
        return pools;
    }

    public Ref<DeviceService> devices() {
        return devices;
    }

    public Ref<ClusterService> cluster() {
        return cluster;
    }

    public Ref<TunnelServerService> server() {
        return server;
    }

    public Ref<TunnelAgentService> agent() {
        return agent;
    }

    public Ref<LinkService> links() {
        return links;
    }

    public void addMetricSource(MetricSource source) {
        metricSources.add(source);
    }

    public void removeMetricSource(MetricSource source) {
        metricSources.remove(source);
    }

    List<MetricSource> metricSources() {
        return List.copyOf(metricSources);
    }

    AddressPoolAdminService requirePools() {
        return pools.get().orElseThrow(() -> unavailable("The address pool service", SERVER_FEATURE));
    }

    DeviceService requireDevices() {
        return devices.get().orElseThrow(() -> unavailable("The device registry", SERVER_FEATURE));
    }

    ClusterService requireCluster() {
        return cluster.get().orElseThrow(() -> unavailable("The cluster service", SERVER_FEATURE));
    }

    TunnelAgentService requireAgent() {
        return agent.get().orElseThrow(() -> new HttpProblem(404, "No agent", "no agent on this node: the tunnel agent "
                + "is not available (is feature dtm-agent installed and started?)"));
    }

    LinkService requireLinks() {
        return links.get().orElseThrow(() -> new HttpProblem(404, "No agent", "no agent on this node: the link service "
                + "is not available (is feature dtm-agent installed and started?)"));
    }

    /** 503: a server-side service this request needs is not running on this node (the shell's wording). */
    static HttpProblem unavailable(String what, String feature) {
        return new HttpProblem(503, "Service unavailable", what + " is not available on this node (is feature "
                + feature + " installed and started?)");
    }
}
