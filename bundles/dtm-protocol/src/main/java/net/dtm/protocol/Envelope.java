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
 * @param version       wire format version it travels in, {@link Codec#VERSION} to {@link Codec#MAX_VERSION}
 *                      (docs/wire-format.md); an answer goes out in its request's version
 */
public record Envelope(Direction direction, DeviceId device, long transactionId, long sequence, Message body,
                       int version) {
    public Envelope {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(body, "body");
        if (version < Codec.VERSION || version > Codec.MAX_VERSION) {
            throw new IllegalArgumentException("wire version " + version + " outside " + Codec.VERSION + ".." + Codec.MAX_VERSION);
        }
    }

    /** A version 1 envelope. */
    public Envelope(Direction direction, DeviceId device, long transactionId, long sequence, Message body) {
        this(direction, device, transactionId, sequence, body, Codec.VERSION);
    }

    /** The body's type. */
    public MessageType type() {
        return body.type();
    }
}
