package net.dtm.protocol;

import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A router's own long-term X25519 key pair: made by the agent at its first start, the private key kept
 * in a file on the router and never sent; the public key goes in every ENROL so that the server seals
 * its reply to it ({@link EnrolCodec}). {@link #toString()} shows the public key only.
 */
public final class RouterKeyPair {

    private final byte[] privateKey;
    private final KeyPair keys;
    private final byte[] publicKey;

    private RouterKeyPair(byte[] privateKey) {
        this.keys = Curve25519.x25519(privateKey);
        this.privateKey = privateKey.clone();
        this.publicKey = Curve25519.raw(keys.getPublic());
    }

    /** A new random key pair. */
    public static RouterKeyPair generate() {
        byte[] scalar = new byte[Curve25519.KEY_LENGTH];
        new SecureRandom().nextBytes(scalar);
        return new RouterKeyPair(scalar);
    }

    /**
     * The key pair of a raw 32-byte X25519 private key (as {@link #privateKey()} gave it).
     *
     * @throws IllegalArgumentException if it is not 32 bytes
     */
    public static RouterKeyPair fromPrivateKey(byte[] raw32) {
        if (raw32 == null || raw32.length != Curve25519.KEY_LENGTH) {
            throw new IllegalArgumentException("a router private key is " + Curve25519.KEY_LENGTH + " bytes, got "
                    + (raw32 == null ? "none" : raw32.length));
        }
        return new RouterKeyPair(raw32);
    }

    /** The raw 32-byte X25519 public key (little-endian u). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** A copy of the raw 32-byte private key: for the router's key file, nothing else. */
    public byte[] privateKey() {
        return privateKey.clone();
    }

    /**
     * The X25519 shared secret with a peer's raw public key.
     *
     * @throws InvalidKeyException if the peer's key has small order
     */
    byte[] agree(byte[] peerPublic) throws InvalidKeyException {
        return Curve25519.agree(keys.getPrivate(), peerPublic);
    }

    /** The public key only. */
    @Override
    public String toString() {
        return "RouterKeyPair[public " + HexFormat.of().formatHex(publicKey) + "]";
    }
}
