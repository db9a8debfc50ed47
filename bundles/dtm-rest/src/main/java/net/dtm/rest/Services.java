package net.dtm.rest;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

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

    private volatile AddressPoolAdminService pools;
    private volatile DeviceService devices;
    private volatile ClusterService cluster;
    private volatile TunnelServerService server;
    private volatile TunnelAgentService agent;
    private volatile LinkService links;
    private final List<MetricSource> metricSources = new CopyOnWriteArrayList<>();

    public void pools(AddressPoolAdminService service) {
        pools = service;
    }

    public void devices(DeviceService service) {
        devices = service;
    }

    public void cluster(ClusterService service) {
        cluster = service;
    }

    public void server(TunnelServerService service) {
        server = service;
    }

    public void agent(TunnelAgentService service) {
        agent = service;
    }

    public void links(LinkService service) {
        links = service;
    }

    public void addMetricSource(MetricSource source) {
        metricSources.add(source);
    }

    public void removeMetricSource(MetricSource source) {
        metricSources.remove(source);
    }

    // An unset clears a reference only if it still is that service (an unbind after a newer bind keeps the newer).

    public void unsetPools(AddressPoolAdminService service) {
        if (pools == service) {
            pools = null;
        }
    }

    public void unsetDevices(DeviceService service) {
        if (devices == service) {
            devices = null;
        }
    }

    public void unsetCluster(ClusterService service) {
        if (cluster == service) {
            cluster = null;
        }
    }

    public void unsetServer(TunnelServerService service) {
        if (server == service) {
            server = null;
        }
    }

    public void unsetAgent(TunnelAgentService service) {
        if (agent == service) {
            agent = null;
        }
    }

    public void unsetLinks(LinkService service) {
        if (links == service) {
            links = null;
        }
    }

    Optional<AddressPoolAdminService> pools() {
        return Optional.ofNullable(pools);
    }

    Optional<DeviceService> devices() {
        return Optional.ofNullable(devices);
    }

    Optional<ClusterService> cluster() {
        return Optional.ofNullable(cluster);
    }

    Optional<TunnelServerService> server() {
        return Optional.ofNullable(server);
    }

    Optional<TunnelAgentService> agent() {
        return Optional.ofNullable(agent);
    }

    Optional<LinkService> links() {
        return Optional.ofNullable(links);
    }

    List<MetricSource> metricSources() {
        return List.copyOf(metricSources);
    }

    AddressPoolAdminService requirePools() {
        return pools().orElseThrow(() -> unavailable("The address pool service", SERVER_FEATURE));
    }

    DeviceService requireDevices() {
        return devices().orElseThrow(() -> unavailable("The device registry", SERVER_FEATURE));
    }

    ClusterService requireCluster() {
        return cluster().orElseThrow(() -> unavailable("The cluster service", SERVER_FEATURE));
    }

    TunnelAgentService requireAgent() {
        return agent().orElseThrow(() -> new HttpProblem(404, "No agent", "no agent on this node: the tunnel agent "
                + "is not available (is feature dtm-agent installed and started?)"));
    }

    LinkService requireLinks() {
        return links().orElseThrow(() -> new HttpProblem(404, "No agent", "no agent on this node: the link service "
                + "is not available (is feature dtm-agent installed and started?)"));
    }

    /** 503: a server-side service this request needs is not running on this node (the shell's wording). */
    static HttpProblem unavailable(String what, String feature) {
        return new HttpProblem(503, "Service unavailable", what + " is not available on this node (is feature "
                + feature + " installed and started?)");
    }
}
