package net.dtm.protocol;

import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF with HMAC-SHA256 (RFC 5869): extract, then expand to at most 32 bytes (one block is all DTM needs). */
final class Hkdf {

    private static final String HMAC = "HmacSHA256";
    private static final int HASH_LENGTH = 32;

    private Hkdf() {
    }

    /**
     * The first {@code length} bytes of HKDF-SHA256 output keying material.
     *
     * @param ikm    input keying material (e.g. a shared secret)
     * @param salt   the salt; an empty salt stands for 32 zero bytes, as RFC 5869 says
     * @param info   context and application specific information
     * @param length 1 to 32
     */
    static byte[] sha256(byte[] ikm, byte[] salt, byte[] info, int length) {
        if (length < 1 || length > HASH_LENGTH) {
            throw new IllegalArgumentException("HKDF output of " + length + " bytes: 1 to " + HASH_LENGTH + " supported");
        }
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(salt.length == 0 ? new byte[HASH_LENGTH] : salt, HMAC));
            byte[] prk = mac.doFinal(ikm);
            mac.init(new SecretKeySpec(prk, HMAC));
            mac.update(info);
            mac.update((byte) 1);
            byte[] t1 = mac.doFinal();
            java.util.Arrays.fill(prk, (byte) 0);
            return length == HASH_LENGTH ? t1 : java.util.Arrays.copyOf(t1, length);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(HMAC + " is not available: " + ex.getMessage(), ex);
        }
    }
}
