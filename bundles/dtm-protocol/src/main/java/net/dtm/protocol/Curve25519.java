package net.dtm.protocol;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

import javax.crypto.KeyAgreement;

/**
 * Ed25519 signatures and X25519 key agreement over raw 32-byte keys, with the JDK's own providers
 * ("Ed25519" and "XDH"). A raw public key travels as its RFC 8410 X.509 encoding minus the fixed
 * 12-byte prefix (the little-endian y with the x sign in the top bit for Ed25519, the little-endian u
 * for X25519), so it converts to and from the JDK's key objects by adding or dropping that prefix.
 */
final class Curve25519 {

    /** Raw key, Ed25519 seed and X25519 scalar length in bytes. */
    static final int KEY_LENGTH = 32;
    /** Ed25519 signature length in bytes. */
    static final int SIGNATURE_LENGTH = 64;

    private static final byte[] ED25519_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final byte[] X25519_PREFIX = HexFormat.of().parseHex("302a300506032b656e032100");
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    /** The u-coordinates (mod p) of the X25519 points of small order: an exchange with one yields no secret. */
    private static final Set<BigInteger> SMALL_ORDER = Set.of(BigInteger.ZERO, BigInteger.ONE, P.subtract(BigInteger.ONE),
            new BigInteger("325606250916557431795983626356110631294008115727848805560023387167927233504"),
            new BigInteger("39382357235489614581723060781553021112529911719440698176882885853963445705823"));

    private Curve25519() {
    }

    /** The Ed25519 key pair of a 32-byte private seed (RFC 8032). */
    static KeyPair ed25519(byte[] seed) {
        return generate("Ed25519", NamedParameterSpec.ED25519, checkLength(seed, "Ed25519 seed"));
    }

    /** The X25519 key pair of a 32-byte private scalar (RFC 7748; clamped by the JDK when used). */
    static KeyPair x25519(byte[] scalar) {
        return generate("XDH", NamedParameterSpec.X25519, checkLength(scalar, "X25519 private key"));
    }

    /** The raw 32 bytes of an Ed25519 or X25519 public key. */
    static byte[] raw(PublicKey key) {
        byte[] encoded = key.getEncoded();
        if (encoded.length != ED25519_PREFIX.length + KEY_LENGTH) {
            throw new IllegalStateException("unexpected " + key.getAlgorithm() + " public key encoding, " + encoded.length + " bytes");
        }
        return Arrays.copyOfRange(encoded, ED25519_PREFIX.length, encoded.length);
    }

    /** Signs {@code data[0..length)} with an Ed25519 private key. */
    static byte[] sign(PrivateKey key, byte[] data, int length) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(data, 0, length);
            return s.sign();
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("Ed25519 signing failed: " + ex.getMessage(), ex);
        }
    }

    /**
     * Whether {@code signature} is a valid Ed25519 signature of {@code data} by the raw public key; false, never an
     * exception, for a key or signature that is malformed.
     */
    static boolean verify(byte[] publicKey, byte[] data, byte[] signature) {
        try {
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(x509(ED25519_PREFIX, publicKey));
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException ex) {
            return false;
        }
    }

    /**
     * The X25519 shared secret of our private key and a peer's raw public key.
     *
     * @throws InvalidKeyException if the peer's key has small order (no secret would be shared)
     */
    static byte[] agree(PrivateKey own, byte[] peerPublic) throws InvalidKeyException {
        try {
            PublicKey peer = KeyFactory.getInstance("XDH").generatePublic(x509(X25519_PREFIX, checkLength(peerPublic, "X25519 public key")));
            KeyAgreement agreement = KeyAgreement.getInstance("XDH");
            agreement.init(own);
            agreement.doPhase(peer, true);
            return agreement.generateSecret();
        } catch (InvalidKeyException ex) {
            throw ex;
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("X25519 is not available: " + ex.getMessage(), ex);
        }
    }

    /** Whether a raw X25519 public key is a point of small order, with which no secret can be agreed. */
    static boolean smallOrder(byte[] publicKey) {
        byte[] be = new byte[KEY_LENGTH];
        for (int i = 0; i < KEY_LENGTH; i++) {
            be[i] = publicKey[KEY_LENGTH - 1 - i];
        }
        be[0] &= 0x7f; // RFC 7748: the top bit is ignored
        return SMALL_ORDER.contains(new BigInteger(1, be).mod(P));
    }

    private static KeyPair generate(String algorithm, NamedParameterSpec curve, byte[] privateKey) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            generator.initialize(curve, new SeededRandom(privateKey));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(algorithm + " is not available in this JVM (Java 15+ required)", ex);
        }
    }

    private static X509EncodedKeySpec x509(byte[] prefix, byte[] raw) {
        byte[] encoded = Arrays.copyOf(prefix, prefix.length + raw.length);
        System.arraycopy(raw, 0, encoded, prefix.length, raw.length);
        return new X509EncodedKeySpec(encoded);
    }

    private static byte[] checkLength(byte[] key, String what) {
        if (key == null || key.length != KEY_LENGTH) {
            throw new IllegalArgumentException(what + " must be " + KEY_LENGTH + " bytes, got "
                    + (key == null ? "none" : key.length));
        }
        return key;
    }
}
