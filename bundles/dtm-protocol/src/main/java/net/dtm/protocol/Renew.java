package net.dtm.protocol;

import java.net.InetAddress;
import java.util.Objects;

/**
 * RENEW: the device quotes the lease it holds.
 *
 * @param pool          pool of the lease
 * @param address       inner address of the lease
 * @param leaseSequence sequence number from the last PARAMS
 */
public record Renew(String pool, InetAddress address, long leaseSequence) implements Message {
    public Renew {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(address, "address");
    }

    @Override
    public MessageType type() {
        return MessageType.RENEW;
    }
}
