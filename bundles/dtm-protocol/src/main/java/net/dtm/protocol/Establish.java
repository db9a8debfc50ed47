package net.dtm.protocol;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import net.dtm.api.TunnelType;

/**
 * ESTABLISH: the device asks for tunnel parameters.
 *
 * @param tunnelType  encapsulation wanted
 * @param pool        pool wanted, empty for the server's default
 * @param links       the device's links (at most 8)
 * @param lastAddress the inner address of the device's last lease, if any
 */
public record Establish(TunnelType tunnelType, String pool, List<LinkAddress> links, Optional<InetAddress> lastAddress)
        implements Message {
    public Establish {
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
