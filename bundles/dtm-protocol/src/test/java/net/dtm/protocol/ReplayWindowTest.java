package net.dtm.protocol;

import static net.dtm.protocol.ReplayWindow.Verdict.DUPLICATE;
import static net.dtm.protocol.ReplayWindow.Verdict.NEW;
import static net.dtm.protocol.ReplayWindow.Verdict.REPLAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import net.dtm.protocol.ReplayWindow.Verdict;

class ReplayWindowTest {

    @Test
    void firstIsNewAndTheSameAgainIsDuplicate() {
        ReplayWindow w = new ReplayWindow();
        assertEquals(Long.MIN_VALUE, w.highest());
        assertEquals(NEW, w.check(1_000_000));
        assertEquals(DUPLICATE, w.check(1_000_000));
        assertEquals(DUPLICATE, w.check(1_000_000));
        assertEquals(1_000_000, w.highest());
        assertEquals(1024, w.size());
    }

    @Test
    void increasingSequencesAreAllNew() {
        ReplayWindow w = new ReplayWindow();
        for (long s = 5; s < 50_000; s += 3) {
            assertEquals(NEW, w.check(s), "sequence " + s);
        }
    }

    @Test
    void outOfOrderInsideTheWindowIsNewOnce() {
        ReplayWindow w = new ReplayWindow();
        assertEquals(NEW, w.check(10_000));
        assertEquals(NEW, w.check(9_990));
        assertEquals(NEW, w.check(9_999));
        assertEquals(NEW, w.check(10_001));
        assertEquals(DUPLICATE, w.check(9_990));
        assertEquals(DUPLICATE, w.check(9_999));
        assertEquals(DUPLICATE, w.check(10_000));
        assertEquals(NEW, w.check(9_995));
    }

    @Test
    void windowEdgeIsExact() {
        ReplayWindow w = new ReplayWindow();
        assertEquals(NEW, w.check(5_000));
        assertEquals(NEW, w.check(5_000 - 1023)); // oldest inside
        assertEquals(REPLAY, w.check(5_000 - 1024)); // first outside
        assertEquals(DUPLICATE, w.check(5_000 - 1023));
        assertEquals(NEW, w.check(5_001));
        assertEquals(REPLAY, w.check(5_000 - 1023)); // slid out
    }

    @Test
    void farJumpAheadForgetsTheOldWindow() {
        ReplayWindow w = new ReplayWindow();
        for (long s = 0; s < 2048; s++) {
            w.check(s);
        }
        long top = 1_000_000_000L;
        assertEquals(NEW, w.check(top));
        assertEquals(REPLAY, w.check(2047));
        // nothing seen below the new top yet: stale bits of the ring must not count
        for (long s = top - 1023; s < top; s++) {
            assertEquals(NEW, w.check(s), "sequence " + s);
        }
    }

    @Test
    void jumpsOfAboutTheRingSizeDoNotLeaveStaleBits() {
        // the ring has 17 words of 64 bits; jumps around that size stress the word clearing
        for (int jump = 1000; jump < 1200; jump += 7) {
            ReplayWindow w = new ReplayWindow();
            for (long s = 0; s < 1088; s++) {
                w.check(s);
            }
            long top = 1087 + jump;
            assertEquals(NEW, w.check(top));
            for (long s = top - 1023; s < top; s++) {
                Verdict expected = s <= 1087 ? DUPLICATE : NEW;
                assertEquals(expected, w.check(s), "jump " + jump + " sequence " + s);
            }
        }
    }

    @Test
    void extremesDoNotOverflow() {
        ReplayWindow w = new ReplayWindow();
        assertEquals(NEW, w.check(Long.MIN_VALUE));
        assertEquals(NEW, w.check(Long.MAX_VALUE)); // jump of 2^64-1 words apart
        assertEquals(REPLAY, w.check(Long.MIN_VALUE));
        assertEquals(REPLAY, w.check(-1));
        assertEquals(NEW, w.check(Long.MAX_VALUE - 1));
        assertEquals(DUPLICATE, w.check(Long.MAX_VALUE));

        ReplayWindow n = new ReplayWindow();
        assertEquals(NEW, n.check(-10));
        assertEquals(NEW, n.check(-70));
        assertEquals(NEW, n.check(3));
        assertEquals(DUPLICATE, n.check(-70));
        assertEquals(NEW, n.check(-69));
    }

    @Test
    void matchesAReferenceModelOnRandomTraffic() {
        for (int size : new int[] {64, 128, 1024}) {
            Random random = new Random(size);
            ReplayWindow w = new ReplayWindow(size);
            Set<Long> seen = new HashSet<>();
            long highest = Long.MIN_VALUE;
            long base = 1_000_000;
            for (int i = 0; i < 200_000; i++) {
                int r = random.nextInt(100);
                long s;
                if (r < 50) {
                    s = base + random.nextInt(size + 64) - size; // around the edge of the window
                } else if (r < 90) {
                    s = base + random.nextInt(8); // ahead, reordered
                } else if (r < 99) {
                    s = base + random.nextInt(3 * size); // jump
                } else {
                    s = base - random.nextInt(100 * size); // old
                }
                Verdict expected;
                if (highest == Long.MIN_VALUE || s > highest) {
                    expected = NEW;
                    highest = s;
                    seen.add(s);
                } else if (highest - s >= size) {
                    expected = REPLAY;
                } else {
                    expected = seen.add(s) ? NEW : DUPLICATE;
                }
                assertEquals(expected, w.check(s), "step " + i + " sequence " + s + " highest " + highest);
                base = Math.max(base, highest);
            }
        }
    }

    @Test
    void sizeMustBeAPositiveMultipleOf64() {
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(0));
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(-64));
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(100));
        assertEquals(64, new ReplayWindow(64).size());
    }

    @Test
    void concurrentReceiversAcceptEachSequenceExactlyOnce() throws Exception {
        ReplayWindow w = new ReplayWindow();
        int threads = 6;
        int count = 50_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    int fresh = 0;
                    for (long s = 1; s <= count; s++) { // every copy of every datagram, as over several links
                        if (w.check(s) == NEW) {
                            fresh++;
                        }
                    }
                    return fresh;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            assertEquals(count, total);
            assertEquals(count, w.highest());
        } finally {
            pool.shutdownNow();
        }
    }
}
