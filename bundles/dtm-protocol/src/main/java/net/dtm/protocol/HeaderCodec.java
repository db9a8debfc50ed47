package net.dtm.protocol;

import java.nio.charset.StandardCharsets;

import net.dtm.api.DeviceId;
import net.dtm.protocol.ProtocolException.Kind;

/**
 * The clear header of a datagram, byte by byte: magic, version, type, direction, flags, device id,
 * transaction id, sequence, and the room for the nonce that ends it. Writes it for an envelope and
 * parses and checks it on receipt, before anything is authenticated.
 */
final class HeaderCodec {

    private static final int OFF_VERSION = 2;
    private static final int OFF_TYPE = 3;
    private static final int OFF_DIRECTION = 4;
    private static final int OFF_FLAGS = 5;
    private static final int OFF_ID_LENGTH = 6;
    private static final int OFF_ID = 7;

    private HeaderCodec() {
    }

    /** Header length, nonce included, for a device id of {@code idLength} bytes. */
    static int length(int idLength) {
        return Codec.FIXED_HEADER_LENGTH + idLength;
    }

    /** Header length of datagram {@code d}, whose header {@link #parse(byte[])} has accepted. */
    static int lengthOf(byte[] d) {
        return length(d[OFF_ID_LENGTH] & 0xff);
    }

    /**
     * Writes the header of {@code e} into {@code out[0..length(id.length))}, all but the nonce,
     * which the sealing fills in.
     */
    static void write(byte[] out, Envelope e, byte[] id) {
        write(out, e.version(), e.type(), e.direction(), id, e.transactionId(), e.sequence());
    }

    /** Writes a header with these fields into {@code out[0..length(id.length))}, all but the nonce. */
    static void write(byte[] out, int version, MessageType type, Direction direction, byte[] id, long transactionId,
                      long sequence) {
        out[0] = Codec.MAGIC_0;
        out[1] = Codec.MAGIC_1;
        out[OFF_VERSION] = (byte) version;
        out[OFF_TYPE] = (byte) type.code();
        out[OFF_DIRECTION] = (byte) direction.code();
        out[OFF_FLAGS] = 0;
        out[OFF_ID_LENGTH] = (byte) id.length;
        System.arraycopy(id, 0, out, OFF_ID, id.length);
        WireWriter.putLong(out, OFF_ID + id.length, transactionId);
        WireWriter.putLong(out, OFF_ID + id.length + 8, sequence);
    }

    /**
     * Parses and checks the clear header of {@code d}; also rejects a datagram too short to hold a
     * body and its tag.
     */
    static Header parse(byte[] d) throws ProtocolException {
        if (d.length > Codec.MAX_DATAGRAM) {
            throw new ProtocolException(Kind.OVERSIZED, d.length + " bytes, at most " + Codec.MAX_DATAGRAM);
        }
        if (d.length < 2) {
            throw new ProtocolException(Kind.TRUNCATED, d.length + " bytes, no room for the magic");
        }
        if (d[0] != Codec.MAGIC_0 || d[1] != Codec.MAGIC_1) {
            throw new ProtocolException(Kind.BAD_MAGIC, String.format("magic 0x%02x%02x", d[0] & 0xff, d[1] & 0xff));
        }
        if (d.length <= OFF_ID_LENGTH) {
            throw new ProtocolException(Kind.TRUNCATED, d.length + " bytes, header incomplete");
        }
        int version = d[OFF_VERSION] & 0xff;
        if (version < Codec.VERSION || version > Codec.MAX_VERSION) {
            throw new ProtocolException(Kind.BAD_VERSION,
                    "version " + version + ", this codec speaks " + Codec.VERSION + ".." + Codec.MAX_VERSION);
        }
        MessageType type = typeOf(d[OFF_TYPE] & 0xff);
        if (type == null) {
            throw new ProtocolException(Kind.MALFORMED, "unknown message type " + (d[OFF_TYPE] & 0xff));
        }
        if (Codec.isEnrolment(type) && version < Codec.ENROL_VERSION) {
            throw new ProtocolException(Kind.MALFORMED, type + " exists only from version " + Codec.ENROL_VERSION
                    + ", not in " + version);
        }
        Direction direction = directionOfCode(d[OFF_DIRECTION] & 0xff);
        if (direction == null) {
            throw new ProtocolException(Kind.MALFORMED, "unknown direction " + (d[OFF_DIRECTION] & 0xff));
        }
        if (d[OFF_FLAGS] != 0) {
            throw new ProtocolException(Kind.MALFORMED, "flags " + (d[OFF_FLAGS] & 0xff) + " set, v1 defines none");
        }
        int idLength = d[OFF_ID_LENGTH] & 0xff;
        if (idLength < 1 || idLength > DeviceId.MAX_LENGTH) {
            throw new ProtocolException(Kind.MALFORMED, "device id length " + idLength + " outside 1.." + DeviceId.MAX_LENGTH);
        }
        int headerLength = length(idLength);
        // The smallest body is its type byte.
        if (d.length < headerLength + 1 + Codec.TAG_LENGTH) {
            throw new ProtocolException(Kind.TRUNCATED,
                    d.length + " bytes, at least " + (headerLength + 1 + Codec.TAG_LENGTH) + " needed");
        }
        for (int i = OFF_ID; i < OFF_ID + idLength; i++) {
            if (!deviceIdChar(d[i])) {
                throw new ProtocolException(Kind.MALFORMED, "invalid byte " + (d[i] & 0xff) + " in device id");
            }
        }
        DeviceId device = new DeviceId(new String(d, OFF_ID, idLength, StandardCharsets.US_ASCII));
        long transactionId = WireReader.getLong(d, OFF_ID + idLength);
        long sequence = WireReader.getLong(d, OFF_ID + idLength + 8);
        return new Header(version, type, direction, device, transactionId, sequence);
    }

    /** The message type with wire code {@code code}, or null. */
    static MessageType typeOf(int code) {
        for (MessageType t : MessageType.values()) {
            if (t.code() == code) {
                return t;
            }
        }
        return null;
    }

    private static Direction directionOfCode(int code) {
        for (Direction d : Direction.values()) {
            if (d.code() == code) {
                return d;
            }
        }
        return null;
    }

    private static boolean deviceIdChar(byte b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
                || b == '.' || b == '_' || b == ':' || b == '-';
    }
}
