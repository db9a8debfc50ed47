package net.dtm.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The primitives against their RFCs' test vectors: Ed25519 from a seed (RFC 8032), X25519 (RFC 7748),
 * HKDF-SHA256 (RFC 5869); and the small-order screen of router keys against the JDK's own check.
 */
class CryptoVectorsTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void ed25519FromASeedIsRfc8032() {
        byte[] seed = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        byte[] pub = HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        byte[] sig = HEX.parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        KeyPair k = Curve25519.ed25519(seed);
        assertArrayEquals(pub, Curve25519.raw(k.getPublic()));
        assertArrayEquals(sig, Curve25519.sign(k.getPrivate(), new byte[0], 0));
        assertTrue(Curve25519.verify(pub, new byte[0], sig));
        assertFalse(Curve25519.verify(pub, new byte[1], sig));
        assertFalse(Curve25519.verify(new byte[32], new byte[0], sig)); // not a key: false, not an exception
        assertFalse(Curve25519.verify(pub, new byte[0], new byte[63]));
        EnrolmentToken token = EnrolmentToken.parse("dtmek1-rfc8032test1-" + Base64.getUrlEncoder().withoutPadding().encodeToString(seed));
        assertArrayEquals(pub, token.publicKey());
    }

    @Test
    void x25519IsRfc7748() throws Exception {
        byte[] alicePrivate = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] alicePublic = HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        byte[] bobPrivate = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        byte[] bobPublic = HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        byte[] shared = HEX.parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        RouterKeyPair alice = RouterKeyPair.fromPrivateKey(alicePrivate);
        RouterKeyPair bob = RouterKeyPair.fromPrivateKey(bobPrivate);
        assertArrayEquals(alicePublic, alice.publicKey());
        assertArrayEquals(bobPublic, bob.publicKey());
        assertArrayEquals(shared, alice.agree(bobPublic));
        assertArrayEquals(shared, bob.agree(alicePublic));
    }

    @Test
    void hkdfIsRfc5869() {
        byte[] okm = Hkdf.sha256(HEX.parseHex("0b".repeat(22)), HEX.parseHex("000102030405060708090a0b0c"),
                HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 32);
        assertArrayEquals(HEX.parseHex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"), okm);
        // RFC 5869 A.3: no salt, no info
        assertArrayEquals(HEX.parseHex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"),
                Hkdf.sha256(HEX.parseHex("0b".repeat(22)), new byte[0], new byte[0], 32));
        assertThrows(IllegalArgumentException.class, () -> Hkdf.sha256(new byte[1], new byte[1], new byte[0], 33));
    }

    @Test
    void theSmallOrderScreenAgreesWithTheJdk() {
        BigInteger p = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
        BigInteger order8a = new BigInteger("325606250916557431795983626356110631294008115727848805560023387167927233504");
        BigInteger order8b = new BigInteger("39382357235489614581723060781553021112529911719440698176882885853963445705823");
        RouterKeyPair own = RouterKeyPair.generate();
        List<BigInteger> small = List.of(BigInteger.ZERO, BigInteger.ONE, p.subtract(BigInteger.ONE), p, p.add(BigInteger.ONE),
                order8a, order8b, BigInteger.ZERO.setBit(255), p.setBit(255), p.subtract(BigInteger.ONE).setBit(255), order8b.setBit(255));
        for (BigInteger u : small) {
            byte[] raw = IndependentSeal.littleEndian(u);
            assertTrue(Curve25519.smallOrder(raw), u.toString(16));
            assertThrows(InvalidKeyException.class, () -> own.agree(raw), u.toString(16));
        }
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 200; i++) {
            byte[] raw = new byte[32];
            random.nextBytes(raw);
            assertFalse(Curve25519.smallOrder(raw));
        }
        assertFalse(Curve25519.smallOrder(own.publicKey()));
        // the screen reads a key as the JDK does: top bit ignored, reduced mod p
        byte[] nine = IndependentSeal.littleEndian(BigInteger.valueOf(9));
        byte[] nineTopBit = IndependentSeal.littleEndian(BigInteger.valueOf(9).setBit(255));
        byte[] ninePlusP = IndependentSeal.littleEndian(BigInteger.valueOf(9).add(p));
        try {
            assertArrayEquals(own.agree(nine), own.agree(nineTopBit));
            assertArrayEquals(own.agree(nine), own.agree(ninePlusP));
        } catch (InvalidKeyException ex) {
            throw new AssertionError(ex);
        }
    }

    @Test
    void aSeededGeneratorGivesItsSeedOnceOnly() {
        SeededRandom r = new SeededRandom(new byte[32]);
        byte[] out = new byte[32];
        r.nextBytes(out);
        assertThrows(IllegalStateException.class, () -> r.nextBytes(new byte[32]));
        assertThrows(IllegalStateException.class, () -> new SeededRandom(new byte[32]).nextBytes(new byte[16]));
    }
}
