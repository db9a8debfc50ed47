package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class SourceBucketsTest {

    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(42 * SECOND);

    private static InetAddress v4(int n) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {10, (byte) (n >> 16), (byte) (n >> 8), (byte) n});
    }

    @Test
    void aSourceGetsItsBurstThenItsRate() throws Exception {
        SourceBuckets buckets = new SourceBuckets(10, 5, 16, now::get);
        InetAddress a = v4(1);
        for (int i = 0; i < 5; i++) {
            assertTrue(buckets.tryAcquire(a), "burst datagram " + i);
        }
        assertFalse(buckets.tryAcquire(a), "burst spent");
        assertTrue(buckets.tryAcquire(v4(2)), "another source has its own bucket");
        now.addAndGet(SECOND / 10);            // 10/s: one token in 100 ms
        assertTrue(buckets.tryAcquire(a));
        assertFalse(buckets.tryAcquire(a));
        now.addAndGet(10 * SECOND);            // refills to the burst, not beyond
        int passed = 0;
        while (buckets.tryAcquire(a)) {
            passed++;
        }
        assertEquals(5, passed);
    }

    @Test
    void anIpv6SourceIsItsSlash64() throws Exception {
        SourceBuckets buckets = new SourceBuckets(1, 1, 16, now::get);
        assertTrue(buckets.tryAcquire(InetAddress.getByName("2001:db8:0:1::1")));
        assertFalse(buckets.tryAcquire(InetAddress.getByName("2001:db8:0:1::2")), "same /64");
        assertTrue(buckets.tryAcquire(InetAddress.getByName("2001:db8:0:2::1")), "another /64");
    }

    @Test
    void theTableStaysBoundedWhateverTheNumberOfSources() throws Exception {
        SourceBuckets buckets = new SourceBuckets(100, 10, 256, now::get);
        for (int i = 0; i < 1_000_000; i++) {
            assertTrue(buckets.tryAcquire(v4(i)), "a new source at 100 datagrams/s overall always passes");
            assertTrue(buckets.size() <= 256, "table size " + buckets.size());
            now.addAndGet(SECOND / 100);
        }
        // refilled buckets go once per refill time (10 / 100 per s = 100 ms): about 10 sources are held
        assertTrue(buckets.size() <= 32, "table size " + buckets.size());
    }

    @Test
    void sourcesBeyondAFullTableShareTheOverflowBucket() throws Exception {
        SourceBuckets buckets = new SourceBuckets(1, 1, 4, now::get);
        for (int i = 0; i < 4; i++) {
            assertTrue(buckets.tryAcquire(v4(i)));
        }
        // every tracked bucket is in use: newcomers share one bucket of OVERFLOW_SHARE sources' burst
        int passed = 0;
        for (int i = 4; i < 4 + 10 * SourceBuckets.OVERFLOW_SHARE; i++) {
            if (buckets.tryAcquire(v4(i))) {
                passed++;
            }
        }
        assertEquals(SourceBuckets.OVERFLOW_SHARE, passed);
        assertEquals(4, buckets.size());
        assertFalse(buckets.tryAcquire(v4(0)), "a tracked source keeps its own (empty) bucket");
        now.addAndGet(SECOND);                  // the tracked buckets refill and make room
        assertTrue(buckets.tryAcquire(v4(999_999)));
        assertTrue(buckets.size() <= 4);
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SourceBuckets(0, 1, 1, now::get));
        assertThrows(IllegalArgumentException.class, () -> new SourceBuckets(1, 0, 1, now::get));
        assertThrows(IllegalArgumentException.class, () -> new SourceBuckets(1, 1, 0, now::get));
    }
}
