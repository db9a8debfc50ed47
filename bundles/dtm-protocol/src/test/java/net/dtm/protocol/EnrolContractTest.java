package net.dtm.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.protocol.ProtocolException.Kind;

/**
 * The contract of the enrolment exchange at the codec level: what an attacker can do to an ENROL or an
 * ENROL_REPLY (flip, cut, swap, replay, forge, feed garbage) ends in a {@link ProtocolException} or a
 * signature that does not verify, never in an accepted request or a readable reply, and never in
 * another exception type.
 */
class EnrolContractTest {

    private static final DeviceId DEVICE = DeviceId.of("bus-0042.depot-north");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final EnrolmentToken TOKEN = EnrolmentToken.generate(RANDOM);
    private static final EnrolmentToken OTHER_TOKEN = EnrolmentToken.generate(RANDOM);
    private static final RouterKeyPair ROUTER = RouterKeyPair.generate();
    private static final RouterKeyPair ATTACKER = RouterKeyPair.generate();
    private static final byte[] DEVICE_KEY = Samples.key(42);
    /** What the router and the real nodes know: the token's reply key. */
    private static final byte[] GRANT = TOKEN.replyKey();
    private static final byte[] ZERO = new byte[32];
    private static final long TX = 0x0123_4567_89ab_cdefL;

    /** What decodeRequest made of a datagram. */
    private enum Outcome { REJECTED, NOT_SIGNED, SIGNED }

    private static Outcome outcome(byte[] datagram) {
        try {
            return EnrolCodec.decodeRequest(datagram).signatureVerifies() ? Outcome.SIGNED : Outcome.NOT_SIGNED;
        } catch (ProtocolException e) {
            return Outcome.REJECTED;
        } catch (Throwable t) {
            throw new AssertionError("decodeRequest threw " + t + " for " + datagram.length + " bytes", t);
        }
    }

    private static Kind replyFailure(byte[] datagram, EnrolRequest sent, RouterKeyPair router) {
        try {
            EnrolCodec.decodeReply(datagram, sent, router, GRANT);
            return null;
        } catch (ProtocolException e) {
            return e.kind();
        } catch (Throwable t) {
            throw new AssertionError("decodeReply threw " + t + " for " + datagram.length + " bytes", t);
        }
    }

    private static byte[] signedRequest() {
        return EnrolCodec.encodeRequest(DEVICE, TX, 5, ROUTER, TOKEN);
    }

    private static EnrolRequest sent() throws ProtocolException {
        return EnrolCodec.decodeRequest(signedRequest()).request();
    }

    private static List<byte[]> replies(EnrolRequest to) {
        return List.of(EnrolCodec.encodeReply(to, 9, EnrolReply.granted(DEVICE_KEY, "demo", true), GRANT),
                EnrolCodec.encodeReply(to, 9, EnrolReply.refused(), GRANT),
                EnrolCodec.encodeReply(to, 9, EnrolReply.tryLater(), GRANT));
    }

    // ---- the request

