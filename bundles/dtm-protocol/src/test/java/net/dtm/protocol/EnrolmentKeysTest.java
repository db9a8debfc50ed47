package net.dtm.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;

import net.dtm.api.EnrolmentKey;

/** Enrolment tokens and router key pairs: generation, the text and raw forms, and what never shows. */
class EnrolmentKeysTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void aGeneratedTokenParsesBackToTheSameKey() {
        EnrolmentToken t = EnrolmentToken.generate(RANDOM);
        assertEquals(EnrolmentToken.ID_LENGTH, t.id().length());
        assertTrue(EnrolmentKey.isValidId(t.id()));
        assertTrue(t.token().startsWith("dtmek1-" + t.id() + "-"));
        EnrolmentToken back = EnrolmentToken.parse(t.token() + "\n");
        assertEquals(t, back);
        assertArrayEquals(t.publicKey(), back.publicKey());
        assertEquals(t.token(), back.token());
        assertEquals(32, t.publicKey().length);
        assertArrayEquals(EnrolmentToken.verifierOf(t.publicKey()), t.verifier());
    }

    @Test
    void toStringNeverShowsTheSecret() {
        EnrolmentToken t = EnrolmentToken.generate(RANDOM);
        String secret = t.token().substring(t.token().lastIndexOf('-') + 1);
        assertFalse(t.toString().contains(secret));
        assertEquals("dtmek1-" + t.id() + "-***", t.toString());
    }

    @Test
    void aRouterKeyPairIsRestoredFromItsPrivateKey() {
        RouterKeyPair k = RouterKeyPair.generate();
        RouterKeyPair back = RouterKeyPair.fromPrivateKey(k.privateKey());
        assertArrayEquals(k.publicKey(), back.publicKey());
        assertArrayEquals(k.privateKey(), back.privateKey());
        assertFalse(k.toString().contains(java.util.HexFormat.of().formatHex(k.privateKey())));
    }
}
