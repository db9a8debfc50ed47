package net.dtm.spi.store;

/**
 * Bindings of a pool counted by what they mean at one moment (see
 * {@link LeaseStore#countLeases}).
 *
 * @param locked      LOCKED and not expired
 * @param bound       BOUND and not expired
 * @param quarantined RELEASED or expired, with the expiry after the quarantine boundary
 * @param reclaimable RELEASED or expired, with the expiry at or before the quarantine boundary
 * @param reserved    reserved bindings, in any state (also counted above)
 */
public record LeaseCounts(long locked, long bound, long quarantined, long reclaimable, long reserved) {

    /** All bindings. */
    public long total() {
        return locked + bound + quarantined + reclaimable;
    }
}