    @Test
    void everySingleBitFlipOfASignedRequestIsRejectedOrUnsigned() {
        byte[] good = signedRequest();
        assertEquals(Outcome.SIGNED, outcome(good));
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            if (outcome(bad) == Outcome.SIGNED) {
                fail("flip of bit " + bit + " (byte " + bit / 8 + " of " + good.length + ") still verifies");
            }
        }
    }

    @Test
    void everyTruncationOfARequestIsAProtocolException() {
        for (byte[] good : List.of(signedRequest(), EnrolCodec.encodeRequest(DEVICE, TX, 5, ROUTER, null))) {
            for (int n = 0; n < good.length; n++) {
                assertEquals(Outcome.REJECTED, outcome(Arrays.copyOf(good, n)), "cut to " + n + " of " + good.length);
            }
        }
    }

    @Test
    void theSignatureCoversTheRouterKeyTheDeviceAndTheTransaction() throws Exception {
        byte[] good = signedRequest();
        int headerLength = HeaderCodec.lengthOf(good);
        // the router key (the 32 bytes before the signature) replaced by the attacker's
        byte[] swapped = good.clone();
        System.arraycopy(ATTACKER.publicKey(), 0, swapped, good.length - 64 - 32, 32);
        ReceivedEnrol r = EnrolCodec.decodeRequest(swapped);
        assertArrayEquals(ATTACKER.publicKey(), r.request().routerKey());
        assertFalse(r.signatureVerifies());
        // another device id of the same length
        byte[] other = good.clone();
        other[7] = (byte) 'c';
        assertEquals(DeviceId.of("cus-0042.depot-north"), EnrolCodec.decodeRequest(other).request().device());
        assertEquals(Outcome.NOT_SIGNED, outcome(other));
        // another transaction id
        byte[] tx = good.clone();
        tx[headerLength - 12 - 16] ^= 1;
        assertEquals(Outcome.NOT_SIGNED, outcome(tx));
    }

    @Test
    void aKeyIdSwappedForAnotherKeysIdNoLongerVerifies() throws Exception {
        byte[] good = signedRequest();
        int at = HeaderCodec.lengthOf(good) + 2; // type byte, id length, id
        byte[] swapped = good.clone();
        System.arraycopy(OTHER_TOKEN.id().getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, swapped, at, 12);
        ReceivedEnrol r = EnrolCodec.decodeRequest(swapped);
        assertEquals(OTHER_TOKEN.id(), r.request().keyId());
        assertFalse(r.signatureVerifies());
    }

    @Test
    void aRequestSignedWithOneKeyUnderAnotherKeysIdVerifiesButNotAgainstThatKeysVerifier() throws Exception {
        // A router holding token A claims key B's id: its signature is sound (A's key signed it), so the
        // server's verifier comparison (SHA-256 of the claimed public key against B's stored verifier) refuses it.
        String secretA = TOKEN.token().substring(("dtmek1-" + TOKEN.id() + "-").length());
        EnrolmentToken mixed = EnrolmentToken.parse("dtmek1-" + OTHER_TOKEN.id() + "-" + secretA);
        ReceivedEnrol r = EnrolCodec.decodeRequest(EnrolCodec.encodeRequest(DEVICE, TX, 5, ROUTER, mixed));
        assertEquals(OTHER_TOKEN.id(), r.request().keyId());
        assertTrue(r.signatureVerifies());
        assertFalse(Arrays.equals(OTHER_TOKEN.verifier(), EnrolmentToken.verifierOf(r.request().enrolPublicKey())));
        assertArrayEquals(TOKEN.verifier(), EnrolmentToken.verifierOf(r.request().enrolPublicKey()));
    }

    @Test
    void malformedRequestsAreProtocolExceptions() throws Exception {
        byte[] good = signedRequest();
        int h = HeaderCodec.lengthOf(good);
        byte[] fetch = EnrolCodec.encodeRequest(DEVICE, TX, 5, ROUTER, null);
        assertRejected(Kind.BAD_VERSION, with(good, d -> d[2] = 5));
        assertRejected(Kind.MALFORMED, with(good, d -> d[2] = 3)); // ENROL in a version-3 header
        assertRejected(Kind.MALFORMED, with(good, d -> d[4] = 2)); // travelling to the device
        assertRejected(Kind.MALFORMED, with(good, d -> d[h - 1] = 1)); // a nonce where there is none
        assertRejected(Kind.MALFORMED, with(good, d -> d[h] = 10)); // body type disagrees with the header
        assertRejected(Kind.MALFORMED, with(good, d -> d[h + 1] = 33)); // key id too long
        assertRejected(Kind.MALFORMED, with(good, d -> d[h + 2] = 'A')); // key id not [a-z0-9]
        assertRejected(Kind.MALFORMED, with(good, d -> d[h + 1] = 3)); // key id too short
        assertRejected(Kind.MALFORMED, Arrays.copyOf(good, good.length + 1)); // trailing byte
        assertRejected(Kind.MALFORMED, Arrays.copyOf(fetch, fetch.length + 64)); // a signature on a key fetch
        byte[] smallOrder = fetch.clone();
        Arrays.fill(smallOrder, fetch.length - 32, fetch.length, (byte) 0); // router key u = 0
        assertRejected(Kind.MALFORMED, smallOrder);
        // a sealed message and a reply are not requests
        assertRejected(Kind.MALFORMED, Codec.encode(Samples.all().get(1), DEVICE_KEY));
        assertRejected(Kind.MALFORMED, replies(sent()).get(0));
    }

    @Test
    void enrolmentTypesInAVersion3HeaderAreRefusedByPeekToo() {
        byte[] request = with(signedRequest(), d -> d[2] = 3);
        ProtocolException ex = assertThrows(ProtocolException.class, () -> Codec.peek(request));
        assertEquals(Kind.MALFORMED, ex.kind());
        assertTrue(ex.getMessage().contains("version 4"), ex.getMessage());
    }

    @Test
    void oversizedAndGarbageInputsAreProtocolExceptions() throws Exception {
        assertRejected(Kind.OVERSIZED, Arrays.copyOf(signedRequest(), Codec.MAX_DATAGRAM + 1));
        assertRejected(Kind.OVERSIZED, new byte[65_507]);
        assertRejected(Kind.TRUNCATED, new byte[0]);
        assertEquals(Kind.OVERSIZED, replyFailure(new byte[Codec.MAX_DATAGRAM + 1], sent(), ROUTER));
        Random random = new Random(15);
        EnrolRequest sent = sent();
        for (int i = 0; i < 3_000; i++) {
            byte[] noise = new byte[random.nextInt(300)];
            random.nextBytes(noise);
            if (i % 2 == 0 && noise.length > 3) { // past the magic and a plausible version and type
                noise[0] = Codec.MAGIC_0;
                noise[1] = Codec.MAGIC_1;
                noise[2] = 4;
                noise[3] = (byte) (i % 4 == 0 ? 9 : 10);
            }
            assertEquals(Outcome.REJECTED, outcome(noise));
            assertTrue(replyFailure(noise, sent, ROUTER) != null);
        }
    }

    @Test
    void randomMutationsOfValidDatagramsNeverPassAndNeverEscape() throws Exception {
        Random random = new Random(4);
        byte[] request = signedRequest();
        EnrolRequest sent = EnrolCodec.decodeRequest(request).request();
        List<byte[]> replies = replies(sent);
        for (int i = 0; i < 600; i++) {
            byte[] r = request.clone();
            byte[] p = replies.get(i % 3).clone();
            for (int c = 1 + random.nextInt(4); c > 0; c--) {
                r[random.nextInt(r.length)] = (byte) random.nextInt(256);
                p[random.nextInt(p.length)] ^= (byte) (1 + random.nextInt(255));
            }
            if (!Arrays.equals(r, request)) {
                assertNotEquals(Outcome.SIGNED, outcome(r));
            }
            assertTrue(replyFailure(p, sent, ROUTER) != null);
        }
    }

    // ---- the reply

    @Test
    void everySingleBitFlipOfAReplyIsAProtocolException() throws Exception {
        EnrolRequest sent = sent();
        for (byte[] good : replies(sent)) {
            for (int bit = 0; bit < good.length * 8; bit++) {
                byte[] bad = good.clone();
                bad[bit / 8] ^= (byte) (1 << (bit % 8));
                if (replyFailure(bad, sent, ROUTER) == null) {
                    fail("flip of bit " + bit + " of a reply was accepted");
                }
            }
        }
    }

    @Test
    void everyTruncationOfAReplyIsAProtocolException() throws Exception {
        EnrolRequest sent = sent();
        for (byte[] good : replies(sent)) {
            for (int n = 0; n < good.length; n++) {
                assertTrue(replyFailure(Arrays.copyOf(good, n), sent, ROUTER) != null, "cut to " + n);
            }
            assertTrue(replyFailure(Arrays.copyOf(good, good.length + 1), sent, ROUTER) != null, "one byte more");
        }
    }

    @Test
    void aReplyOpensOnlyWithTheRoutersPrivateKey() throws Exception {
        EnrolRequest sent = sent();
        // the attacker captured the request and, naming its own key pair, tries to open the reply
        EnrolRequest asAttacker = new EnrolRequest(sent.device(), sent.transactionId(), sent.sequence(), sent.keyId(),
                sent.enrolPublicKey(), ATTACKER.publicKey());
        for (byte[] reply : replies(sent)) {
            assertEquals(Kind.AUTH_FAILED, replyFailure(reply, asAttacker, ATTACKER));
        }
        assertThrows(IllegalArgumentException.class, () -> EnrolCodec.decodeReply(replies(sent).get(0), sent, ATTACKER, GRANT));
    }

    @Test
    void aGrantForgedWithoutTheGrantKeyIsRefused() throws Exception {
        // someone on the path saw the ENROL (router key, transaction) and answers first, with a device key of their own
        EnrolRequest sent = sent();
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        byte[] grant = concat(new byte[] {0}, Samples.key(7), new byte[] {0, 0});
        for (byte[] forged : List.of(EnrolCodec.encodeReply(sent, 9, EnrolReply.granted(Samples.key(7), "", false), random),
                EnrolCodec.encodeReply(sent, 9, EnrolReply.granted(Samples.key(7), "", false), OTHER_TOKEN.replyKey()),
                IndependentSeal.reply(sent, random, grant), IndependentSeal.reply(sent, ZERO, grant))) {
            assertEquals(Kind.AUTH_FAILED, replyFailure(forged, sent, ROUTER));
        }
        // the real grant opens, under the token's reply key only
        byte[] real = replies(sent).get(0);
        assertEquals(EnrolReply.granted(DEVICE_KEY, "demo", true), EnrolCodec.decodeReply(real, sent, ROUTER, GRANT));
        ProtocolException wrongKey = assertThrows(ProtocolException.class,
                () -> EnrolCodec.decodeReply(real, sent, ROUTER, random));
        assertEquals(Kind.AUTH_FAILED, wrongKey.kind());
    }

    @Test
    void refusalsAreSealedUnderTheZeroKeyAndOpenWhateverTheGrantKey() throws Exception {
        EnrolRequest sent = sent();
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        byte[] refused = EnrolCodec.encodeReply(sent, 9, EnrolReply.refused(), null);
        byte[] later = EnrolCodec.encodeReply(sent, 9, EnrolReply.tryLater(), random);
        assertArrayEquals(new byte[] {1}, IndependentSeal.open(refused, ROUTER.privateKey(), ZERO));
        assertArrayEquals(new byte[] {2}, IndependentSeal.open(later, ROUTER.privateKey(), ZERO));
        for (byte[] grantKey : List.of(GRANT, random, ZERO)) {
            assertEquals(EnrolReply.refused(), EnrolCodec.decodeReply(refused, sent, ROUTER, grantKey));
            assertEquals(EnrolReply.tryLater(), EnrolCodec.decodeReply(later, sent, ROUTER, grantKey));
        }
        // a refusal sealed under the grant key opens too (it proves more than needed)
        assertEquals(EnrolReply.refused(), EnrolCodec.decodeReply(IndependentSeal.reply(sent, GRANT, new byte[] {1}), sent,
                ROUTER, GRANT));
        // a grant needs a grant key; decoding always does
        assertThrows(IllegalArgumentException.class,
                () -> EnrolCodec.encodeReply(sent, 9, EnrolReply.granted(DEVICE_KEY, "", false), null));
        assertThrows(IllegalArgumentException.class,
                () -> EnrolCodec.encodeReply(sent, 9, EnrolReply.granted(DEVICE_KEY, "", false), new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> EnrolCodec.decodeReply(refused, sent, ROUTER, null));
        assertThrows(IllegalArgumentException.class, () -> EnrolCodec.decodeReply(refused, sent, ROUTER, new byte[33]));
    }

    @Test
    void theReplyKeyIsTheDocumentedDerivationOfTheSecretAndNotTheSigningKey() throws Exception {
        String text = TOKEN.token();
        byte[] seed = java.util.Base64.getUrlDecoder().decode(text.substring(text.indexOf('-', "dtmek1-".length()) + 1));
        assertArrayEquals(IndependentSeal.replyKey(seed), TOKEN.replyKey());
        assertArrayEquals(TOKEN.replyKey(), EnrolmentToken.parse(text).replyKey(), "the same for every holder of the token");
        assertFalse(Arrays.equals(seed, TOKEN.replyKey()));
        assertFalse(Arrays.equals(TOKEN.publicKey(), TOKEN.replyKey()));
        assertFalse(Arrays.equals(OTHER_TOKEN.replyKey(), TOKEN.replyKey()));
    }

    @Test
    void aReplyIsReadOnlyForTheRequestItAnswers() throws Exception {
        EnrolRequest sent = sent();
        byte[] reply = replies(sent).get(0);
        EnrolRequest otherTx = new EnrolRequest(DEVICE, TX + 1, 5, TOKEN.id(), TOKEN.publicKey(), ROUTER.publicKey());
        EnrolRequest otherDevice = new EnrolRequest(DeviceId.of("bus-0043.depot-north"), TX, 5, TOKEN.id(),
                TOKEN.publicKey(), ROUTER.publicKey());
        assertEquals(Kind.MALFORMED, replyFailure(reply, otherTx, ROUTER));
        assertEquals(Kind.MALFORMED, replyFailure(reply, otherDevice, ROUTER));
        // and a request is not a reply
        assertEquals(Kind.MALFORMED, replyFailure(signedRequest(), sent, ROUTER));
    }

    @Test
    void aReplayedRequestYieldsAFreshReplyOnlyTheRouterReads() throws Exception {
        byte[] captured = signedRequest();
        EnrolRequest replayed = EnrolCodec.decodeRequest(captured).request();
        byte[] first = EnrolCodec.encodeReply(replayed, 1, EnrolReply.granted(DEVICE_KEY, "demo", false), GRANT);
        byte[] second = EnrolCodec.encodeReply(replayed, 2, EnrolReply.granted(DEVICE_KEY, "demo", false), GRANT);
        int h = HeaderCodec.lengthOf(first);
        assertFalse(Arrays.equals(Arrays.copyOfRange(first, h, h + 32), Arrays.copyOfRange(second, h, h + 32)),
                "each reply has its own ephemeral key");
        assertFalse(Arrays.equals(Arrays.copyOfRange(first, h + 32, first.length),
                Arrays.copyOfRange(second, h + 32, second.length)));
        assertArrayEquals(DEVICE_KEY, EnrolCodec.decodeReply(second, replayed, ROUTER, GRANT).deviceKey());
        // nothing of the device key shows in the datagram
        assertEquals(-1, indexOf(first, DEVICE_KEY));
    }

    @Test
    void refusalsAreUniform() throws Exception {
        EnrolRequest sent = sent();
        byte[] refused = EnrolCodec.encodeReply(sent, 9, EnrolReply.refused(), GRANT);
        byte[] later = EnrolCodec.encodeReply(sent, 9, EnrolReply.tryLater(), GRANT);
        assertEquals(refused.length, later.length);
        assertEquals(refused.length, EnrolCodec.encodeReply(sent, 9, EnrolReply.refused(), GRANT).length);
        assertEquals(HeaderCodec.lengthOf(refused) + 32 + 1 + 16, refused.length, "a refusal carries its status only");
        assertThrows(IllegalArgumentException.class, () -> new EnrolReply(EnrolReply.Status.REFUSED, DEVICE_KEY, "", false));
        assertThrows(IllegalArgumentException.class, () -> new EnrolReply(EnrolReply.Status.REFUSED, null, "demo", false));
        assertThrows(IllegalArgumentException.class, () -> new EnrolReply(EnrolReply.Status.TRY_LATER, null, null, true));
    }

    @Test
    void aReplyCannotBeSealedToASmallOrderKeyNorOpenedFromASmallOrderEphemeral() throws Exception {
        EnrolRequest bad = new EnrolRequest(DEVICE, TX, 5, "", new byte[0], new byte[32]);
        assertThrows(IllegalArgumentException.class, () -> EnrolCodec.encodeReply(bad, 1, EnrolReply.refused(), GRANT));
        EnrolRequest sent = sent();
        byte[] reply = replies(sent).get(1);
        int h = HeaderCodec.lengthOf(reply);
        Arrays.fill(reply, h, h + 32, (byte) 0);
        assertEquals(Kind.AUTH_FAILED, replyFailure(reply, sent, ROUTER));
    }

    @Test
    void unknownStatusesFlagsAndBadPoolsInAnAuthenticReplyAreMalformed() throws Exception {
        EnrolRequest sent = sent();
        byte[] key = new byte[32];
        assertEquals(Kind.MALFORMED, replyFailure(IndependentSeal.reply(sent, GRANT, new byte[] {3}), sent, ROUTER));
        assertEquals(Kind.MALFORMED, replyFailure(IndependentSeal.reply(sent, GRANT, new byte[] {1, 0}), sent, ROUTER));
        assertEquals(Kind.MALFORMED, replyFailure(IndependentSeal.reply(sent, GRANT, concat(new byte[] {0}, key, new byte[] {0, 2})), sent, ROUTER));
        assertEquals(Kind.MALFORMED, replyFailure(IndependentSeal.reply(sent, GRANT, concat(new byte[] {0}, key, new byte[] {1, ' ', 0})), sent, ROUTER));
        assertEquals(Kind.MALFORMED, replyFailure(IndependentSeal.reply(sent, GRANT, concat(new byte[] {0}, key, new byte[] {0})), sent, ROUTER));
        assertEquals(Kind.MALFORMED, replyFailure(IndependentSeal.reply(sent, GRANT, new byte[0]), sent, ROUTER));
        // and the independent sealer agrees with the codec on a valid grant
        assertEquals(EnrolReply.granted(key, "", true),
                EnrolCodec.decodeReply(IndependentSeal.reply(sent, GRANT, concat(new byte[] {0}, key, new byte[] {0, 1})), sent, ROUTER, GRANT));
    }

    @Test
    void theLayoutIsTheDocumentedOne() throws Exception {
        // request: header (nonce zero), type 9, key id, enrolment public key, router key, signature over all before it
        byte[] d = signedRequest();
        int h = Codec.FIXED_HEADER_LENGTH + DEVICE.bytes().length;
        assertEquals(h + 1 + 1 + 12 + 32 + 32 + 64, d.length);
        assertEquals(177 + DEVICE.bytes().length, d.length);
        assertArrayEquals(new byte[12], Arrays.copyOfRange(d, h - 12, h));
        assertEquals(9, d[h]);
        assertEquals(12, d[h + 1]);
        assertEquals(TOKEN.id(), new String(d, h + 2, 12, java.nio.charset.StandardCharsets.US_ASCII));
        assertArrayEquals(TOKEN.publicKey(), Arrays.copyOfRange(d, h + 14, h + 46));
        assertArrayEquals(ROUTER.publicKey(), Arrays.copyOfRange(d, h + 46, h + 78));
        assertTrue(IndependentSeal.verifies(TOKEN.publicKey(), Arrays.copyOf(d, h + 78), Arrays.copyOfRange(d, h + 78, d.length)));
        byte[] fetch = EnrolCodec.encodeRequest(DEVICE, TX, 5, ROUTER, null);
        assertEquals(h + 1 + 1 + 32, fetch.length);
        assertEquals(0, fetch[h + 1]);
        // reply: header, ephemeral key, then sealed status, key, pool, flags under the documented derivation
        EnrolRequest sent = EnrolCodec.decodeRequest(d).request();
        byte[] reply = EnrolCodec.encodeReply(sent, 9, EnrolReply.granted(DEVICE_KEY, "demo", true), GRANT);
        assertEquals(118 + DEVICE.bytes().length + 4, reply.length);
        assertArrayEquals(concat(new byte[] {0}, DEVICE_KEY, new byte[] {4, 'd', 'e', 'm', 'o', 1}),
                IndependentSeal.open(reply, ROUTER.privateKey(), GRANT));
        assertArrayEquals(new byte[] {1}, IndependentSeal.open(replies(sent).get(1), ROUTER.privateKey(), ZERO));
    }

    @Test
    void concurrentExchangesFromManyThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                final long thread = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 40; i++) {
                        byte[] request = EnrolCodec.encodeRequest(DEVICE, thread * 1000 + i, i, ROUTER, i % 2 == 0 ? TOKEN : null);
                        ReceivedEnrol got = EnrolCodec.decodeRequest(request);
                        if (got.signatureVerifies() == (i % 2 == 0)) {
                            EnrolReply reply = EnrolReply.granted(Samples.key(i), "demo", false);
                            byte[] d = EnrolCodec.encodeReply(got.request(), i, reply, GRANT);
                            if (reply.equals(EnrolCodec.decodeReply(d, got.request(), ROUTER, GRANT))
                                    && reply.equals(EnrolCodec.decodeReply(d, got.request(), ROUTER, GRANT))) {
                                ok++;
                            }
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(40, f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- helpers

    private static void assertRejected(Kind kind, byte[] datagram) {
        ProtocolException ex = assertThrows(ProtocolException.class, () -> EnrolCodec.decodeRequest(datagram));
        assertEquals(kind, ex.kind(), ex.getMessage());
    }

    private static byte[] with(byte[] good, java.util.function.Consumer<byte[]> change) {
        byte[] copy = good.clone();
        change.accept(copy);
        return copy;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
