package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.EnrolmentKey;
import net.dtm.protocol.EnrolRequest;
import net.dtm.protocol.EnrolmentToken;
import net.dtm.server.internal.EnrolOutcome.Result;
import net.dtm.api.fakes.SettableClock;

/** The rules of one ENROL, over in-memory stores, without datagrams. */
class EnrolDecisionTest {

    private static final Instant START = Instant.parse("2026-12-03T10:00:00Z");
    private static final BooleanSupplier SIGNED = () -> true;

    private final SettableClock clock = new SettableClock(START);
    private final FakeEnrolmentKeyStore keyStore = new FakeEnrolmentKeyStore();
    private final CountingDeviceStore deviceStore = new CountingDeviceStore(new FakeDeviceStore());
    private final DeviceManager devices = new DeviceManager(deviceStore, clock);
    private boolean serving = true;
    private final EnrolDecision decision = new EnrolDecision(new EnrolmentKeyCache(keyStore, clock), devices, clock,
            () -> serving);
    private final EnrolmentToken token = EnrolmentToken.generate(new SecureRandom());
    private final TestRouter router = new TestRouter("bus-0001");
    private final TestRouter other = new TestRouter("bus-0001");

    private EnrolmentKey key(int maxUses, String pattern) {
        EnrolmentKey key = new EnrolmentKey(token.id(), token.verifier(), token.replyKey(), "depot north", pattern, "demo",
                maxUses, 0,
                START, START.plus(Duration.ofDays(1)), false);
        assertTrue(keyStore.add(key));
        keyStore.writes.set(0);
        return key;
    }

    private EnrolOutcome decide(TestRouter r) {
        return decision.decide(r.plain(token), SIGNED);
    }

    private EnrolmentKey stored() {
        return keyStore.keys.get(token.id());
    }

    /** The outcome is a refusal for {@code reason} and neither store was written. */
    private void assertRefusedWithoutWrites(String reason, EnrolOutcome outcome) {
        int keyWrites = keyStore.writes.get();
        int deviceWrites = deviceStore.writes.get();
        assertEquals(Result.REFUSED, outcome.result(), outcome.toString());
        assertEquals(reason, outcome.reason());
        assertEquals("enrol.refused." + reason, outcome.counter());
        assertEquals(keyWrites, keyStore.writes.get(), "no key written");
        assertEquals(deviceWrites, deviceStore.writes.get(), "no device written");
    }

    @Test
    void aNewDeviceIsStoredWithTheRoutersKeyAndCountsOneUse() {
        key(2, "bus-*");
        EnrolOutcome granted = decide(router);
        assertEquals(Result.GRANTED, granted.result());
        DeviceCredential stored = deviceStore.find(router.id).orElseThrow();
        assertArrayEquals(stored.key(), granted.credential().key());
        assertTrue(stored.enrolledByRouter(router.keys.publicKey()));
        assertNull(stored.reenrolUntil());
        assertEquals(1, stored().uses());
        assertEquals("demo", granted.pool());
        assertFalse(granted.keyUsedUp(), "one use of two");
        assertEquals(1, deviceStore.successfulWrites.get());
        assertArrayEquals(token.replyKey(), granted.grantKey(), "sealed under the token's reply key");
    }

    @Test
    void theSameRouterAskingAgainGetsTheSameKeyWithoutWriteOrUse() {
        key(1, "*");
        EnrolOutcome first = decide(router);
        assertTrue(first.keyUsedUp(), "its only use");
        int keyWrites = keyStore.writes.get();
        int deviceWrites = deviceStore.writes.get();
        EnrolOutcome again = decide(router);
        assertEquals(Result.AGAIN, again.result());
        assertArrayEquals(first.credential().key(), again.credential().key());
        assertArrayEquals(token.replyKey(), again.grantKey());
        assertTrue(again.keyUsedUp());
        assertEquals(keyWrites, keyStore.writes.get());
        assertEquals(deviceWrites, deviceStore.writes.get());
        assertEquals(1, stored().uses());
    }

