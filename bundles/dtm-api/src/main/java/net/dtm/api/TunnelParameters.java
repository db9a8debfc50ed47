package net.dtm.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Everything a device needs to bring its end of the tunnel up.
 *
 * @param innerAddress     the device's inner tunnel address
 * @param prefixLength     prefix length of the inner network
 * @param gateway          the server's inner address (next hop inside the tunnel)
 * @param serverEndpoint   the server's outer endpoint of the tunnel
 * @param type             encapsulation
 * @param mtu              inner MTU
 * @param keepaliveSeconds keepalive interval
 * @param leaseSeconds     lease lifetime from the moment the parameters were issued
 * @param serverNodeId     the node that issued them
 * @param tunnelKey        VXLAN network identifier or GRE key (0 = none: IPIP, WireGuard, or a v1 server)
 * @param serverPublicKey  the server's WireGuard public key (base64), empty unless the type is WireGuard
 */
public record TunnelParameters(InetAddress innerAddress, int prefixLength, InetAddress gateway,
                               InetSocketAddress serverEndpoint, TunnelType type, int mtu,
                               int keepaliveSeconds, int leaseSeconds, String serverNodeId,
                               long tunnelKey, String serverPublicKey) {

    /** Parameters without data-plane key material (as a v1 server sends them). */
    public TunnelParameters(InetAddress innerAddress, int prefixLength, InetAddress gateway,
                            InetSocketAddress serverEndpoint, TunnelType type, int mtu,
                            int keepaliveSeconds, int leaseSeconds, String serverNodeId) {
        this(innerAddress, prefixLength, gateway, serverEndpoint, type, mtu, keepaliveSeconds, leaseSeconds,
                serverNodeId, 0, "");
    }

    /** A copy with another lease time (what changes on every renewal). */
    public TunnelParameters withLeaseSeconds(int seconds) {
        return new TunnelParameters(innerAddress, prefixLength, gateway, serverEndpoint, type, mtu, keepaliveSeconds,
                seconds, serverNodeId, tunnelKey, serverPublicKey);
    }

    public TunnelParameters {
        Objects.requireNonNull(serverPublicKey, "serverPublicKey");
        if (tunnelKey < 0 || tunnelKey > 0xffffffffL) {
            throw new IllegalArgumentException("tunnel key " + tunnelKey + " outside 0..4294967295");
        }
        Objects.requireNonNull(innerAddress, "innerAddress");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(serverEndpoint, "serverEndpoint");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(serverNodeId, "serverNodeId");
        if (prefixLength < 0 || prefixLength > innerAddress.getAddress().length * 8) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " invalid for " + innerAddress);
        }
        if (mtu < 576 || mtu > 9000) {
            throw new IllegalArgumentException("mtu " + mtu + " outside 576..9000");
        }
        if (keepaliveSeconds < 1 || leaseSeconds < 1) {
            throw new IllegalArgumentException("keepalive and lease time must be positive");
        }
    }
}
