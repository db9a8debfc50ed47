package net.dtm.protocol;

import java.util.Objects;

import net.dtm.api.DtmException.Reason;

/**
 * NAK: the server refuses, with a machine-readable reason and a human text (at most 200 bytes UTF-8).
 *
 * @param reason       why
 * @param text         what an operator should read
 * @param sequenceMark wire version 3: with {@link Reason#STALE_SEQUENCE}, the highest sequence number
 *                     of the device the server has seen or applied: the device's next request must
 *                     be numbered above it; 0 otherwise (and always in versions 1 and 2)
 * @since 1.2 ({@code sequenceMark})
 */
public record Nak(Reason reason, String text, long sequenceMark) implements Message {
    public Nak {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(text, "text");
    }

    /** A NAK without a sequence mark. */
    public Nak(Reason reason, String text) {
        this(reason, text, 0);
    }

    /** Whether this NAK asks the device to continue its sequence numbers above {@link #sequenceMark()}. */
    public boolean isResync() {
        return reason == Reason.STALE_SEQUENCE && sequenceMark != 0;
    }

    @Override
    public MessageType type() {
        return MessageType.NAK;
    }
}
