package net.dtm.server.internal;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

import net.dtm.api.TunnelType;

/**
 * What a server node tells devices about itself.
 *
 * @param nodeId           this node's id, carried in every PARAMS
 * @param controlEndpoint  the advertised control endpoint (where devices reach this node)
 * @param tunnelEndpoint   the outer endpoint of this node's side of the tunnels
 * @param tunnelType       the encapsulation this node offers
 * @param mtu              inner MTU handed to devices
 * @param keepaliveSeconds keepalive interval handed to devices
 * @param defaultPool      pool used when a device asks for none
 * @param servers          control endpoints pushed to devices in PARAMS; empty = devices keep their own list
 */
public record ServerSettings(String nodeId, InetSocketAddress controlEndpoint, InetSocketAddress tunnelEndpoint,
                             TunnelType tunnelType, int mtu, int keepaliveSeconds, String defaultPool,
                             List<InetSocketAddress> servers) {
    public ServerSettings {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(controlEndpoint, "controlEndpoint");
        Objects.requireNonNull(tunnelEndpoint, "tunnelEndpoint");
        Objects.requireNonNull(tunnelType, "tunnelType");
        Objects.requireNonNull(defaultPool, "defaultPool");
        servers = List.copyOf(servers);
        if (nodeId.isBlank()) {
            throw new IllegalArgumentException("node id must not be blank");
        }
        if (tunnelEndpoint.isUnresolved()) {
            throw new IllegalArgumentException("tunnel endpoint " + tunnelEndpoint + " is not resolved");
        }
        if (servers.size() > 16) {
            throw new IllegalArgumentException("at most 16 servers can be advertised, got " + servers.size());
        }
        if (mtu < 576 || mtu > 9000) {
            throw new IllegalArgumentException("tunnel mtu " + mtu + " outside 576..9000");
        }
        if (keepaliveSeconds < 1) {
            throw new IllegalArgumentException("keepalive must be at least 1 s");
        }
    }
}
