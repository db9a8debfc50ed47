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
 * @param reserved  a static reservation: the address belongs to this device even while the lease
 *                  is released or expired, and is never reclaimed for another device
 */
public record Lease(String pool, DeviceId device, InetAddress address, LeaseState state, long sequence,
                    Instant expiresAt, String nodeId, boolean reserved) {

    public Lease {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(nodeId, "nodeId");
    }

    /** A dynamic (not reserved) binding. */
    public Lease(String pool, DeviceId device, InetAddress address, LeaseState state, long sequence,
                 Instant expiresAt, String nodeId) {
        this(pool, device, address, state, sequence, expiresAt, nodeId, false);
    }

    /** True if the binding is still held at {@code now}. */
    public boolean isActiveAt(Instant now) {
        return state != LeaseState.RELEASED && expiresAt.isAfter(now);
    }

    /**
     * True if a device quoting {@code quotedAddress} and {@code quotedSequence} means this binding:
     * the same address (the lease's own, or {@code innerAddress}, the address the device was given
     * inside a delegated prefix), and a sequence this binding has reached. A device may quote an
     * older sequence of the same binding (e.g. from the PARAMS before its CONFIRM); a sequence the
     * binding never had means the device's binding was removed and created afresh since.
     */
    public boolean isQuotedBy(InetAddress quotedAddress, InetAddress innerAddress, long quotedSequence) {
        return (address.equals(quotedAddress) || (innerAddress != null && innerAddress.equals(quotedAddress)))
                && quotedSequence >= 1 && quotedSequence <= sequence;
    }

    /** A copy with another state, sequence and expiry, written by {@code node}. */
    public Lease with(LeaseState newState, long newSequence, Instant newExpiry, String node) {
        return new Lease(pool, device, address, newState, newSequence, newExpiry, node, reserved);
    }

    /** A copy with the reservation flag set or cleared and the next sequence, written by {@code node}. */
    public Lease withReserved(boolean reserve, String node) {
        return new Lease(pool, device, address, state, sequence + 1, expiresAt, node, reserve);
    }
}
