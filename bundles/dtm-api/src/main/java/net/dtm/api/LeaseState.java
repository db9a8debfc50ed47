package net.dtm.api;

/** Life cycle of a binding between a device and an address. */
public enum LeaseState {
    /** Offered to the device, not yet confirmed; expires after a short lock time. */
    LOCKED,
    /** Confirmed by the device; lives for the pool's lease time unless renewed. */
    BOUND,
    /** Given back by the device or expired; the address may go to another device later. */
    RELEASED
}
