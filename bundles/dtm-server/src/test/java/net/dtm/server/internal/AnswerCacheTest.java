package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException.Reason;
import net.dtm.protocol.Ack;
import net.dtm.protocol.MessageType;
import net.dtm.protocol.Nak;

class AnswerCacheTest {

    static final DeviceId DEVICE = DeviceId.of("smr-1");
    static final long T0 = 1_000_000;

    private final Counters counters = new Counters();
    private final AnswerCache cache = new AnswerCache(Duration.ofSeconds(60), 3, counters);

    private AnswerCache.Entry mine(long txid, long now) {
        AnswerCache.Claim claim = cache.claim(DEVICE, txid, 1, true, now);
        assertNull(claim.copyOf());
        assertNotNull(claim.mine());
        cache.track(claim.mine());
        return claim.mine();
    }

    @Test
    void aCopyWaitsForTheFirstCopysAnswerAndGetsTheSameBytes() {
        AnswerCache.Entry first = mine(7, T0);
        AnswerCache.Claim copy = cache.claim(DEVICE, 7, 1, false, T0 + 1);
        assertSame(first, copy.copyOf());
        CompletableFuture<Optional<byte[]>> again = cache.answerAgain(copy.copyOf());
        assertFalse(again.isDone(), "the first copy is still being worked on");
        cache.complete(first, Optional.of(new byte[] {1, 2}), false);
        assertArrayEquals(new byte[] {1, 2}, again.join().orElseThrow());
        assertEquals(1, counters.get("answered.duplicate"));
        assertSame(first, cache.claim(DEVICE, 7, 2, true, T0 + 2).copyOf(), "a retransmission with a new sequence too");
    }

    @Test
    void aCopyFindsWorkInProgressOrAFinalAnswerElseClaimsOnlyIfItMay() {
        String key = "enrol datagram";
        AtomicInteger asked = new AtomicInteger();
        BooleanSupplier yes = () -> asked.incrementAndGet() > 0;
        assertSame(AnswerCache.Claim.NONE, cache.claimOrCopy(key, 1, T0, () -> false), "it may not");
        assertEquals(0, cache.size(), "a copy that may not claim reserves nothing");
        AnswerCache.Claim claim = cache.claimOrCopy(key, 1, T0, yes);
        assertNotNull(claim.mine());
        assertEquals(1, asked.get());
        cache.track(claim.mine());
        assertSame(claim.mine(), cache.claimOrCopy(key, 1, T0 + 1, yes).copyOf(), "in work");
        cache.complete(claim.mine(), Optional.of(new byte[] {1}), false);
        assertSame(claim.mine(), cache.claimOrCopy(key, 1, T0 + 2, yes).copyOf(), "answered");
        for (int i = 4; i <= AnswerCache.MAX_ANSWERS_PER_DATAGRAM; i++) {   // the claim and two copies so far
            assertNotNull(cache.claimOrCopy(key, 1, T0 + 3, yes).copyOf());
        }
        assertSame(AnswerCache.Claim.NONE, cache.claimOrCopy(key, 1, T0 + 3, yes), "answered often enough");
        assertEquals(1, counters.get("dropped.answer-limit"));
        assertEquals(1, asked.get(), "a copy is not asked whether it may claim");
        assertNotNull(cache.claimOrCopy(key, 2, T0 + 61_000, yes).mine(), "expired: claimed afresh");

        AnswerCache.Claim deferred = cache.claimOrCopy("other", 1, T0, yes);
        cache.complete(deferred.mine(), Optional.of(new byte[] {2}), true);
        assertSame(AnswerCache.Claim.NONE, cache.claimOrCopy("other", 1, T0 + 1, () -> false));
        assertNotNull(cache.claimOrCopy("other", 1, T0 + 1, yes).mine(), "a transient answer is decided afresh");
    }

    @Test
    void aTransientAnswerLetsTheNextCopyBeProcessedAfresh() {
        AnswerCache.Entry first = mine(7, T0);
        cache.complete(first, Optional.of(new byte[] {9}), true);
        AnswerCache.Claim retry = cache.claim(DEVICE, 7, 1, false, T0 + 1);
        assertNull(retry.copyOf());
        assertNotNull(retry.mine(), "even a DUPLICATE of the very same datagram");
        assertNotSame(first, retry.mine());
    }

    @Test
    void aDuplicateWithoutAnswerGetsNoneAndAnExpiredAnswerIsGone() {
        assertSame(AnswerCache.Claim.NONE, cache.claim(DEVICE, 5, 1, false, T0));
        assertEquals(1, counters.get("dropped.duplicate"));

        AnswerCache.Entry first = mine(7, T0);
        cache.complete(first, Optional.of(new byte[] {1}), false);
        long expired = T0 + 60_001;
        assertSame(AnswerCache.Claim.NONE, cache.claim(DEVICE, 7, 1, false, expired), "a DUPLICATE of an expired answer");
        assertNotSame(first, cache.claim(DEVICE, 7, 1, true, expired).mine(), "a NEW copy is computed afresh");
    }

