package net.dtm.protocol;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import net.dtm.api.OuterPath;
import net.dtm.api.TunnelType;

/**
 * ESTABLISH: the device asks for tunnel parameters.
 *
 * @param tunnelType  encapsulation wanted
 * @param pool        pool wanted, empty for the server's default
 * @param links       the device's links (at most 8)
 * @param lastAddress the inner address of the device's last lease, if any
 * @param devicePublicKey the device's WireGuard public key, base64 (v2; empty = none)
 * @param path        the link the device will carry the tunnel's outer packets on (v2)
 */
public record Establish(TunnelType tunnelType, String pool, List<LinkAddress> links, Optional<InetAddress> lastAddress,
                        String devicePublicKey, Optional<OuterPath> path)
        implements Message {

    /** A version 1 ESTABLISH: no data-plane fields. */
    public Establish(TunnelType tunnelType, String pool, List<LinkAddress> links, Optional<InetAddress> lastAddress) {
        this(tunnelType, pool, links, lastAddress, "", Optional.empty());
    }

    /** True if only version 2 can carry this message. */
    public boolean needsV2() {
        return !devicePublicKey.isEmpty() || path.isPresent();
    }

    public Establish {
        Objects.requireNonNull(devicePublicKey, "devicePublicKey");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(tunnelType, "tunnelType");
        Objects.requireNonNull(pool, "pool");
        links = List.copyOf(links);
        Objects.requireNonNull(lastAddress, "lastAddress");
        if (links.size() > 8) {
            throw new IllegalArgumentException("at most 8 links");
        }
    }

    @Override
    public MessageType type() {
        return MessageType.ESTABLISH;
    }
}
