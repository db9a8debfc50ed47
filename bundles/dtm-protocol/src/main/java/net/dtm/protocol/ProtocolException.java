package net.dtm.protocol;

import java.util.Objects;

/**
 * A datagram was rejected by {@link Codec#peek(byte[])} or {@link Codec#decode(byte[], byte[])}.
 * The receiver drops the datagram and counts it by {@link #kind()}; it is never answered.
 *
 * <p>No stack trace is recorded: rejections are routine (garbage, scans, floods) and the trace
 * would only cost time on the receive path.
 */
public class ProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a datagram was rejected. */
    public enum Kind {
        /** Shorter than its own fields say it must be. */
        TRUNCATED,
        /** Longer than {@link Codec#MAX_DATAGRAM}. */
        OVERSIZED,
        /** Does not start with the DTM magic: not ours. */
        BAD_MAGIC,
        /** A protocol version this codec does not speak. */
        BAD_VERSION,
        /** A field is out of range, unknown, inconsistent, or followed by trailing bytes. */
        MALFORMED,
        /** The authentication tag does not verify under the device's key. */
        AUTH_FAILED
    }

    private final Kind kind;

    /**
     * @param kind    why
     * @param message what, for a log line
     */
    public ProtocolException(Kind kind, String message) {
        this(kind, message, null);
    }

    /**
     * @param kind    why
     * @param message what, for a log line
     * @param cause   the underlying failure, if any
     */
    public ProtocolException(Kind kind, String message, Throwable cause) {
        super(Objects.requireNonNull(kind, "kind") + ": " + message, cause, false, false);
        this.kind = kind;
    }

    /** Why the datagram was rejected. */
    public Kind kind() {
        return kind;
    }
}
