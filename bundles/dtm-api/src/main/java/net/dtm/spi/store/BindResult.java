package net.dtm.spi.store;

import java.util.Objects;

import net.dtm.api.Lease;

/**
 * Outcome of {@link LeaseStore#tryBind}.
 *
 * @param outcome what happened
 * @param lease   the new binding for {@link Outcome#BOUND}; the device's existing binding for
 *                {@link Outcome#DEVICE_ALREADY_BOUND}; null for {@link Outcome#ADDRESS_TAKEN}
 */
public record BindResult(Outcome outcome, Lease lease) {

    /** What {@code tryBind} did. */
    public enum Outcome {
        /** The binding was created and is durable. */
        BOUND,
        /** Another device holds the address; nothing changed. Try another address. */
        ADDRESS_TAKEN,
        /** The device already holds an address in the pool; nothing changed. */
        DEVICE_ALREADY_BOUND
    }

    public BindResult {
        Objects.requireNonNull(outcome, "outcome");
        if ((outcome == Outcome.ADDRESS_TAKEN) != (lease == null)) {
            throw new IllegalArgumentException("lease must be present exactly unless ADDRESS_TAKEN");
        }
    }
}
