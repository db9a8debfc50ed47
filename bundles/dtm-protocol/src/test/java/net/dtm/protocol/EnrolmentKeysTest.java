package net.dtm.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
        String secret = t.token().substring(("dtmek1-" + t.id() + "-").length());
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

    @Test
    void aBadTokenGetsAClearMessageWithoutTheSecret() {
        EnrolmentToken t = EnrolmentToken.generate(RANDOM);
        String secret = t.token().substring(("dtmek1-" + t.id() + "-").length());
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = secret.charAt(42);
        String nonCanonical = secret.substring(0, 42) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
        String[][] cases = {
                {null, "no enrolment token"},
                {"  \n", "no enrolment token"},
                {"dtmek2-" + t.id() + "-" + secret, "must start with 'dtmek1-'"},
                {"DTMEK1-" + t.id() + "-" + secret, "must start with 'dtmek1-'"},
                {secret, "must start with 'dtmek1-'"},
                {"dtmek1-" + "A".repeat(43), "has no secret"},
                {"dtmek1-abc-" + secret, "id must be 4 to 32 lower-case letters or digits"},
                {"dtmek1-" + "a".repeat(33) + "-" + secret, "id must be 4 to 32"},
                {"dtmek1-" + t.id().toUpperCase() + "x-" + secret, "id must be 4 to 32"},
                {"dtmek1--" + secret, "id must be 4 to 32"},
                {"dtmek1-" + t.id() + "-" + secret.substring(1), "expected 43 base64url characters"},
                {"dtmek1-" + t.id() + "-" + secret + "A", "expected 43 base64url characters"},
                {"dtmek1-" + t.id() + "-" + secret.substring(0, 42) + "=", "expected 43 base64url characters"},
                {"dtmek1-" + t.id() + "-" + secret + "=", "expected 43 base64url characters"},
                {"dtmek1-" + t.id() + "-" + secret.substring(0, 20) + "+" + secret.substring(21), "base64url"},
                {"dtmek1-" + t.id() + "-" + secret.substring(0, 20) + " " + secret.substring(21), "base64url"},
                {"dtmek1-" + t.id() + "-" + nonCanonical, "canonical"},
                {"dtmek1-" + t.id() + "-", "expected 43 base64url characters"},
        };
        for (String[] c : cases) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> EnrolmentToken.parse(c[0]),
                    String.valueOf(c[0]));
            String message = ex.getMessage();
            assertTrue(message.contains(c[1]), message);
            for (int i = 0; i + 6 <= secret.length(); i++) {
                assertFalse(message.contains(secret.substring(i, i + 6)), "message shows part of the secret: " + message);
            }
        }
        assertEquals(t, EnrolmentToken.parse("\t " + t.token() + " \r\n"));
    }

    @Test
    void secretsNeverShowInToString() throws Exception {
        EnrolmentToken t = EnrolmentToken.generate(RANDOM);
        String secret = t.token().substring(("dtmek1-" + t.id() + "-").length());
        RouterKeyPair router = RouterKeyPair.generate();
        byte[] key = Samples.key(3);
        EnrolReply granted = EnrolReply.granted(key, "demo", true);
        ReceivedEnrol received = EnrolCodec.decodeRequest(EnrolCodec.encodeRequest(net.dtm.api.DeviceId.of("r1"), 1, 1, router, t));
        String hexKey = java.util.HexFormat.of().formatHex(key);
        String b64Key = java.util.Base64.getEncoder().encodeToString(key);
        for (String s : new String[] {t.toString(), router.toString(), granted.toString(), received.toString(),
                received.request().toString()}) {
            assertFalse(s.contains(secret), s);
            assertFalse(s.contains(java.util.HexFormat.of().formatHex(router.privateKey())), s);
            assertFalse(s.contains(hexKey) || s.contains(b64Key) || s.contains(java.util.Arrays.toString(key)), s);
        }
        assertTrue(granted.toString().contains("demo"));
        assertEquals("EnrolReply[REFUSED]", EnrolReply.refused().toString());
    }

    @Test
    void badKeysAndRequestsAreRefusedByTheirConstructors() {
        assertThrows(IllegalArgumentException.class, () -> RouterKeyPair.fromPrivateKey(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> RouterKeyPair.fromPrivateKey(null));
        assertThrows(IllegalArgumentException.class, () -> EnrolmentToken.verifierOf(new byte[31]));
        byte[] k = new byte[32];
        net.dtm.api.DeviceId d = net.dtm.api.DeviceId.of("r1");
        assertThrows(IllegalArgumentException.class, () -> new EnrolRequest(d, 1, 1, "", k, k)); // key fetch with a key
        assertThrows(IllegalArgumentException.class, () -> new EnrolRequest(d, 1, 1, "abcd1234", new byte[0], k));
        assertThrows(IllegalArgumentException.class, () -> new EnrolRequest(d, 1, 1, "ABCD1234", k, k));
        assertThrows(IllegalArgumentException.class, () -> new EnrolRequest(d, 1, 1, "abcd1234", k, new byte[33]));
        assertThrows(IllegalArgumentException.class, () -> EnrolReply.granted(new byte[16], "", false));
        assertThrows(IllegalArgumentException.class, () -> EnrolReply.granted(k, "bad pool", false));
        // what a request or reply holds cannot be changed through its accessors
        EnrolRequest r = new EnrolRequest(d, 1, 1, "abcd1234", k, k);
        r.routerKey()[0] = 1;
        r.enrolPublicKey()[0] = 1;
        assertEquals(new EnrolRequest(d, 1, 1, "abcd1234", new byte[32], new byte[32]), r);
        EnrolReply g = EnrolReply.granted(k, "", false);
        g.deviceKey()[0] = 1;
        assertEquals(0, g.deviceKey()[0]);
    }
}
