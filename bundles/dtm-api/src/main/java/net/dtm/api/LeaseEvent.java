package net.dtm.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A change of a lease on a server node, published to every {@link LeaseListener} of that node.
 * Events describe what this node did or found; other nodes publish their own.
 *
 * @param type  what happened
 * @param lease the lease after the change
 * @param peer  the data path to the device, for BOUND and RENEWED (empty otherwise)
 * @param time  when it happened
 */
public record LeaseEvent(Type type, Lease lease, Optional<TunnelPeer> peer, Instant time) {

    /** Lease life cycle. */
    public enum Type {
        /** The device confirmed the lease through this node: its tunnel is served here. */
        BOUND,
        /** The device renewed naming this node as its tunnel server; the peer may carry a new outer address. */
        RENEWED,
        /** The device moved its tunnel's outer path to another link or address (PATH message). */
        PATH_CHANGED,
        /** The device renewed naming another node as its tunnel server: this node's core end is no longer used. */
        MOVED_AWAY,
        /** The device (or an operator) released the lease. */
        RELEASED,
        /** The lease ran out without renewal. */
        EXPIRED,
        /** The address was taken back for reuse. */
        RECLAIMED
    }

    public LeaseEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(time, "time");
    }
}
