package net.dtm.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What the core end needs to reach a device through its tunnel.
 *
 * @param type            encapsulation
 * @param deviceOuter     the device's outer endpoint as this node last heard it
 * @param key             VXLAN VNI or GRE key (0 for none)
 * @param innerAddress    the device's inner address
 * @param routedPrefix    prefix routed to the device (its address as a host prefix, or its delegated prefix)
 * @param devicePublicKey the device's WireGuard public key (base64), if it sent one
 */
public record TunnelPeer(TunnelType type, InetSocketAddress deviceOuter, long key, InetAddress innerAddress,
                         Cidr routedPrefix, Optional<String> devicePublicKey) {
    public TunnelPeer {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(deviceOuter, "deviceOuter");
        Objects.requireNonNull(innerAddress, "innerAddress");
        Objects.requireNonNull(routedPrefix, "routedPrefix");
        Objects.requireNonNull(devicePublicKey, "devicePublicKey");
    }
}
