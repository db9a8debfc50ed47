package net.dtm.protocol;

import java.util.Objects;

import net.dtm.api.DeviceId;

/**
 * A whole control message: the clear, authenticated header and the encrypted body.
 *
 * @param direction     which way it travels
 * @param device        the device it is from or to (whose key protects it)
 * @param transactionId random per request; an answer carries its request's transaction id
 * @param sequence      sender's monotonic sequence number, checked by the receiver's replay window
 * @param body          the message
 */
public record Envelope(Direction direction, DeviceId device, long transactionId, long sequence, Message body) {
    public Envelope {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(body, "body");
    }

    /** The body's type. */
    public MessageType type() {
        return body.type();
    }
}
