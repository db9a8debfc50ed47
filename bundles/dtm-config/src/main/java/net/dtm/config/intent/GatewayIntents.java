package net.dtm.config.intent;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import net.dtm.api.Cidr;
import net.dtm.api.LeaseEvent;
import net.dtm.api.Pool;
import net.dtm.api.TunnelPeer;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;

/**
 * The core end of one device's tunnel on the gateway, from this node's lease events: an interface
 * per device named {@code <prefix><8 hex digits>} (see {@link #name(Cidr)}), from the node's tunnel endpoint to the device's current outer address, carrying the pool's
 * gateway address as a host address and a route to the device's address or delegated prefix.
 *
 * @param prefix   interface name prefix, e.g. {@code dtmg} (at most 4 characters: names stay within 15)
 * @param endpoint this node's tunnel endpoint (the {@code tunnel.endpoint} handed to devices)
 * @param mtu      inner MTU (the node's {@code tunnel.mtu})
 */
public record GatewayIntents(String prefix, InetSocketAddress endpoint, int mtu) {

    public GatewayIntents {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(endpoint, "endpoint");
        if (prefix.isEmpty() || prefix.length() > 4) {
            throw new IllegalArgumentException("gateway interface prefix '" + prefix + "' must be 1..4 characters");
        }
    }

    /**
     * The interface name of the core end of the device routed {@code routed}: for an IPv4 host
     * address its 8 hex digits (readable: {@code dtmg0a400005} is 10.64.0.5); for anything else (IPv6
     * addresses, delegated prefixes, whose low bits repeat from device to device) the first 32 bits
     * of the SHA-256 of the prefix. A clash is possible only in the hashed case and is refused by
     * {@code CoreEnds}, never resolved by overwriting another device's end.
     */
    public String name(Cidr routed) {
        byte[] a = routed.network().getAddress();
        if (a.length == 4 && routed.prefixLength() == 32) {
            int v = ((a[0] & 0xff) << 24) | ((a[1] & 0xff) << 16) | ((a[2] & 0xff) << 8) | (a[3] & 0xff);
            return prefix + String.format(Locale.ROOT, "%08x", v);
        }
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(routed.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return prefix + java.util.HexFormat.of().formatHex(h, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    /** The core end intent for a BOUND, RENEWED or PATH_CHANGED event with a peer; empty otherwise. */
    public Optional<TunnelIntent> after(LeaseEvent event, Pool pool) {
        if (event.peer().isEmpty()) {
            return Optional.empty();
        }
        return switch (event.type()) {
            case BOUND, RENEWED, PATH_CHANGED -> Optional.of(intent(event.peer().get(), pool));
            default -> Optional.empty();
        };
    }

    /** True if {@code event} means this node's core end of the device must go. */
    public static boolean removes(LeaseEvent event) {
        return switch (event.type()) {
            case RELEASED, EXPIRED, RECLAIMED, MOVED_AWAY -> true;
            default -> false;
        };
    }

    /** The core end for {@code peer}, a device of {@code pool}. */
    public TunnelIntent intent(TunnelPeer peer, Pool pool) {
        InetAddress gateway = pool.gateway();
        int hostLength = gateway.getAddress().length * 8;
        int port = peer.type() == TunnelType.VXLAN || peer.type() == TunnelType.WIREGUARD
                ? endpoint.getPort() : peer.deviceOuter().getPort();
        return new TunnelIntent(name(peer.routedPrefix()), TunnelIntent.Role.GATEWAY, peer.type(), endpoint.getAddress(),
                new InetSocketAddress(peer.deviceOuter().getAddress(), port), peer.key(), gateway, hostLength,
                peer.innerAddress(), List.of(peer.routedPrefix()), mtu, Optional.empty(), 0);
    }
}
