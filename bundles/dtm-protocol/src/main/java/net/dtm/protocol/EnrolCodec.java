package net.dtm.protocol;

import java.util.Arrays;
import java.util.Objects;

import net.dtm.api.DeviceId;
import net.dtm.api.EnrolmentKey;
import net.dtm.api.Pool;
import net.dtm.protocol.ProtocolException.Kind;

/**
 * The enrolment exchange of wire version 4 (docs/wire-format.md): a router asks for its own device
 * credential with ENROL, the server answers ENROL_REPLY. Both have the usual clear header, so
 * {@link Codec#peek(byte[])} reads them; neither is sealed with a device key (the router has none yet).
 *
 * <ul>
 * <li>ENROL travels in clear, nothing in it is secret: the enrolment key's id and Ed25519 public key, the
 * router's X25519 public key, and an Ed25519 signature over every byte before it, header included. The
 * signature binds the device id, the transaction and the router key to the enrolment key. A key fetch
 * (a router that enrolled itself asks for its current credential) has neither enrolment key nor signature.
 * <li>ENROL_REPLY is sealed to the router key of the request it answers ({@link EnrolSeal}): a replayed or
 * forged ENROL gets an answer only the router named in it can read. A GRANTED reply is also sealed under a
 * grant key the router holds (the token's reply key, or its device key for a key fetch), so no one on the
 * path can answer an ENROL with a device key of their choosing; refusals are not authenticated.
 * </ul>
 *
 * <p>Stateless and thread-safe. Decoding rejects every malformed datagram with a {@link ProtocolException}
 * and never with another exception type; encoding what cannot be represented is an {@link IllegalArgumentException}.
 */
public final class EnrolCodec {

    private static final int FLAG_KEY_USED_UP = 1;
    /** The authentication key of refusals: known to all, so it proves nothing. */
    private static final byte[] NO_AUTH_KEY = new byte[EnrolSeal.AUTH_KEY_LENGTH];

    private EnrolCodec() {
    }

