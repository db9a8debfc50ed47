package net.dtm.protocol;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

import net.dtm.api.OuterPath;

/**
 * RENEW: the device quotes the lease it holds.
 *
 * @param pool          pool of the lease
 * @param address       inner address of the lease
 * @param leaseSequence sequence number from the last PARAMS
 * @param tunnelServer  node id of the server whose end of the tunnel the device uses (v2; empty = none)
 * @param path          the link carrying the tunnel's outer packets (v2)
 */
public record Renew(String pool, InetAddress address, long leaseSequence, String tunnelServer, Optional<OuterPath> path)
        implements Message {

    /** A version 1 RENEW: no data-plane fields. */
    public Renew(String pool, InetAddress address, long leaseSequence) {
        this(pool, address, leaseSequence, "", Optional.empty());
    }

    /** True if only version 2 can carry this message. */
    public boolean needsV2() {
        return !tunnelServer.isEmpty() || path.isPresent();
    }

    public Renew {
        Objects.requireNonNull(tunnelServer, "tunnelServer");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(address, "address");
    }

    @Override
    public MessageType type() {
        return MessageType.RENEW;
    }
}
