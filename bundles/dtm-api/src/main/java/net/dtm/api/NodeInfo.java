package net.dtm.api;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One server node of the cluster, as shown by {@code node:list}.
 *
 * @param id           node id
 * @param site         site (data centre) the node runs in; empty if not configured
 * @param endpoints    control endpoints devices reach it on
 * @param state        active, draining, degraded or down
 * @param leader       whether it runs the housekeeping now
 * @param leasesServed leases (new, confirmed, renewed) it has answered since it started
 * @param lastSeen     when it last published its record
 */
public record NodeInfo(String id, String site, List<InetSocketAddress> endpoints, NodeState state, boolean leader,
                       long leasesServed, Instant lastSeen) {

    public NodeInfo {
        Objects.requireNonNull(id, "id");
        site = site == null ? "" : site;
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lastSeen, "lastSeen");
    }
}
