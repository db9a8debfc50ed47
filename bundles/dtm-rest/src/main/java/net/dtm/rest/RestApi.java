package net.dtm.rest;

import java.time.Clock;
import java.util.List;

/**
 * The whole REST API v1 over a set of {@link Services}: one {@link RestEndpoint} per resource group,
 * each to be registered under its prefix, and the {@link Timeline} to be sampled.
 */
final class RestApi {

    private final Timeline timeline;
    private final List<RestEndpoint> endpoints;

    RestApi(Services services, Clock clock) {
        timeline = new Timeline(services, clock);
        endpoints = List.of(
                new RestEndpoint(PoolsResource.PATH, false, new PoolsResource(services).routes()),
                new RestEndpoint(LeasesResource.PATH, false, new LeasesResource(services, clock).routes()),
                new RestEndpoint(ReservationsResource.PATH, false, new ReservationsResource(services, clock).routes()),
                new RestEndpoint(DevicesResource.PATH, false, new DevicesResource(services).routes()),
                new RestEndpoint(NodesResource.PATH, false, new NodesResource(services).routes()),
                new RestEndpoint(AgentResource.PATH, false, new AgentResource(services).routes()),
                new RestEndpoint(OverviewResource.PATH, false, new OverviewResource(services).routes()),
                new RestEndpoint("/api/v1/timeline", false, timeline.routes()),
                new RestEndpoint(OpenApi.PATH, true, new OpenApi().routes()));
    }

    List<RestEndpoint> endpoints() {
        return endpoints;
    }

    Timeline timeline() {
        return timeline;
    }
}
