package net.dtm.protocol;

import java.net.InetAddress;
import java.util.Objects;

/**
 * RELEASE: the device quotes the lease it holds.
 *
 * @param pool          pool of the lease
 * @param address       inner address of the lease
 * @param leaseSequence sequence number from the last PARAMS
 */
public record Release(String pool, InetAddress address, long leaseSequence) implements Message {
    public Release {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(address, "address");
    }

    @Override
    public MessageType type() {
        return MessageType.RELEASE;
    }
}
