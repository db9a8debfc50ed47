package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.protocol.Transactions;

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

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
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
        assertEquals(1, small.counters().get("dropped.duplicate"), small.counterSnapshot().toString());
        assertEquals(3, pools.allocations.get());
    }

    @Test
    void answersExpireAfterTheirTimeToLive() {
        ManualClock manual = new ManualClock();
        RequestHandler timed = new RequestHandler(handler.settings(), id -> Optional.ofNullable(keys.get(id)), pools,
                manual, new Counters(), Duration.ofSeconds(60), 100);
        long txid = Transactions.newId();
        byte[] a = timed.handle(device.request(txid, device.nextSequence(), establish("")), SOURCE).orElseThrow();
        manual.millis.addAndGet(30_000);
        byte[] b = timed.handle(device.request(txid, device.nextSequence(), establish("")), SOURCE).orElseThrow();
        assertArrayEquals(a, b);
        assertEquals(1, pools.allocations.get());
        manual.millis.addAndGet(31_000);
        timed.handle(device.request(txid, device.nextSequence(), establish("")), SOURCE).orElseThrow();
        assertEquals(2, pools.allocations.get(), "an expired answer is computed afresh");
    }
}
