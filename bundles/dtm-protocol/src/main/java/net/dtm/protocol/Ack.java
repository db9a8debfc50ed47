package net.dtm.protocol;

import java.util.Objects;

/**
 * ACK: the server has durably applied a CONFIRM or RELEASE.
 *
 * @param acknowledged the type acknowledged
 */
public record Ack(MessageType acknowledged) implements Message {
    public Ack {
        Objects.requireNonNull(acknowledged, "acknowledged");
        if (Codec.isEnrolment(acknowledged)) {
            throw new IllegalArgumentException(acknowledged + " is never acknowledged");
        }
    }

    @Override
    public MessageType type() {
        return MessageType.ACK;
    }
}
