package net.dtm.protocol;

import java.util.Objects;

import net.dtm.api.DeviceId;

/**
 * The clear header of a datagram, as read by {@link Codec#peek(byte[])} before authentication.
 * Nothing in it can be trusted until {@link Codec#decode(byte[], byte[])} has verified the
 * datagram; it only tells the receiver whose key to try.
 *
 * @param version       protocol version (currently {@link Codec#VERSION})
 * @param type          message type announced by the header
 * @param direction     which way the datagram travels
 * @param device        the device whose key protects the datagram
 * @param transactionId the transaction the message belongs to
 * @param sequence      the sender's sequence number, for the replay window
 */
public record Header(int version, MessageType type, Direction direction, DeviceId device, long transactionId,
                     long sequence) {
    public Header {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(device, "device");
    }
}
