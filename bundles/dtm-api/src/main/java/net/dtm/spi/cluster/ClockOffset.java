package net.dtm.spi.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How far this node's clock is from the store's time, as last measured: the store's time is this
 * node's clock plus {@code offset}, give or take {@code uncertainty}.
 *
 * @param offset      store time minus this node's time (negative: this node's clock runs ahead)
 * @param uncertainty how far the true offset may lie from {@code offset} either way (not negative)
 * @param measuredAt  when it was measured, on this node's clock
 */
public record ClockOffset(Duration offset, Duration uncertainty, Instant measuredAt) {

    /** No offset, no uncertainty: the store keeps time with this node's clock (a store on this machine). */
    public static ClockOffset none(Instant now) {
        return new ClockOffset(Duration.ZERO, Duration.ZERO, now);
    }

    /** @throws IllegalArgumentException if the uncertainty is negative */
    public ClockOffset {
        Objects.requireNonNull(offset, "offset");
        Objects.requireNonNull(uncertainty, "uncertainty");
        Objects.requireNonNull(measuredAt, "measuredAt");
        if (uncertainty.isNegative()) {
            throw new IllegalArgumentException("uncertainty must not be negative, got " + uncertainty);
        }
    }

    /** The most this node's clock may be off: {@code |offset| + uncertainty}. */
    public Duration worstCase() {
        return offset.abs().plus(uncertainty);
    }
}
