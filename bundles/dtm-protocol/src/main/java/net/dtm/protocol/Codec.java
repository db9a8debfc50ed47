package net.dtm.protocol;

import java.util.Objects;

import net.dtm.protocol.ProtocolException.Kind;

/**
 * The datagram codec of every message sealed with a device key: clear header, then the body encrypted and authenticated with
 * ChaCha20-Poly1305 under the device's 32-byte key, with the whole clear header as additional
 * authenticated data. The layout is specified byte by byte in {@code docs/wire-format.md}.
 *
 * <p>Stateless and safe for concurrent use from any number of threads.
 *
 * <p>{@link #peek(byte[])} and {@link #decode(byte[], byte[])} reject every malformed datagram with a
 * {@link ProtocolException} and never with any other exception type. {@link #encode(Envelope, byte[])}
 * rejects a message that cannot be represented (too large, a string over its limit, an unresolved
 * address, a type sent in the wrong direction) with an {@link IllegalArgumentException}.
 *
 * <p>This class frames and checks; the header layout is {@link HeaderCodec}, the sealing
 * {@link DatagramCipher}, the message bodies {@link BodyCodec}.
 */
public final class Codec {

    /** Largest datagram sent or accepted, in bytes: fits an IPv6 minimum-MTU path with room for tunnels. */
    public static final int MAX_DATAGRAM = 1200;
    /** The oldest wire version this codec speaks (and the one a v1 peer sends). */
    public static final int VERSION = 1;
    /**
     * The newest wire version this codec speaks: 2 is v1 plus the data-plane fields and PATH; 3 is
     * v2 plus the sequence mark of a NAK (the authenticated resync of a device's sequence numbers);
     * 4 is v3 plus ENROL and ENROL_REPLY (every other body is the same as in v3).
     */
    public static final int MAX_VERSION = 4;
    /** The first wire version whose NAK carries a sequence mark ({@link Nak#sequenceMark()}). */
    public static final int RESYNC_VERSION = 3;
    /** The first wire version with ENROL and ENROL_REPLY ({@link EnrolCodec}). */
    public static final int ENROL_VERSION = 4;
    /** First magic byte, {@code 'D'}. */
    public static final byte MAGIC_0 = 0x44;
    /** Second magic byte, {@code 'T'}. */
    public static final byte MAGIC_1 = 0x54;
    /** Device key length in bytes. */
    public static final int KEY_LENGTH = 32;
    /** ChaCha20-Poly1305 nonce length in bytes. */
    public static final int NONCE_LENGTH = 12;
    /** Poly1305 tag length in bytes. */
    public static final int TAG_LENGTH = 16;
    /** Clear header length without the device id bytes. */
    public static final int FIXED_HEADER_LENGTH = 2 + 1 + 1 + 1 + 1 + 1 + 8 + 8 + NONCE_LENGTH;

    private Codec() {
    }

    /** The direction a message type travels in: requests to the server, answers to the device. */
    public static Direction directionOf(MessageType type) {
        return switch (Objects.requireNonNull(type, "type")) {
            case ESTABLISH, CONFIRM, RENEW, RELEASE, PATH, ENROL -> Direction.TO_SERVER;
            case PARAMS, NAK, ACK, ENROL_REPLY -> Direction.TO_DEVICE;
        };
    }

    /** Whether {@code type} is one of the enrolment types, which are not sealed with a device key ({@link EnrolCodec}). */
    static boolean isEnrolment(MessageType type) {
        return type == MessageType.ENROL || type == MessageType.ENROL_REPLY;
    }

