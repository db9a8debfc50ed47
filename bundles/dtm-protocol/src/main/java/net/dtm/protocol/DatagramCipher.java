package net.dtm.protocol;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Objects;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import net.dtm.protocol.ProtocolException.Kind;

/**
 * The sealing of a datagram: ChaCha20-Poly1305 under the device's key over the body, with the whole
 * clear header (which ends with the nonce) as additional authenticated data. Stateless; the JDK
 * cipher and the {@link NonceSource} (a DRBG reseeded by count and time) are kept one per thread.
 */
final class DatagramCipher {

    private static final String CIPHER = "ChaCha20-Poly1305";
    private static final String KEY_ALGORITHM = "ChaCha20";

    // Cipher and SecureRandom instances are not shareable without locking; one per thread each.
    // Each thread's nonces come from its own DRBG, reseeded from the system's entropy by count and
    // time: the platform default (NativePRNG) serialises every thread's nextBytes on one global lock.
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(DatagramCipher::newCipher);
    private static final ThreadLocal<NonceSource> NONCES = ThreadLocal.withInitial(NonceSource::new);

    private DatagramCipher() {
    }

    /** Fills {@code bytes} from this thread's DRBG (the nonces' source): for ephemeral keys. */
    static void fresh(byte[] bytes) {
        NONCES.get().next(bytes);
    }

    /** @throws IllegalArgumentException if {@code key} is not {@link Codec#KEY_LENGTH} bytes */
    static void checkKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != Codec.KEY_LENGTH) {
            throw new IllegalArgumentException("device key must be " + Codec.KEY_LENGTH + " bytes, got " + key.length);
        }
    }

    /**
     * Puts a fresh random nonce at the end of the header {@code out[0..headerLength)}, then seals
     * {@code body[0..bodyLength)} into {@code out} right after the header, tag included.
     */
    static void seal(byte[] out, int headerLength, byte[] body, int bodyLength, byte[] key) {
        seal(out, headerLength, headerLength, body, bodyLength, key);
    }

    /**
     * As {@link #seal(byte[], int, byte[], int, byte[])}, but the sealed body goes at {@code out[bodyOffset]}
     * (the bytes between the header and it are neither encrypted nor authenticated here).
     */
    static void seal(byte[] out, int headerLength, int bodyOffset, byte[] body, int bodyLength, byte[] key) {
        byte[] nonce = new byte[Codec.NONCE_LENGTH];
        NONCES.get().next(nonce);
        System.arraycopy(nonce, 0, out, headerLength - Codec.NONCE_LENGTH, Codec.NONCE_LENGTH);
        try {
            Cipher cipher = initCipher(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
            cipher.updateAAD(out, 0, headerLength);
            int written = cipher.doFinal(body, 0, bodyLength, out, bodyOffset);
            if (written != bodyLength + Codec.TAG_LENGTH) {
                throw new IllegalStateException("cipher wrote " + written + " bytes, expected " + (bodyLength + Codec.TAG_LENGTH));
            }
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("encryption failed: " + ex.getMessage(), ex);
        }
    }

    /**
     * Authenticates datagram {@code d} whose clear header is {@code d[0..headerLength)} and returns
     * its body in plain.
     *
     * @throws ProtocolException {@link Kind#AUTH_FAILED} if it does not verify under {@code key}
     */
    static byte[] open(byte[] d, int headerLength, byte[] key) throws ProtocolException {
        return open(d, headerLength, headerLength, key);
    }

    /** As {@link #open(byte[], int, byte[])}, for a sealed body that starts at {@code d[bodyOffset]}. */
    static byte[] open(byte[] d, int headerLength, int bodyOffset, byte[] key) throws ProtocolException {
        try {
            Cipher cipher = initCipher(Cipher.DECRYPT_MODE, key,
                    new IvParameterSpec(d, headerLength - Codec.NONCE_LENGTH, Codec.NONCE_LENGTH));
            cipher.updateAAD(d, 0, headerLength);
            return cipher.doFinal(d, bodyOffset, d.length - bodyOffset);
        } catch (AEADBadTagException ex) {
            throw new ProtocolException(Kind.AUTH_FAILED, "authentication tag does not verify", ex);
        } catch (GeneralSecurityException ex) {
            throw new ProtocolException(Kind.AUTH_FAILED, "decryption failed: " + ex.getMessage(), ex);
        }
    }

    /**
     * The thread's cipher, initialised. The JDK refuses to re-initialise a ChaCha20 cipher with the
     * key and nonce of its previous initialisation, in either mode (a guard against nonce reuse).
     * For decryption that is legitimate and routine: the same datagram arrives over several links,
     * or a thread decodes what it just encoded. Decryption then first initialises with a different
     * nonce. Encryption never gets that way round the guard (its nonces are random anyway).
     */
    private static Cipher initCipher(int mode, byte[] key, IvParameterSpec nonce) throws GeneralSecurityException {
        SecretKeySpec keySpec = new SecretKeySpec(key, KEY_ALGORITHM);
        Cipher cipher = CIPHERS.get();
        try {
            cipher.init(mode, keySpec, nonce);
        } catch (InvalidKeyException sameKeyAndNonce) {
            if (mode != Cipher.DECRYPT_MODE) {
                throw sameKeyAndNonce;
            }
            byte[] other = nonce.getIV();
            other[0] ^= 1;
            cipher.init(Cipher.DECRYPT_MODE, keySpec, new IvParameterSpec(other));
            cipher.init(mode, keySpec, nonce);
        }
        return cipher;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance(CIPHER);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(CIPHER + " is not available in this JVM (Java 11+ required)", ex);
        }
    }
}
