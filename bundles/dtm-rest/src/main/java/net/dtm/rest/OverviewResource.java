package net.dtm.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import net.dtm.api.ClusterService;
import net.dtm.api.NodeInfo;
import net.dtm.api.PoolStats;
import net.dtm.api.TunnelAgentService;
import net.dtm.api.TunnelServerService;

/**
 * {@code /api/v1/overview}: the node at a glance, for the dashboard: this node, the cluster's nodes,
 * every pool's occupancy, lease totals, the server's request counters and the agent's tunnel and
 * links. A part whose service is absent is empty (or null for the agent), never an error: the
 * overview answers on server and agent-only nodes alike.
 */
final class OverviewResource {

    static final String PATH = "/api/v1/overview";

    private final Services services;

    OverviewResource(Services services) {
        this.services = services;
    }

    List<Route> routes() {
        return List.of(Route.get(PATH, c -> Json.response(200, overview())));
    }

    Map<String, Object> overview() {
        Optional<ClusterService> cluster = services.cluster().get();
        Optional<TunnelServerService> server = services.server().get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", cluster.map(c -> c.local().id()).or(() -> server.map(TunnelServerService::nodeId)).orElse(null));
        body.put("nodes", cluster.map(ClusterService::nodes).orElse(List.<NodeInfo>of()).stream().map(Rows::node).toList());
        List<Map<String, Object>> pools = new ArrayList<>();
        long bound = 0;
        long locked = 0;
        for (PoolStats s : services.pools().get().map(PoolsResource::allStats).orElse(List.of())) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", s.pool().name());
            row.put("prefix", s.pool().prefix().toString());
            row.put("capacity", s.capacity());
            row.put("bound", s.bound());
            row.put("locked", s.locked());
            row.put("quarantined", s.quarantined());
            row.put("free", s.free());
            row.put("utilisation", s.utilisation());
            pools.add(row);
            bound += s.bound();
            locked += s.locked();
        }
        body.put("pools", pools);
        Map<String, Object> leases = new LinkedHashMap<>();
        leases.put("bound", bound);
        leases.put("locked", locked);
        body.put("leases", leases);
        body.put("requests", server.map(s -> (Map<String, Long>) new TreeMap<>(s.counters())).orElse(Map.of()));
        body.put("agent", agent());
        return body;
    }

    private Map<String, Object> agent() {
        Optional<TunnelAgentService> service = services.agent().get();
        if (service.isEmpty()) {
            return null;
        }
        Map<String, Object> agent = new LinkedHashMap<>();
        agent.put("tunnel", Rows.tunnel(service.get().status()));
        agent.put("links", services.links().get().map(l -> l.links().stream().map(Rows::link).toList()).orElse(List.of()));
        return agent;
    }
}