    /**
     * An ENROL for {@code device}, signed with the token's secret, or a key fetch when {@code tokenOrNull} is null.
     *
     * @return the datagram (its header's nonce field is zero: nothing is sealed)
     */
    public static byte[] encodeRequest(DeviceId device, long transactionId, long sequence, RouterKeyPair router,
                                       EnrolmentToken tokenOrNull) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(router, "router");
        byte[] id = device.bytes();
        int headerLength = HeaderCodec.length(id.length);
        WireWriter body = new WireWriter(Codec.MAX_DATAGRAM - headerLength);
        body.u8(MessageType.ENROL.code());
        if (tokenOrNull == null) {
            body.u8(0);
            body.bytes(router.publicKey());
        } else {
            body.string(tokenOrNull.id(), 1, Byte.MAX_VALUE, "enrolment key id");
            body.bytes(tokenOrNull.publicKey());
            body.bytes(router.publicKey());
        }
        int signedLength = headerLength + body.length();
        byte[] out = new byte[signedLength + (tokenOrNull == null ? 0 : Curve25519.SIGNATURE_LENGTH)];
        HeaderCodec.write(out, Codec.ENROL_VERSION, MessageType.ENROL, Direction.TO_SERVER, id, transactionId, sequence);
        System.arraycopy(body.buffer(), 0, out, headerLength, body.length());
        if (tokenOrNull != null) {
            byte[] signature = tokenOrNull.sign(out, signedLength);
            System.arraycopy(signature, 0, out, signedLength, signature.length);
        }
        return out;
    }

    /**
     * Reads an ENROL's structure; the signature is checked by {@link ReceivedEnrol#signatureVerifies()}.
     *
     * @throws ProtocolException if it is not a well-formed version-4 ENROL travelling to the server (also for
     *                           a router key of small order, to which no reply could be sealed)
     */
    public static ReceivedEnrol decodeRequest(byte[] datagram) throws ProtocolException {
        Objects.requireNonNull(datagram, "datagram");
        try {
            Header header = HeaderCodec.parse(datagram);
            checkType(header, MessageType.ENROL);
            int headerLength = HeaderCodec.lengthOf(datagram);
            for (int i = headerLength - Codec.NONCE_LENGTH; i < headerLength; i++) {
                if (datagram[i] != 0) {
                    throw new ProtocolException(Kind.MALFORMED, "ENROL nonce field is not zero");
                }
            }
            WireReader in = new WireReader(Arrays.copyOfRange(datagram, headerLength, datagram.length));
            int bodyType = in.u8("body type");
            if (bodyType != MessageType.ENROL.code()) {
                throw new ProtocolException(Kind.MALFORMED, "header says ENROL but body is type " + bodyType);
            }
            String keyId = in.string(0, 32, "enrolment key id");
            if (!keyId.isEmpty() && !EnrolmentKey.isValidId(keyId)) {
                throw new ProtocolException(Kind.MALFORMED, "malformed enrolment key id");
            }
            byte[] enrolKey = keyId.isEmpty() ? new byte[0] : in.bytes(Curve25519.KEY_LENGTH, "enrolment public key");
            byte[] routerKey = in.bytes(Curve25519.KEY_LENGTH, "router key");
            byte[] signature = keyId.isEmpty() ? new byte[0] : in.bytes(Curve25519.SIGNATURE_LENGTH, "signature");
            if (in.remaining() != 0) {
                throw new ProtocolException(Kind.MALFORMED, in.remaining() + " trailing bytes after ENROL");
            }
            if (Curve25519.smallOrder(routerKey)) {
                throw new ProtocolException(Kind.MALFORMED, "router key has small order");
            }
            EnrolRequest request = new EnrolRequest(header.device(), header.transactionId(), header.sequence(), keyId,
                    enrolKey, routerKey);
            byte[] signed = Arrays.copyOf(datagram, datagram.length - signature.length);
            return new ReceivedEnrol(request, signed, signature);
        } catch (RuntimeException ex) {
            throw new ProtocolException(Kind.MALFORMED, "unreadable ENROL: " + ex, ex);
        }
    }

    /**
     * The ENROL_REPLY answering {@code to}, sealed to its router key. A GRANTED reply is sealed under
     * {@code grantKey}, the key the router holds and no one on the path does: the token's
     * {@link EnrolmentToken#replyKey()} for an ENROL with a token, the device key the router holds for a key
     * fetch. A REFUSED or TRY_LATER reply is sealed under 32 zero bytes whatever {@code grantKey} is: refusals
     * are the same for every reason and authenticate nothing (the node may not know any key).
     *
     * @param sequence the server's sequence number for the reply
     * @param grantKey 32 bytes; required for a GRANTED reply, ignored (may be null) otherwise
     * @throws IllegalArgumentException if the router key has small order (decodeRequest refuses such requests),
     *                                  or a GRANTED reply has no 32-byte grant key
     */
    public static byte[] encodeReply(EnrolRequest to, long sequence, EnrolReply reply, byte[] grantKey) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reply, "reply");
        boolean granted = reply.status() == EnrolReply.Status.GRANTED;
        if (granted) {
            checkGrantKey(grantKey);
        }
        WireWriter plain = new WireWriter(1 + Codec.KEY_LENGTH + 1 + BodyCodec.MAX_POOL + 1);
        plain.u8(reply.status().code());
        if (granted) {
            plain.bytes(reply.deviceKey());
            plain.string(reply.pool(), 0, BodyCodec.MAX_POOL, "pool");
            plain.u8(reply.keyUsedUp() ? FLAG_KEY_USED_UP : 0);
        }
        byte[] id = to.device().bytes();
        int headerLength = HeaderCodec.length(id.length);
        byte[] out = new byte[headerLength + EnrolSeal.OVERHEAD + plain.length()];
        HeaderCodec.write(out, Codec.ENROL_VERSION, MessageType.ENROL_REPLY, Direction.TO_DEVICE, id, to.transactionId(),
                sequence);
        EnrolSeal.seal(out, headerLength, to.routerKey(), granted ? grantKey : NO_AUTH_KEY, plain.buffer(), plain.length());
        Arrays.fill(plain.buffer(), (byte) 0);
        return out;
    }

    /**
     * Opens and reads the ENROL_REPLY to the request {@code sent}: first under {@code grantKey} (what a node
     * that knows it sealed: any status), then under the zero key, which only a REFUSED or TRY_LATER may use.
     *
     * @param router   the key pair whose public key {@code sent} carried
     * @param grantKey 32 bytes: the token's {@link EnrolmentToken#replyKey()} for an ENROL with a token, the
     *                 device key the router holds for a key fetch
     * @throws ProtocolException        if it is malformed, answers another device or transaction, is not
     *                                  sealed to {@code router}, or is a GRANTED not sealed under {@code grantKey}
     * @throws IllegalArgumentException if {@code router} is not the key pair of {@code sent} or the grant key is
     *                                  not 32 bytes (caller errors)
     */
    public static EnrolReply decodeReply(byte[] datagram, EnrolRequest sent, RouterKeyPair router, byte[] grantKey)
            throws ProtocolException {
        Objects.requireNonNull(datagram, "datagram");
        Objects.requireNonNull(sent, "sent");
        Objects.requireNonNull(router, "router");
        checkGrantKey(grantKey);
        if (!Arrays.equals(router.publicKey(), sent.routerKey())) {
            throw new IllegalArgumentException("the router key pair is not the one the request carried");
        }
        try {
            Header header = HeaderCodec.parse(datagram);
            checkType(header, MessageType.ENROL_REPLY);
            if (!header.device().equals(sent.device())) {
                throw new ProtocolException(Kind.MALFORMED, "reply for device " + header.device() + ", not " + sent.device());
            }
            if (header.transactionId() != sent.transactionId()) {
                throw new ProtocolException(Kind.MALFORMED, "reply for another transaction");
            }
            int headerLength = HeaderCodec.lengthOf(datagram);
            byte[] plain;
            boolean authentic = true;
            try {
                plain = EnrolSeal.open(datagram, headerLength, router, grantKey);
            } catch (ProtocolException notUnderGrantKey) {
                if (notUnderGrantKey.kind() != Kind.AUTH_FAILED) {
                    throw notUnderGrantKey;
                }
                plain = EnrolSeal.open(datagram, headerLength, router, NO_AUTH_KEY);
                authentic = false;
            }
            try {
                EnrolReply reply = readReply(new WireReader(plain));
                if (!authentic && reply.status() == EnrolReply.Status.GRANTED) {
                    throw new ProtocolException(Kind.AUTH_FAILED, "a GRANTED reply not sealed under the grant key");
                }
                return reply;
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
        } catch (RuntimeException ex) {
            throw new ProtocolException(Kind.MALFORMED, "unreadable ENROL_REPLY: " + ex, ex);
        }
    }

    private static EnrolReply readReply(WireReader in) throws ProtocolException {
        int code = in.u8("status");
        EnrolReply.Status status = EnrolReply.Status.ofCode(code);
        if (status == null) {
            throw new ProtocolException(Kind.MALFORMED, "unknown enrolment status " + code);
        }
        EnrolReply reply;
        if (status == EnrolReply.Status.GRANTED) {
            byte[] key = in.bytes(Codec.KEY_LENGTH, "device key");
            String pool = in.string(0, BodyCodec.MAX_POOL, "pool");
            if (!pool.isEmpty() && !Pool.isValidName(pool)) {
                throw new ProtocolException(Kind.MALFORMED, "invalid pool name");
            }
            int flags = in.u8("flags");
            if ((flags & ~FLAG_KEY_USED_UP) != 0) {
                throw new ProtocolException(Kind.MALFORMED, "unknown enrolment reply flags " + flags);
            }
            reply = EnrolReply.granted(key, pool, (flags & FLAG_KEY_USED_UP) != 0);
            Arrays.fill(key, (byte) 0);
        } else {
            reply = status == EnrolReply.Status.REFUSED ? EnrolReply.refused() : EnrolReply.tryLater();
        }
        if (in.remaining() != 0) {
            throw new ProtocolException(Kind.MALFORMED, in.remaining() + " trailing bytes after the enrolment reply");
        }
        return reply;
    }

    private static void checkGrantKey(byte[] grantKey) {
        if (grantKey == null || grantKey.length != EnrolSeal.AUTH_KEY_LENGTH) {
            throw new IllegalArgumentException("a grant key is " + EnrolSeal.AUTH_KEY_LENGTH + " bytes");
        }
    }

    private static void checkType(Header header, MessageType expected) throws ProtocolException {
        if (header.type() != expected) {
            throw new ProtocolException(Kind.MALFORMED, "a " + header.type() + ", not an " + expected);
        }
        if (header.direction() != Codec.directionOf(expected)) {
            throw new ProtocolException(Kind.MALFORMED, expected + " must travel " + Codec.directionOf(expected));
        }
    }
}
