package net.dtm.rest;

import java.util.List;
import java.util.Map;

/** {@code /api/v1/agent}: this device's tunnel ({@code tunnel:status}) and its WAN links ({@code link:list}); 404 without an agent. */
final class AgentResource {

    static final String PATH = "/api/v1/agent";

    private final Services services;

    AgentResource(Services services) {
        this.services = services;
    }

    List<Route> routes() {
        return List.of(
                Route.get(PATH + "/tunnel", c -> Json.response(200, Rows.tunnel(services.requireAgent().status()))),
                Route.get(PATH + "/links", c -> Json.response(200,
                        Map.of("items", services.requireLinks().links().stream().map(Rows::link).toList()))));
    }
}
