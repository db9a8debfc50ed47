package net.dtm.protocol;

import java.util.Objects;

import net.dtm.api.DtmException.Reason;

/**
 * NAK: the server refuses, with a machine-readable reason and a human text (at most 200 bytes UTF-8).
 *
 * @param reason why
 * @param text   what an operator should read
 */
public record Nak(Reason reason, String text) implements Message {
    public Nak {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(text, "text");
    }

    @Override
    public MessageType type() {
        return MessageType.NAK;
    }
}
