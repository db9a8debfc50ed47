package net.dtm.api;

import java.util.Objects;

/**
 * A refusal with a machine-readable reason, as carried in a NAK and shown to operators.
 */
public class DtmException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Reason reason;
    private final long deviceSequence;

    /** Machine-readable reasons; the wire code of each is stable. */
    public enum Reason {
        /** The pool has no free address. */
        POOL_EXHAUSTED(1, "pool-exhausted"),
        /** No pool matches the request. */
        NO_POOL(2, "no-pool"),
        /** The store cannot be reached or cannot be trusted right now. */
        STORE_UNAVAILABLE(3, "store-unavailable"),
        /** The lease named by the device is unknown or was given to someone else. */
        UNKNOWN_LEASE(4, "unknown-lease"),
        /** The request is valid but cannot be served by this node (e.g. draining). */
        NOT_SERVING(5, "not-serving"),
        /** The request is malformed or names something invalid. */
        BAD_REQUEST(6, "bad-request"),
        /** Anything else. */
        INTERNAL(7, "internal"),
        /**
         * The request's sequence number is below what the device already had applied (a replay,
         * or a device whose sequence numbers went back); {@link DtmException#deviceSequence()}
         * is the mark to continue above. Since 1.6.
         */
        STALE_SEQUENCE(8, "stale-sequence");

        private final int code;
        private final String label;

        Reason(int code, String label) {
            this.code = code;
            this.label = label;
        }

        /** Stable wire code. */
        public int code() {
            return code;
        }

        /** Stable lowercase label, e.g. {@code pool-exhausted}. */
        public String label() {
            return label;
        }

        /** The reason for a wire code; unknown codes map to {@link #INTERNAL}. */
        public static Reason fromCode(int code) {
            for (Reason r : values()) {
                if (r.code == code) {
                    return r;
                }
            }
            return INTERNAL;
        }
    }

    public DtmException(Reason reason, String message) {
        this(reason, message, (Throwable) null);
    }

    public DtmException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason);
        this.deviceSequence = 0;
    }

    private DtmException(Reason reason, String message, long deviceSequence) {
        super(message);
        this.reason = Objects.requireNonNull(reason);
        this.deviceSequence = deviceSequence;
    }

    /**
     * The refusal of a device's request numbered {@code requestSequence} because the device already
     * had {@code mark} applied: {@link Reason#STALE_SEQUENCE} carrying the mark. Since 1.6.
     */
    public static DtmException staleSequence(DeviceId device, long requestSequence, long mark) {
        return new DtmException(Reason.STALE_SEQUENCE, "request " + requestSequence + " of device " + device
                + " is not above its last applied request " + mark, mark);
    }

    /** The refusal of a device quoting {@code address#sequence} while it holds {@code held}. */
    public static DtmException staleQuote(Lease held, java.net.InetAddress address, long sequence) {
        return new DtmException(Reason.UNKNOWN_LEASE, "device " + held.device() + " quotes lease " + Cidr.format(address)
                + "#" + sequence + " but holds " + Cidr.format(held.address()) + "#" + held.sequence() + " ("
                + held.state().name().toLowerCase(java.util.Locale.ROOT) + ") in pool " + held.pool());
    }

    /** Why. */
    public Reason reason() {
        return reason;
    }

    /**
     * For {@link Reason#STALE_SEQUENCE}: the device's high-water mark its next request must exceed;
     * 0 otherwise. Since 1.6.
     */
    public long deviceSequence() {
        return deviceSequence;
    }
}
