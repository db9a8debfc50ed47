package net.dtm.api;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * The binding of a device to an address in a pool: the address lock.
 *
 * @param pool           pool name
 * @param device         the device holding the address
 * @param address        the inner tunnel address
 * @param state          life cycle state
 * @param sequence       increases with every change of this binding; a release or renewal naming an
 *                       older sequence is refused, so a late message can never free an address that
 *                       has since gone to someone else
 * @param expiresAt      when the binding lapses unless renewed
 * @param nodeId         the server node that last wrote the binding
 * @param reserved       a static reservation: the address belongs to this device even while the
 *                       lease is released or expired, and is never reclaimed for another device
 * @param deviceSequence the highest request sequence number of the device applied to this binding
 *                       (its persisted replay high-water mark); 0 when none, e.g. an operator's
 *                       reservation or a binding stored before the mark existed
 * @param instance       the {@link #sequence} at which this tenancy of the binding began (it was
 *                       created, or taken again by its device after being released or expired); a
 *                       device's quote must name a sequence from {@code instance} on. 0 when unknown
 *                       (a binding stored before the field existed): any sequence from 1 then
 * @since 1.6 ({@code deviceSequence}, {@code instance})
 */
public record Lease(String pool, DeviceId device, InetAddress address, LeaseState state, long sequence,
                    Instant expiresAt, String nodeId, boolean reserved, long deviceSequence, long instance) {

    public Lease {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(nodeId, "nodeId");
        if (instance < 0 || instance > sequence) {
            throw new IllegalArgumentException("instance " + instance + " must be within 0.." + sequence);
        }
    }

    /** A binding without a device high-water mark or known instance (as stored before they existed). */
    public Lease(String pool, DeviceId device, InetAddress address, LeaseState state, long sequence,
                 Instant expiresAt, String nodeId, boolean reserved) {
        this(pool, device, address, state, sequence, expiresAt, nodeId, reserved, 0, 0);
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
     * True if a device quoting {@code quotedAddress} and {@code quotedSequence} means this binding
     * instance: the same address (the lease's own, or {@code innerAddress}, the address the device
     * was given inside a delegated prefix), and a sequence this instance has reached: from
     * {@link #instance} (at least 1) to {@link #sequence}. A device may quote an older sequence of
     * the same instance (e.g. from the PARAMS before its CONFIRM); a sequence the binding never had,
     * or one of an earlier tenancy, means another binding than the one held now.
     */
    public boolean isQuotedBy(InetAddress quotedAddress, InetAddress innerAddress, long quotedSequence) {
        return (address.equals(quotedAddress) || (innerAddress != null && innerAddress.equals(quotedAddress)))
                && quotedSequence >= Math.max(1, instance) && quotedSequence <= sequence;
    }

    /** A copy with another state, sequence and expiry, written by {@code node}; the same instance and mark. */
    public Lease with(LeaseState newState, long newSequence, Instant newExpiry, String node) {
        return new Lease(pool, device, address, newState, newSequence, newExpiry, node, reserved, deviceSequence, instance);
    }

    /** A copy with the reservation flag set or cleared and the next sequence, written by {@code node}. */
    public Lease withReserved(boolean reserve, String node) {
        return new Lease(pool, device, address, state, sequence + 1, expiresAt, node, reserve, deviceSequence, instance);
    }

    /**
     * A copy recording that the device's request numbered {@code requestSequence} was applied
     * (the high-water mark never goes down: a lower number leaves it as it is).
     */
    public Lease withDeviceSequence(long requestSequence) {
        return new Lease(pool, device, address, state, sequence, expiresAt, nodeId, reserved,
                Math.max(deviceSequence, requestSequence), instance);
    }

    /** A copy that begins a new tenancy at its own {@link #sequence}: older quotes no longer name it. */
    public Lease asNewInstance() {
        return new Lease(pool, device, address, state, sequence, expiresAt, nodeId, reserved, deviceSequence, sequence);
    }
}
