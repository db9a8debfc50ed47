package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Params;
import net.dtm.protocol.Transactions;
import net.dtm.api.fakes.SettableClock;

/** The contract over the in-memory pool fake, plus answer-cache details. */
class RequestHandlerFakePoolTest extends RequestHandlerContract {

    private FakePools shared;

    @Override
    protected AddressPoolAdminService newPools() {
        shared = new FakePools(Clock.systemUTC());
        return shared;
    }

    @Override
    protected AddressPoolAdminService otherNode() {
        return shared;
    }

    @Test
    void answerCacheIsBoundedAndEvictsTheOldest() {
        RequestHandler small = new RequestHandler(handler.settings(), id -> Optional.ofNullable(keys.get(id)), pools,
                clock, new Counters(), Duration.ofSeconds(60), 2);
        // sequences close together, so the first stays inside the replay window
        long base = device.nextSequence();
        byte[] first = device.request(Transactions.newId(), base, establish(""));
        small.handle(first, SOURCE).orElseThrow();
        small.handle(device.request(Transactions.newId(), base + 1, establish("")), SOURCE).orElseThrow();
        small.handle(device.request(Transactions.newId(), base + 2, establish("")), SOURCE).orElseThrow();
        // the first answer was evicted: its duplicate is dropped rather than recomputed
        assertTrue(small.handle(first, SOURCE).isEmpty());
        assertEquals(1, small.counters().get("dropped.duplicate"), small.counters().snapshot().toString());
        assertEquals(3, pools.allocations.get());
    }

    @Test
    void answersExpireAfterTheirTimeToLive() {
        SettableClock manual = new SettableClock(Instant.ofEpochMilli(1_700_000_000_000L));
        RequestHandler timed = new RequestHandler(handler.settings(), id -> Optional.ofNullable(keys.get(id)), pools,
                manual, new Counters(), Duration.ofSeconds(60), 100);
        long txid = Transactions.newId();
        byte[] a = timed.handle(device.request(txid, device.nextSequence(), establish("")), SOURCE).orElseThrow();
        manual.advance(Duration.ofMillis(30_000));
        byte[] b = timed.handle(device.request(txid, device.nextSequence(), establish("")), SOURCE).orElseThrow();
        assertArrayEquals(a, b);
        assertEquals(1, pools.allocations.get());
        manual.advance(Duration.ofMillis(31_000));
        timed.handle(device.request(txid, device.nextSequence(), establish("")), SOURCE).orElseThrow();
        assertEquals(2, pools.allocations.get(), "an expired answer is computed afresh");
    }

    @Test
    void concurrentNewRequestsKeepTheAnswerCacheNearItsBoundAndExpiredAnswersGoWithTheNextRequest() throws Exception {
        int threads = 8;
        int perThread = 40;
        int capacity = 4;
        long ttlMillis = 60_000;
        SettableClock manual = new SettableClock(Instant.ofEpochMilli(1_700_000_000_000L));
        RequestHandler bounded = new RequestHandler(handler.settings(), id -> Optional.ofNullable(keys.get(id)), pools,
                manual, new Counters(), Duration.ofMillis(ttlMillis), capacity);
        List<TestDevice> devices = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            devices.add(enrolled("smr-concurrent-" + t));
        }
        ExecutorService workers = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> answered = new ArrayList<>();
            for (TestDevice d : devices) {
                answered.add(workers.submit(() -> {
                    assertTrue(start.await(30, TimeUnit.SECONDS));
                    int n = 0;
                    for (int i = 0; i < perThread; i++) {
                        long txid = Transactions.newId();
                        byte[] answer = bounded.handle(d.request(txid, d.nextSequence(), establish("")), SOURCE)
                                .orElseThrow(() -> new AssertionError("a new request went unanswered"));
                        Envelope e = d.open(answer);
                        assertEquals(txid, e.transactionId());
                        assertInstanceOf(Params.class, e.body(), () -> "got " + e.body());
                        n++;
                    }
                    return n;
                }));
            }
            start.countDown();
            for (Future<Integer> f : answered) {
                assertEquals(perThread, f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            workers.shutdownNow();
        }
        assertEquals(threads * perThread, bounded.counters().get("received"));
        int cached = bounded.cachedAnswers();
        assertTrue(cached >= 1 && cached <= capacity + threads,
                "at most the capacity plus one answer per thread that skipped eviction, got " + cached);

        manual.advance(Duration.ofMillis(ttlMillis + 1));
        TestDevice late = enrolled("smr-late");
        bounded.handle(late.request(Transactions.newId(), late.nextSequence(), establish("")), SOURCE).orElseThrow();
        assertEquals(1, bounded.cachedAnswers(), "the expired answers went; only the new one is kept");
    }
}