    @Test
    void anUnknownKeyIdIsRefusedAndRememberedSoGarbageCostsOneStoreRead() {
        AtomicInteger signatureChecks = new AtomicInteger();
        EnrolRequest r = router.plain(token);   // no key stored under its id
        for (int i = 0; i < 50; i++) {
            assertRefusedWithoutWrites("unknown-key", decision.decide(r, () -> signatureChecks.incrementAndGet() > 0));
        }
        assertEquals(1, keyStore.finds.get(), "the unknown id is remembered");
        assertEquals(0, signatureChecks.get(), "no signature check without a key");
        assertEquals(0, deviceStore.finds.get());
    }

    @Test
    void aWrongKeyIsRefusedBeforeTheSignatureAndCostsOneStoreRead() {
        key(0, "*");
        EnrolmentToken forged = EnrolmentToken.generate(new SecureRandom());
        EnrolRequest genuine = router.plain(token);
        // the right id with another key's public half (and a signature that verifies with it)
        EnrolRequest wrong = new EnrolRequest(genuine.device(), genuine.transactionId(), genuine.sequence(),
                token.id(), forged.publicKey(), genuine.routerKey());
        AtomicInteger signatureChecks = new AtomicInteger();
        for (int i = 0; i < 50; i++) {
            assertRefusedWithoutWrites("bad-verifier", decision.decide(wrong, () -> signatureChecks.incrementAndGet() > 0));
        }
        assertEquals(0, signatureChecks.get());
        assertEquals(1, keyStore.finds.get(), "the key is remembered");
        assertEquals(0, deviceStore.finds.get());
        assertTrue(deviceStore.find(router.id).isEmpty());
    }

    @Test
    void aBadSignatureIsRefused() {
        key(0, "*");
        assertRefusedWithoutWrites("bad-signature", decision.decide(router.plain(token), () -> false));
        assertEquals(0, stored().uses());
    }

    @Test
    void anExpiredKeyIsRefused() {
        key(0, "*");
        clock.advance(Duration.ofDays(1));
        assertRefusedWithoutWrites("expired", decide(router));
    }

    @Test
    void aRevokedKeyIsRefusedEvenWhileAStaleCopyIsCached() {
        key(0, "*");
        decide(new TestRouter("bus-0002"));      // the key is now cached, not revoked
        assertTrue(keyStore.replace(stored(), stored().asRevoked()));
        EnrolOutcome outcome = decide(router);
        assertEquals(Result.REFUSED, outcome.result());
        assertEquals("revoked", outcome.reason());
        assertTrue(deviceStore.find(router.id).isEmpty());
        assertEquals(1, stored().uses());
        clock.advance(EnrolmentKeyCache.KNOWN_TTL);
        assertRefusedWithoutWrites("revoked", decide(router));
    }

    @Test
    void aUsedUpKeyEnrolsNoFurtherDevice() {
        key(1, "*");
        assertEquals(Result.GRANTED, decide(new TestRouter("bus-0002")).result());
        assertRefusedWithoutWrites("used-up", decide(router));
        assertTrue(deviceStore.find(router.id).isEmpty());
    }

    @Test
    void aDeviceOutsideTheKeysPatternIsRefused() {
        key(0, "tram-*");
        assertRefusedWithoutWrites("pattern", decide(router));
    }

    @Test
    void aDisabledDeviceIsRefused() {
        key(0, "*");
        decide(router);
        devices.disable(router.id);
        assertRefusedWithoutWrites("disabled", decide(router));
    }

    @Test
    void aSecondRouterClaimingAnIdIsRefusedUnlessTheOperatorAllowsItOnce() {
        key(0, "*");
        EnrolOutcome first = decide(router);
        assertRefusedWithoutWrites("taken", decide(other));

        devices.allowReenrolment(router.id, Duration.ofHours(1));
        EnrolOutcome replaced = decide(other);
        assertEquals(Result.REPLACED, replaced.result());
        assertArrayEquals(token.replyKey(), replaced.grantKey(), "the new router holds the token, not the old key");
        assertTrue(replaced.previous().enrolledByRouter(router.keys.publicKey()));
        DeviceCredential now = deviceStore.find(router.id).orElseThrow();
        assertTrue(now.enrolledByRouter(other.keys.publicKey()));
        assertArrayEquals(replaced.credential().key(), now.key());
        assertFalse(java.util.Arrays.equals(first.credential().key(), now.key()), "a fresh key");
        assertNull(now.reenrolUntil(), "the allowance is spent");
        assertEquals(2, stored().uses());
        assertRefusedWithoutWrites("taken", decide(router));
    }

