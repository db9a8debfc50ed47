package net.dtm.spi.cluster;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A node's record in the cluster.
 *
 * @param id           node id
 * @param site         site; empty if not configured
 * @param endpoints    control endpoints it advertised
 * @param registered   whether it is registered now (its session lives)
 * @param draining     whether an operator drained it (durable flag)
 * @param leader       whether it holds the housekeeping leadership
 * @param leasesServed the last figure it published
 * @param lastSeen     when its record was last written
 */
public record Member(String id, String site, List<InetSocketAddress> endpoints, boolean registered, boolean draining,
                     boolean leader, long leasesServed, Instant lastSeen) {

    public Member {
        Objects.requireNonNull(id, "id");
        site = site == null ? "" : site;
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(lastSeen, "lastSeen");
    }
}
