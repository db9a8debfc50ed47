package net.dtm.pool;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * How a {@link PoolManager} behaves.
 *
 * @param lockTime            how long an offered, unconfirmed address stays locked
 * @param renewWriteThreshold an operator's renewal writes only if less than this fraction of the
 *                            lease time remains (0..1; 1 writes on every renewal). A device's renewal
 *                            carrying a request number above the binding's mark always writes, to
 *                            record that number (else a captured renewal answered from the cache
 *                            could be replayed later); the cache then only spares the writes for
 *                            copies of one request (via other links or nodes)
 * @param quarantine          how long after expiry or release an address stays with its device
 *                            before it may go to another one
 * @param warnPercent         utilisation thresholds (percent, ascending) that log a warning when a
 *                            pool climbs past them, and a notice when it falls back below
 * @param maxClockSkew        reclamation compares expiry times written by other nodes with this
 *                            node's clock: in a cluster it is refused while this node's clock may be
 *                            further than this from the store's time ({@code |offset| + uncertainty}
 *                            of {@link net.dtm.spi.cluster.Cluster#clockOffset()}). Zero allows only a
 *                            clock that agrees exactly, as a store on this machine does. The quarantine
 *                            must be at least {@linkplain #minQuarantine() twice this}
 */
public record PoolSettings(Duration lockTime, double renewWriteThreshold, Duration quarantine, int[] warnPercent,
                           Duration maxClockSkew) {

    /** Default {@link #maxClockSkew}: 2 s. */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofSeconds(2);

    /** 30 s lock, write below half the lease time, 10 min quarantine, warnings at 80/90/95 %, 2 s clock skew. */
    public static final PoolSettings DEFAULTS = new PoolSettings(Duration.ofSeconds(30), 0.5, Duration.ofMinutes(10),
            new int[] {80, 90, 95}, DEFAULT_MAX_CLOCK_SKEW);

    /** {@code lockTime} and {@code renewWriteThreshold}; no quarantine, no utilisation warnings, no clock skew. */
    public static PoolSettings of(Duration lockTime, double renewWriteThreshold) {
        return new PoolSettings(lockTime, renewWriteThreshold, Duration.ZERO, new int[0]);
    }

    /** Without clock skew: for a node whose store keeps its own clock's time (see {@link #maxClockSkew}). */
    public PoolSettings(Duration lockTime, double renewWriteThreshold, Duration quarantine, int[] warnPercent) {
        this(lockTime, renewWriteThreshold, quarantine, warnPercent, Duration.ZERO);
    }

    /** @throws IllegalArgumentException if a setting is out of range, saying which */
    public PoolSettings {
        Objects.requireNonNull(lockTime, "lockTime");
        Objects.requireNonNull(quarantine, "quarantine");
        Objects.requireNonNull(maxClockSkew, "maxClockSkew");
        if (lockTime.isNegative() || lockTime.isZero()) {
            throw new IllegalArgumentException("lock time must be positive, got " + lockTime);
        }
        if (!(renewWriteThreshold >= 0 && renewWriteThreshold <= 1)) {
            throw new IllegalArgumentException("renew write threshold must be within 0..1, got " + renewWriteThreshold);
        }
        if (quarantine.isNegative()) {
            throw new IllegalArgumentException("quarantine must not be negative, got " + quarantine);
        }
        if (maxClockSkew.isNegative()) {
            throw new IllegalArgumentException("clock skew bound must not be negative, got " + maxClockSkew);
        }
        if (quarantine.compareTo(maxClockSkew.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("quarantine of " + quarantine.toMillis() + " ms is below its floor of "
                    + maxClockSkew.multipliedBy(2).toMillis() + " ms, twice the clock skew bound of " + maxClockSkew.toMillis()
                    + " ms: the node that wrote a lease's expiry and the leader that reclaims it may each be that far off, in"
                    + " opposite directions, and the leader would reclaim the lease before it truly expired; raise the"
                    + " quarantine or lower the clock skew bound");
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

    /**
     * The shortest quarantine allowed: twice {@link #maxClockSkew}. A lease's expiry was written on
     * one node's clock and is compared on the reclaiming node's clock; each may be off from the
     * store's time by up to the bound, in opposite directions, so only a quarantine of at least
     * twice the bound keeps a lease from being reclaimed before it truly expired.
     */
    public Duration minQuarantine() {
        return maxClockSkew.multipliedBy(2);
    }

    @Override
    public int[] warnPercent() {
        return warnPercent.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolSettings s && s.lockTime.equals(lockTime) && s.renewWriteThreshold == renewWriteThreshold
                && s.quarantine.equals(quarantine) && Arrays.equals(s.warnPercent, warnPercent)
                && s.maxClockSkew.equals(maxClockSkew);
    }

    @Override
    public int hashCode() {
        return Objects.hash(lockTime, renewWriteThreshold, quarantine, Arrays.hashCode(warnPercent), maxClockSkew);
    }

    @Override
    public String toString() {
        return "PoolSettings[lock=" + lockTime + ", renewWriteThreshold=" + renewWriteThreshold + ", quarantine=" + quarantine
                + ", warnPercent=" + Arrays.toString(warnPercent) + ", maxClockSkew=" + maxClockSkew + "]";
    }
}
