package net.dtm.protocol;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.util.Arrays;

import net.dtm.protocol.ProtocolException.Kind;

/**
 * The sealing of an ENROL_REPLY to one router's X25519 public key under a 32-byte authentication key:
 * a fresh ephemeral X25519 key per reply, ECDH with the router's key, HKDF-SHA256 (input = the shared
 * secret || the authentication key, salt = ephemeral public key || router public key, info
 * {@value #INFO_TEXT}) to a 32-byte key, then ChaCha20-Poly1305 with the clear header as additional
 * data ({@link DatagramCipher}). The ephemeral public key travels in clear right after the header.
 * Only the holder of the router's private key can open it, and only a sender that knows the
 * authentication key can make one that opens ({@link EnrolCodec} says which key).
 */
final class EnrolSeal {

    /** Bytes the seal adds to the plaintext: the ephemeral public key and the tag. */
    static final int OVERHEAD = Curve25519.KEY_LENGTH + Codec.TAG_LENGTH;
    static final String INFO_TEXT = "dtm enrol v4";
    /** Length of the authentication key. */
    static final int AUTH_KEY_LENGTH = 32;
    private static final byte[] INFO = INFO_TEXT.getBytes(StandardCharsets.US_ASCII);

    private EnrolSeal() {
    }

    /**
     * Puts a fresh nonce at the end of the header {@code out[0..headerLength)}, the ephemeral public key
     * right after it, and {@code plain[0..plainLength)} sealed after that, tag included.
     *
     * @throws IllegalArgumentException if the router key has small order (nothing can be sealed to it)
     */
    static void seal(byte[] out, int headerLength, byte[] routerKey, byte[] authKey, byte[] plain, int plainLength) {
        byte[] scalar = new byte[Curve25519.KEY_LENGTH];
        DatagramCipher.fresh(scalar);
        RouterKeyPair ephemeral = RouterKeyPair.fromPrivateKey(scalar);
        Arrays.fill(scalar, (byte) 0);
        byte[] ephemeralKey = ephemeral.publicKey();
        byte[] shared;
        try {
            shared = ephemeral.agree(routerKey);
        } catch (InvalidKeyException ex) {
            throw new IllegalArgumentException("the router key has small order: no reply can be sealed to it", ex);
        }
        byte[] key = key(shared, authKey, ephemeralKey, routerKey);
        System.arraycopy(ephemeralKey, 0, out, headerLength, ephemeralKey.length);
        DatagramCipher.seal(out, headerLength, headerLength + ephemeralKey.length, plain, plainLength, key);
        Arrays.fill(key, (byte) 0);
    }

    /**
     * Opens what {@link #seal} sealed in datagram {@code d} (header {@code d[0..headerLength)}) with the router's key
     * pair and the authentication key it was sealed under.
     *
     * @throws ProtocolException {@link Kind#TRUNCATED} if too short, {@link Kind#AUTH_FAILED} if not sealed to this
     *                           router under {@code authKey}
     */
    static byte[] open(byte[] d, int headerLength, RouterKeyPair router, byte[] authKey) throws ProtocolException {
        int bodyOffset = headerLength + Curve25519.KEY_LENGTH;
        if (d.length < bodyOffset + Codec.TAG_LENGTH) {
            throw new ProtocolException(Kind.TRUNCATED, d.length + " bytes, at least " + (bodyOffset + Codec.TAG_LENGTH) + " needed");
        }
        byte[] ephemeralKey = Arrays.copyOfRange(d, headerLength, bodyOffset);
        byte[] shared;
        try {
            shared = router.agree(ephemeralKey);
        } catch (InvalidKeyException ex) {
            throw new ProtocolException(Kind.AUTH_FAILED, "ephemeral key has small order", ex);
        }
        byte[] key = key(shared, authKey, ephemeralKey, router.publicKey());
        try {
            return DatagramCipher.open(d, headerLength, bodyOffset, key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** HKDF-SHA256 of the shared secret and the authentication key, salted with both public keys; wipes the secret. */
    private static byte[] key(byte[] shared, byte[] authKey, byte[] ephemeralKey, byte[] routerKey) {
        if (authKey == null || authKey.length != AUTH_KEY_LENGTH) {
            Arrays.fill(shared, (byte) 0);
            throw new IllegalArgumentException("an enrolment reply's authentication key is " + AUTH_KEY_LENGTH + " bytes");
        }
        byte[] ikm = Arrays.copyOf(shared, shared.length + authKey.length);
        System.arraycopy(authKey, 0, ikm, shared.length, authKey.length);
        Arrays.fill(shared, (byte) 0);
        byte[] salt = Arrays.copyOf(ephemeralKey, ephemeralKey.length + routerKey.length);
        System.arraycopy(routerKey, 0, salt, ephemeralKey.length, routerKey.length);
        try {
            return Hkdf.sha256(ikm, salt, INFO, Codec.KEY_LENGTH);
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }
}
