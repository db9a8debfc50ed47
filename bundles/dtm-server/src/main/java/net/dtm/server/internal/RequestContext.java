package net.dtm.server.internal;

import java.time.Clock;
import java.util.Objects;

import net.dtm.api.AddressPoolAdminService;

/**
 * What the per-type request handlers of one node share: its settings, the pool service, the time
 * source, its counters, its view of the cluster, its data plane and the PARAMS builder.
 */
record RequestContext(ServerSettings settings, AddressPoolAdminService pools, Clock clock, Counters counters,
                      ClusterView view, DataPlane dataPlane, ParamsBuilder params) {
    RequestContext {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(pools, "pools");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(counters, "counters");
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(dataPlane, "dataPlane");
        Objects.requireNonNull(params, "params");
    }

    /** This node's id, for messages and logs. */
    String nodeId() {
        return settings.nodeId();
    }
}
