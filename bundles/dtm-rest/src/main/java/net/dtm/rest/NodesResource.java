package net.dtm.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import net.dtm.api.ClusterService;
import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpResponse;

/**
 * {@code /api/v1/nodes}: the cluster's nodes, and the operator's drain switch ({@code node:list},
 * {@code node:drain [--force]}, {@code node:undrain}).
 */
final class NodesResource {

    static final String PATH = "/api/v1/nodes";

    private final Services services;

    NodesResource(Services services) {
        this.services = services;
    }

    List<Route> routes() {
        return List.of(
                Route.get(PATH, c -> list()),
                Route.post(PATH + "/{id}/drain", c -> drain(c, true)),
                Route.post(PATH + "/{id}/undrain", c -> drain(c, false)));
    }

    private HttpResponse list() {
        ClusterService cluster = services.requireCluster();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("mode", cluster.mode());
        body.put("local", cluster.local().id());
        body.put("items", cluster.nodes().stream().map(Rows::node).toList());
        return Json.response(200, body);
    }

    private HttpResponse drain(Call call, boolean draining) {
        ClusterService cluster = services.requireCluster();
        String id = call.path("id");
        boolean force = draining && call.flag("force").orElse(false);
        String refusal = draining ? "Node not drained" : "Node not undrained";
        if (cluster.node(id).isEmpty()) {
            throw Problems.noNode(id);
        }
        boolean changed;
        try {
            changed = cluster.setDraining(id, draining, force);
        } catch (ClusterService.LastActiveNodeException e) {
            throw new HttpProblem(409, refusal, e.getMessage() + "; use force=true to drain it anyway");
        } catch (IllegalArgumentException e) {
            throw new HttpProblem(404, refusal, e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("draining", draining);
        body.put("changed", changed);
        body.put("state", cluster.node(id).map(n -> n.state().name().toLowerCase(Locale.ROOT)).orElse(null));
        return Json.response(200, body);
    }
}