    @Test
    void theOldestAnswersGoBeyondTheCapacityAndExpiredOnesWithTheNextRequest() {
        for (long txid = 1; txid <= 4; txid++) {
            cache.complete(mine(txid, T0 + txid), Optional.of(new byte[] {(byte) txid}), false);
        }
        assertEquals(3, cache.size());
        assertSame(AnswerCache.Claim.NONE, cache.claim(DEVICE, 1, 1, false, T0 + 5), "the oldest was evicted");
        assertNotNull(cache.claim(DEVICE, 4, 1, false, T0 + 5).copyOf(), "the newest is kept");

        mine(9, T0 + 120_000);
        assertEquals(1, cache.size(), "the expired answers went; only the new one is kept");
    }

    @Test
    void aDatagramIsAnsweredAtMostEightTimesInAllAndANewSequenceAgain() {
        AnswerCache.Entry first = mine(7, T0);
        cache.complete(first, Optional.of(new byte[] {1}), false);
        for (int n = 2; n <= AnswerCache.MAX_ANSWERS_PER_DATAGRAM; n++) {
            assertSame(first, cache.claim(DEVICE, 7, 1, false, T0 + n).copyOf(), "copy " + n);
        }
        assertSame(AnswerCache.Claim.NONE, cache.claim(DEVICE, 7, 1, false, T0 + 20), "a ninth copy");
        assertEquals(1, counters.get("dropped.answer-limit"));
        assertSame(first, cache.claim(DEVICE, 7, 2, true, T0 + 21).copyOf(), "the next attempt: a new sequence");
        for (long sequence = 3; sequence <= AnswerCache.MAX_SEQUENCES_PER_REQUEST; sequence++) {
            assertSame(first, cache.claim(DEVICE, 7, sequence, true, T0 + 30).copyOf());
        }
        assertSame(AnswerCache.Claim.NONE, cache.claim(DEVICE, 7, 999, true, T0 + 40), "what one request keeps is bounded");
    }

    @Test
    void aDatagramWhoseEightAnswersWereAllLostIsAnsweredAgainARoundLater() {
        // issue 17: the agent sends every copy of an attempt, on every link, with one sequence
        // number; at 50 % loss each way all eight answers are lost for 1 request in 256, and the
        // attempt's further copies (5 s of them) were never answered
        AnswerCache.Entry first = mine(7, T0);
        cache.complete(first, Optional.of(new byte[] {1}), false);
        for (int n = 2; n <= AnswerCache.MAX_ANSWERS_PER_DATAGRAM; n++) {
            assertSame(first, cache.claim(DEVICE, 7, 1, false, T0 + n).copyOf(), "copy " + n);
        }
        long round = T0 + AnswerCache.MAX_ANSWERS_PER_DATAGRAM + AnswerCache.ANSWER_REFILL_MILLIS;
        assertSame(AnswerCache.Claim.NONE, cache.claim(DEVICE, 7, 1, false, round - 1), "too soon");
        assertSame(first, cache.claim(DEVICE, 7, 1, false, round).copyOf(), "the next round's copy");
        assertSame(AnswerCache.Claim.NONE, cache.claim(DEVICE, 7, 1, false, round + 1), "the same round's other copies");
        assertSame(first, cache.claim(DEVICE, 7, 1, false, round + AnswerCache.ANSWER_REFILL_MILLIS).copyOf(),
                "and so on, while the answer is kept");
        assertEquals(2, counters.get("dropped.answer-limit"));
    }

    @Test
    void aDatagramWhoseEightAnswersWereAllLostIsAnsweredAgainWithinABriskRoundOfACellularLink() {
        // the agent's brisk rounds on a lossy 40 ms link come every 50 ms (round trip and a
        // quarter): at one answer per 200 ms, 3 establishments in 10,000 at 50 % loss took 1.3-2 s
        AnswerCache.Entry first = mine(7, T0);
        cache.complete(first, Optional.of(new byte[] {1}), false);
        for (int n = 2; n <= AnswerCache.MAX_ANSWERS_PER_DATAGRAM; n++) {
            cache.claim(DEVICE, 7, 1, false, T0 + n);
        }
        long lastOfBurst = T0 + AnswerCache.MAX_ANSWERS_PER_DATAGRAM;
        assertSame(first, cache.claim(DEVICE, 7, 1, false, lastOfBurst + 50).copyOf(), "one round later");
        assertSame(first, cache.claim(DEVICE, 7, 1, false, lastOfBurst + 100).copyOf(), "and the round after");
        assertSame(AnswerCache.Claim.NONE, cache.claim(DEVICE, 7, 1, false, lastOfBurst + 101), "not every copy");
    }

    @Test
    void storeUnavailableInternalAndNotServingAreTransient() {
        assertTrue(AnswerCache.isTransient(new Nak(Reason.STORE_UNAVAILABLE, "")));
        assertTrue(AnswerCache.isTransient(new Nak(Reason.INTERNAL, "")));
        assertTrue(AnswerCache.isTransient(new Nak(Reason.NOT_SERVING, "")));
        assertFalse(AnswerCache.isTransient(new Nak(Reason.POOL_EXHAUSTED, "")));
        assertFalse(AnswerCache.isTransient(new Ack(MessageType.CONFIRM)));
        assertThrows(IllegalArgumentException.class, () -> new AnswerCache(Duration.ofSeconds(1), 0, counters));
    }
}