    @Test
    void anOperatorEnrolledDeviceIsTakenOverOnlyWithAnAllowance() {
        key(0, "*");
        devices.enroll(router.id);
        assertRefusedWithoutWrites("taken", decide(router));
        devices.allowReenrolment(router.id, Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(5));
        assertRefusedWithoutWrites("taken", decide(router));
        devices.allowReenrolment(router.id, Duration.ofMinutes(5));
        assertEquals(Result.REPLACED, decide(router).result());
        assertNull(decide(router).previous(), "now this router's own: handed out again");
    }

    @Test
    void aKeyFetchAfterARekeyNeedsTheAllowance() {
        key(1, "*");
        byte[] held = decide(router).credential().key();
        DeviceCredential rekeyed = devices.rekey(router.id, Duration.ZERO);
        assertArrayEquals(held, rekeyed.previousKey(), "kept without overlap");
        assertTrue(rekeyed.previousKeyAt(clock.instant()).isEmpty(), "but not accepted");
        EnrolRequest fetch = router.plain(null);
        assertTrue(fetch.keyFetch());
        assertRefusedWithoutWrites("no-allowance", decision.decide(fetch, SIGNED));

        devices.allowReenrolment(router.id, Duration.ofHours(1));
        EnrolOutcome fetched = decision.decide(fetch, SIGNED);
        assertEquals(Result.FETCHED, fetched.result());
        assertArrayEquals(rekeyed.key(), fetched.credential().key());
        assertArrayEquals(held, fetched.grantKey(), "sealed under the key the router holds");
        assertNull(EnrolOutcome.refused("taken", null).grantKey(), "refusals are not authenticated");
        assertRefusedWithoutWrites("taken", decision.decide(other.plain(null), SIGNED));
        assertRefusedWithoutWrites("no-allowance", decision.decide(new TestRouter("bus-0404").plain(null), SIGNED));
        devices.disable(router.id);
        assertRefusedWithoutWrites("disabled", decision.decide(fetch, SIGNED));
    }

    @Test
    void aKeyFetchWithoutAPreviousKeyIsSealedUnderTheCurrentKey() {
        key(1, "*");
        byte[] held = decide(router).credential().key();
        devices.allowReenrolment(router.id, Duration.ofHours(1));
        EnrolOutcome fetched = decision.decide(router.plain(null), SIGNED);
        assertEquals(Result.FETCHED, fetched.result());
        assertArrayEquals(held, fetched.grantKey());
    }

    @Test
    void aDegradedOrDrainingNodeDefersWithoutReadingTheStore() {
        key(0, "*");
        serving = false;
        EnrolOutcome outcome = decide(router);
        assertEquals(Result.TRY_LATER, outcome.result());
        assertEquals("enrol.try-later", outcome.counter());
        assertEquals(0, keyStore.finds.get());
    }

    @Test
    void aUseCountedForADeviceAnotherRequestAddedFirstIsGivenBack() {
        key(0, "*");
        DeviceCredential theirs = DeviceCredential.enrolledBy(router.id, new byte[32], START, router.keys.publicKey());
        // the device appears between this request's look-up and its add (another node was quicker)
        EnrolledDevices racing = new ForwardingEnrolledDevices(EnrolledDevices.over(deviceStore)) {
            boolean looked;

            @Override
            public Optional<DeviceCredential> stored(DeviceId id) {
                if (!looked) {
                    looked = true;
                    deviceStore.add(theirs);
                    return Optional.empty();
                }
                return super.stored(id);
            }
        };
        EnrolDecision d = new EnrolDecision(new EnrolmentKeyCache(keyStore, clock), racing, clock, () -> true);
        EnrolOutcome outcome = d.decide(router.plain(token), SIGNED);
        assertEquals(Result.AGAIN, outcome.result());
        assertArrayEquals(theirs.key(), outcome.credential().key());
        assertEquals(0, stored().uses(), "the use was given back");
    }
}
