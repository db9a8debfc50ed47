package net.dtm.api;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * The binding of a device to an address in a pool: the address lock.
 *
 * @param pool      pool name
 * @param device    the device holding the address
 * @param address   the inner tunnel address
 * @param state     life cycle state
 * @param sequence  increases with every change of this binding; a release or renewal naming an
 *                  older sequence is refused, so a late message can never free an address that has
 *                  since gone to someone else
 * @param expiresAt when the binding lapses unless renewed
 * @param nodeId    the server node that last wrote the binding
 */
public record Lease(String pool, DeviceId device, InetAddress address, LeaseState state, long sequence,
                    Instant expiresAt, String nodeId) {

    public Lease {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(nodeId, "nodeId");
    }

    /** True if the binding is still held at {@code now}. */
    public boolean isActiveAt(Instant now) {
        return state != LeaseState.RELEASED && expiresAt.isAfter(now);
    }

    /** A copy with another state, sequence and expiry, written by {@code node}. */
    public Lease with(LeaseState newState, long newSequence, Instant newExpiry, String node) {
        return new Lease(pool, device, address, newState, newSequence, newExpiry, node);
    }
}
