package net.dtm.protocol;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.XECPublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Test-side, independent implementation of the enrolment layout as docs/wire-format.md describes it,
 * with the JDK's key specs (EdECPublicKeySpec, XECPublicKeySpec) instead of the codec's encodings:
 * checks a request's signature, seals arbitrary reply plaintexts under any authentication key, opens replies,
 * derives a token's reply key.
 */
final class IndependentSeal {

    private static final byte[] INFO = "dtm enrol v4".getBytes(StandardCharsets.US_ASCII);

    private IndependentSeal() {
    }

    /** Ed25519 verification with the raw key read as RFC 8032 says: little-endian y, x's parity in the top bit. */
    static boolean verifies(byte[] rawPublic, byte[] data, byte[] signature) throws Exception {
        byte[] be = reverse(rawPublic);
        boolean xOdd = (be[0] & 0x80) != 0;
        be[0] &= 0x7f;
        PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(
                new EdECPublicKeySpec(NamedParameterSpec.ED25519, new EdECPoint(xOdd, new BigInteger(1, be))));
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(key);
        s.update(data);
        return s.verify(signature);
    }

    /** An ENROL_REPLY to {@code sent} carrying {@code plaintext} as its sealed body, sealed under {@code authKey}. */
    static byte[] reply(EnrolRequest sent, byte[] authKey, byte[] plaintext) throws Exception {
        byte[] id = sent.device().bytes();
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        ByteBuffer h = ByteBuffer.allocate(35 + id.length);
        h.put((byte) 'D').put((byte) 'T').put((byte) 4).put((byte) 10).put((byte) 2).put((byte) 0).put((byte) id.length)
                .put(id).putLong(sent.transactionId()).putLong(123).put(nonce);
        byte[] header = h.array();
        KeyPairGenerator g = KeyPairGenerator.getInstance("XDH");
        g.initialize(NamedParameterSpec.X25519);
        KeyPair ephemeral = g.generateKeyPair();
        byte[] ephemeralPublic = littleEndian(((XECPublicKey) ephemeral.getPublic()).getU());
        KeyAgreement ka = KeyAgreement.getInstance("XDH");
        ka.init(ephemeral.getPrivate());
        ka.doPhase(KeyFactory.getInstance("XDH").generatePublic(
                new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, reverse(sent.routerKey())))), true);
        byte[] key = hkdf(EnrolContractTest.concat(ka.generateSecret(), authKey),
                EnrolContractTest.concat(ephemeralPublic, sent.routerKey()));
        Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        c.updateAAD(header);
        return EnrolContractTest.concat(header, ephemeralPublic, c.doFinal(plaintext));
    }

    /** The sealed body of an ENROL_REPLY, opened with the router's raw private key and the key it was sealed under. */
    static byte[] open(byte[] reply, byte[] routerPrivate, byte[] authKey) throws Exception {
        int headerLength = 35 + reply[6];
        byte[] ephemeralPublic = Arrays.copyOfRange(reply, headerLength, headerLength + 32);
        KeyFactory xdh = KeyFactory.getInstance("XDH");
        KeyAgreement ka = KeyAgreement.getInstance("XDH");
        ka.init(xdh.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, routerPrivate)));
        ka.doPhase(xdh.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, reverse(ephemeralPublic)))), true);
        byte[] routerPublic = RouterKeyPair.fromPrivateKey(routerPrivate).publicKey();
        byte[] key = hkdf(EnrolContractTest.concat(ka.generateSecret(), authKey),
                EnrolContractTest.concat(ephemeralPublic, routerPublic));
        Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"),
                new IvParameterSpec(Arrays.copyOfRange(reply, headerLength - 12, headerLength)));
        c.updateAAD(reply, 0, headerLength);
        return c.doFinal(reply, headerLength + 32, reply.length - headerLength - 32);
    }

    /** The token's reply key as docs/wire-format.md derives it: HKDF-SHA256 of the seed, empty salt. */
    static byte[] replyKey(byte[] seed) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
        byte[] prk = mac.doFinal(seed);
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        mac.update("dtm enrol reply key v4".getBytes(StandardCharsets.US_ASCII));
        return mac.doFinal(new byte[] {1});
    }

    private static byte[] hkdf(byte[] ikm, byte[] salt) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(salt, "HmacSHA256"));
        byte[] prk = mac.doFinal(ikm);
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        mac.update(INFO);
        return mac.doFinal(new byte[] {1});
    }

    /** The 32-byte little-endian encoding of {@code v} (bits above 255 dropped). */
    static byte[] littleEndian(BigInteger v) {
        byte[] be = v.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) {
            out[i] = be[be.length - 1 - i];
        }
        return out;
    }

    private static byte[] reverse(byte[] b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[b.length - 1 - i];
        }
        return out;
    }
}
