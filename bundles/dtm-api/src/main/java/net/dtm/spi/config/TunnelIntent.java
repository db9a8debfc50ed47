package net.dtm.spi.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;

/**
 * What one end of a DTM tunnel must be, independent of any vendor: the input every adapter renders
 * and, read back from a device, the parsed running state the core diffs against. Version
 * {@value #VERSION} of the intent.
 *
 * @param name          interface name on the device, e.g. {@code dtm0}; 1..15 characters of
 *                      {@code [A-Za-z0-9_.-]} (the Linux limit, which every adapter can map)
 * @param role          which end this is
 * @param type          encapsulation
 * @param localOuter    outer source address: the carrying link's address on a device, the tunnel
 *                      endpoint on a gateway
 * @param remoteOuter   the peer's outer endpoint; the port is the VXLAN destination port or the
 *                      WireGuard endpoint port and is ignored by GRE and IPIP
 * @param key           VXLAN network identifier (1..16777215) or GRE key (0 = none); 0 for IPIP
 *                      and WireGuard
 * @param innerAddress  this end's inner address
 * @param prefixLength  prefix length configured with {@code innerAddress}
 * @param peerInner     the other end's inner address (next hop for {@code routes})
 * @param routes        prefixes routed into the tunnel via {@code peerInner}, sorted, no duplicates
 * @param mtu           inner MTU
 * @param wireGuard     WireGuard keys and listen port, present exactly when {@code type} is WIREGUARD
 * @param persistentKeepaliveSeconds WireGuard persistent keepalive (0 = off); 0 for other types
 */
public record TunnelIntent(String name, Role role, TunnelType type, InetAddress localOuter, InetSocketAddress remoteOuter,
                           long key, InetAddress innerAddress, int prefixLength, InetAddress peerInner, List<Cidr> routes,
                           int mtu, Optional<WireGuardKeys> wireGuard, int persistentKeepaliveSeconds) {

    /** The intent version this record describes. */
    public static final int VERSION = 1;
    /** Largest VXLAN network identifier. */
    public static final long MAX_VNI = (1L << 24) - 1;

    /** Which end of the tunnel an intent describes. */
    public enum Role {
        /** The router in the vehicle. */
        DEVICE,
        /** The carrier's tunnel gateway (the core end), one intent per device. */
        GATEWAY
    }

    /** Checks only what makes the record meaningless; what a value must be is judged at validate. */
    public TunnelIntent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(localOuter, "localOuter");
        Objects.requireNonNull(remoteOuter, "remoteOuter");
        Objects.requireNonNull(innerAddress, "innerAddress");
        Objects.requireNonNull(peerInner, "peerInner");
        Objects.requireNonNull(wireGuard, "wireGuard");
        routes = routes.stream().distinct().sorted((a, b) -> a.toString().compareTo(b.toString())).toList();
    }

    /** A copy with another outer source address (the tunnel moved to another link). */
    public TunnelIntent withLocalOuter(InetAddress address) {
        return new TunnelIntent(name, role, type, address, remoteOuter, key, innerAddress, prefixLength, peerInner,
                routes, mtu, wireGuard, persistentKeepaliveSeconds);
    }

    /** A copy with another peer outer endpoint (the device moved, seen from the gateway). */
    public TunnelIntent withRemoteOuter(InetSocketAddress endpoint) {
        return new TunnelIntent(name, role, type, localOuter, endpoint, key, innerAddress, prefixLength, peerInner,
                routes, mtu, wireGuard, persistentKeepaliveSeconds);
    }

    /** A copy with another MTU. */
    public TunnelIntent withMtu(int newMtu) {
        return new TunnelIntent(name, role, type, localOuter, remoteOuter, key, innerAddress, prefixLength, peerInner,
                routes, newMtu, wireGuard, persistentKeepaliveSeconds);
    }

    /** One line for logs and history: every field, no secrets (WireGuard private keys are files). */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append("v").append(VERSION).append(' ').append(name).append(' ').append(role.name().toLowerCase(java.util.Locale.ROOT))
                .append(' ').append(type.name().toLowerCase(java.util.Locale.ROOT))
                .append(" local=").append(localOuter.getHostAddress())
                .append(" remote=").append(remoteOuter.getHostString()).append(':').append(remoteOuter.getPort());
        if (key != 0) {
            b.append(" key=").append(key);
        }
        b.append(" inner=").append(innerAddress.getHostAddress()).append('/').append(prefixLength)
                .append(" peer=").append(peerInner.getHostAddress()).append(" mtu=").append(mtu);
        if (!routes.isEmpty()) {
            b.append(" routes=").append(String.join(",", routes.stream().map(Cidr::toString).toList()));
        }
        wireGuard.ifPresent(w -> b.append(" wg.peer=").append(w.peerPublicKey()).append(" wg.port=").append(w.listenPort()));
        if (persistentKeepaliveSeconds != 0) {
            b.append(" keepalive=").append(persistentKeepaliveSeconds);
        }
        return b.toString();
    }
}