    /**
     * Encodes, encrypts and authenticates {@code e} under {@code key} with a fresh random nonce.
     *
     * @param e   the message
     * @param key the device's 32-byte key
     * @return the datagram, at most {@link #MAX_DATAGRAM} bytes
     * @throws IllegalArgumentException if the key is not 32 bytes, the datagram would exceed
     *                                  {@link #MAX_DATAGRAM} bytes, a field is outside its wire range,
     *                                  or the body type does not travel in {@code e.direction()}
     */
    public static byte[] encode(Envelope e, byte[] key) {
        Objects.requireNonNull(e, "envelope");
        DatagramCipher.checkKey(key);
        MessageType type = e.type();
        if (isEnrolment(type)) {
            throw new IllegalArgumentException(type + " is not sealed with a device key: EnrolCodec encodes it");
        }
        if (directionOf(type) != e.direction()) {
            throw new IllegalArgumentException(type + " travels " + directionOf(type) + ", not " + e.direction());
        }
        BodyCodec.checkVersion(e);
        byte[] id = e.device().bytes();
        int headerLength = HeaderCodec.length(id.length);
        WireWriter body = new WireWriter(MAX_DATAGRAM - headerLength - TAG_LENGTH);
        body.u8(type.code());
        BodyCodec.writeBody(body, e.body(), e.version());

        byte[] out = new byte[headerLength + body.length() + TAG_LENGTH];
        HeaderCodec.write(out, e, id);
        DatagramCipher.seal(out, headerLength, body.buffer(), body.length(), key);
        return out;
    }

    /**
     * Parses the clear header only, without authenticating anything, so the receiver can find the
     * device's key. Also rejects a datagram too short to hold a body and its tag.
     *
     * @throws ProtocolException if the datagram is oversized, truncated, not DTM, of another
     *                           version, or its header fields are invalid
     */
    public static Header peek(byte[] datagram) throws ProtocolException {
        Objects.requireNonNull(datagram, "datagram");
        try {
            return HeaderCodec.parse(datagram);
        } catch (RuntimeException ex) {
            throw new ProtocolException(Kind.MALFORMED, "header unreadable: " + ex, ex);
        }
    }

    /**
     * Authenticates, decrypts and parses a datagram under {@code key}, and checks that the body is
     * consistent with the header (same type, the type's direction, no trailing bytes).
     *
     * @param datagram the received datagram
     * @param key      the 32-byte key of the device named in its header (see {@link #peek(byte[])})
     * @throws ProtocolException        for any malformed, truncated, oversized, foreign or forged datagram,
     *                                  and for ENROL and ENROL_REPLY, which {@link EnrolCodec} reads
     * @throws IllegalArgumentException if {@code key} is not 32 bytes (a caller error, not a datagram error)
     */
    public static Envelope decode(byte[] datagram, byte[] key) throws ProtocolException {
        Objects.requireNonNull(datagram, "datagram");
        DatagramCipher.checkKey(key);
        try {
            Header header = HeaderCodec.parse(datagram);
            if (isEnrolment(header.type())) {
                throw new ProtocolException(Kind.MALFORMED,
                        header.type() + " is not sealed with a device key: EnrolCodec reads it");
            }
            byte[] plain = DatagramCipher.open(datagram, HeaderCodec.lengthOf(datagram), key);
            WireReader in = new WireReader(plain);
            int bodyType = in.u8("body type");
            if (bodyType != header.type().code()) {
                throw new ProtocolException(Kind.MALFORMED,
                        "header says " + header.type() + " but body is type " + bodyType);
            }
            if (directionOf(header.type()) != header.direction()) {
                throw new ProtocolException(Kind.MALFORMED,
                        header.type() + " must travel " + directionOf(header.type()) + ", not " + header.direction());
            }
            Message body = BodyCodec.readBody(in, header.type(), header.version());
            if (in.remaining() != 0) {
                throw new ProtocolException(Kind.MALFORMED, in.remaining() + " trailing bytes after " + header.type());
            }
            return new Envelope(header.direction(), header.device(), header.transactionId(), header.sequence(), body,
                    header.version());
        } catch (RuntimeException ex) {
            // Safety net: record constructors and JDK parsers must never let a datagram escape as
            // anything but a ProtocolException.
            throw new ProtocolException(Kind.MALFORMED, "unreadable datagram: " + ex, ex);
        }
    }
}
