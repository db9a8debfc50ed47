package net.dtm.protocol;

import java.net.InetAddress;
import java.util.Objects;

import net.dtm.api.OuterPath;

/**
 * PATH (version 2): the tunnel's outer packets now leave the device over another link, or the
 * carrying link's address changed. Sent to the server whose end of the tunnel the device uses, so
 * the core end follows; answered by ACK or NAK. Quotes the lease like CONFIRM, so only the device
 * holding the lease can move its tunnel.
 *
 * @param pool          pool of the lease
 * @param address       inner address of the lease
 * @param leaseSequence sequence number from the last PARAMS
 * @param path          the new carrying link and its outer address
 */
public record PathUpdate(String pool, InetAddress address, long leaseSequence, OuterPath path) implements Message {
    public PathUpdate {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(path, "path");
    }

    @Override
    public MessageType type() {
        return MessageType.PATH;
    }
}
