package net.dtm.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class SequenceSourceTest {

    @Test
    void startsFromTheWallClockInMicroseconds() {
        long before = System.currentTimeMillis() * 1000;
        long first = new SequenceSource().next();
        // later than the clock before; and not far ahead of it unless other tests pushed the JVM mark
        assertTrue(first >= before, first + " < " + before);
        assertTrue(first < before + 60_000_000L, "more than a minute ahead: " + first + " vs " + before);
    }

    @Test
    void strictlyIncreasingWithinOneInstance() {
        SequenceSource s = new SequenceSource();
        long last = s.next();
        for (int i = 0; i < 200_000; i++) {
            long next = s.next();
            assertTrue(next > last, next + " after " + last);
            last = next;
        }
        assertEquals(last, s.last());
    }

    @Test
    void strictlyIncreasingAcrossInstancesCreatedOneAfterAnother() {
        long last = Long.MIN_VALUE;
        for (int instance = 0; instance < 1_000; instance++) {
            SequenceSource s = new SequenceSource(); // a "restarted" sender, many times a millisecond
            for (int i = 0; i < 50; i++) {
                long next = s.next();
                assertTrue(next > last, "instance " + instance + ": " + next + " after " + last);
                last = next;
            }
        }
    }

    @Test
    void clockGoingBackwardsDoesNotGoBackwards() {
        long[] clock = {SequenceSource.wallClockMicros()};
        SequenceSource s = new SequenceSource(() -> clock[0]);
        long a = s.next();
        clock[0] -= 3_600_000_000L; // NTP step back by an hour, then the sender restarts
        SequenceSource restarted = new SequenceSource(() -> clock[0]);
        long b = restarted.next();
        long c = restarted.next();
        assertTrue(b > a);
        assertTrue(c > b);
    }

    @Test
    void consecutiveMessagesAreConsecutiveNumbersSoTheWindowCountsMessagesNotTime() {
        // a clock that jumps ten seconds at every reading: numbers must not follow it
        long[] clock = {SequenceSource.wallClockMicros()};
        SequenceSource s = new SequenceSource(() -> clock[0] += 10_000_000L);
        ReplayWindow window = new ReplayWindow();
        long old = s.next();
        assertEquals(ReplayWindow.Verdict.NEW, window.check(old));
        for (int i = 0; i < 10; i++) {
            assertEquals(ReplayWindow.Verdict.NEW, window.check(s.next()));
        }
        // a retransmitted copy of the old message is still inside the window: a duplicate, not a replay
        assertEquals(ReplayWindow.Verdict.DUPLICATE, window.check(old));
        assertEquals(s.last() - 10, old);
    }

    @Test
    void concurrentCallersGetDistinctValues() throws Exception {
        SequenceSource s = new SequenceSource();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    long[] values = new long[20_000];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = s.next();
                        if (i > 0 && values[i] <= values[i - 1]) {
                            throw new AssertionError("not increasing within a thread");
                        }
                    }
                    return values;
                }));
            }
            Set<Long> all = new HashSet<>();
            for (Future<long[]> f : results) {
                for (long v : f.get(30, TimeUnit.SECONDS)) {
                    assertTrue(all.add(v), "duplicate " + v);
                }
            }
            assertEquals(80_000, all.size());
        } finally {
            pool.shutdownNow();
        }
    }
}
