package net.dtm.api;

import java.util.Objects;

/**
 * A refusal with a machine-readable reason, as carried in a NAK and shown to operators.
 */
public class DtmException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Reason reason;

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
        INTERNAL(7, "internal");

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
        super(message);
        this.reason = Objects.requireNonNull(reason);
    }

    public DtmException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason);
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
}
