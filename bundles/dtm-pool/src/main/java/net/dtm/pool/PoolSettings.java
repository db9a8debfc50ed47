package net.dtm.pool;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * How a {@link PoolManager} behaves.
 *
 * @param lockTime            how long an offered, unconfirmed address stays locked
 * @param renewWriteThreshold a renewal writes only if less than this fraction of the lease time
 *                            remains (0..1; 1 writes on every renewal)
 * @param quarantine          how long after expiry or release an address stays with its device
 *                            before it may go to another one
 * @param warnPercent         utilisation thresholds (percent, ascending) that log a warning when a
 *                            pool climbs past them, and a notice when it falls back below
 */
public record PoolSettings(Duration lockTime, double renewWriteThreshold, Duration quarantine, int[] warnPercent) {

    /** 30 s lock, write below half the lease time, 10 min quarantine, warnings at 80/90/95 %. */
    public static final PoolSettings DEFAULTS = new PoolSettings(Duration.ofSeconds(30), 0.5, Duration.ofMinutes(10),
            new int[] {80, 90, 95});

    /** {@code lockTime} and {@code renewWriteThreshold}; no quarantine, no utilisation warnings. */
    public static PoolSettings of(Duration lockTime, double renewWriteThreshold) {
        return new PoolSettings(lockTime, renewWriteThreshold, Duration.ZERO, new int[0]);
    }

    /** @throws IllegalArgumentException if a setting is out of range, saying which */
    public PoolSettings {
        Objects.requireNonNull(lockTime, "lockTime");
        Objects.requireNonNull(quarantine, "quarantine");
        if (lockTime.isNegative() || lockTime.isZero()) {
            throw new IllegalArgumentException("lock time must be positive, got " + lockTime);
        }
        if (!(renewWriteThreshold >= 0 && renewWriteThreshold <= 1)) {
            throw new IllegalArgumentException("renew write threshold must be within 0..1, got " + renewWriteThreshold);
        }
        if (quarantine.isNegative()) {
            throw new IllegalArgumentException("quarantine must not be negative, got " + quarantine);
        }
        warnPercent = warnPercent == null ? new int[0] : warnPercent.clone();
        for (int i = 0; i < warnPercent.length; i++) {
            if (warnPercent[i] < 1 || warnPercent[i] > 100 || (i > 0 && warnPercent[i] <= warnPercent[i - 1])) {
                throw new IllegalArgumentException("utilisation warning thresholds must be ascending percentages in 1..100, got "
                        + Arrays.toString(warnPercent));
            }
        }
    }

    /** Parses {@code "80, 90, 95"}; empty text means no warnings. */
    public static int[] parsePercentages(String text) {
        if (text == null || text.isBlank()) {
            return new int[0];
        }
        String[] parts = text.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("utilisation warning threshold '" + parts[i].trim() + "' is not a whole percentage");
            }
        }
        return out;
    }

    @Override
    public int[] warnPercent() {
        return warnPercent.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolSettings s && s.lockTime.equals(lockTime) && s.renewWriteThreshold == renewWriteThreshold
                && s.quarantine.equals(quarantine) && Arrays.equals(s.warnPercent, warnPercent);
    }

    @Override
    public int hashCode() {
        return Objects.hash(lockTime, renewWriteThreshold, quarantine, Arrays.hashCode(warnPercent));
    }

    @Override
    public String toString() {
        return "PoolSettings[lock=" + lockTime + ", renewWriteThreshold=" + renewWriteThreshold + ", quarantine=" + quarantine
                + ", warnPercent=" + Arrays.toString(warnPercent) + "]";
    }
}
