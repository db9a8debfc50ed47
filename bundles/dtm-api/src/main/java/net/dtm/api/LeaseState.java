package net.dtm.api;

/**
 * Life cycle of a binding between a device and an address:
 * {@code LOCKED → BOUND → (RELEASED | expired) → quarantine → free}. A released or expired
 * binding keeps its address for its device (affinity); only after the pool's quarantine has passed
 * may the pool manager delete it and give the address to another device.
 */
public enum LeaseState {
    /** Offered to the device, not yet confirmed; expires after a short lock time. */
    LOCKED,
    /** Confirmed by the device; lives for the pool's lease time unless renewed. */
    BOUND,
    /** Given back by the device (or by an operator); its expiry is the moment of release. */
    RELEASED
}
