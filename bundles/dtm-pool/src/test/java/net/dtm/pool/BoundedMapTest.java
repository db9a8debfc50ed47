package net.dtm.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class BoundedMapTest {

    @Test
    void neverHoldsMoreThanItsCapacityRoundedUpToTheStripes() {
        BoundedMap<Integer, Integer> m = new BoundedMap<>(1000); // 16 stripes of 63
        for (int i = 0; i < 100_000; i++) {
            m.put(i, i);
        }
        assertTrue(m.size() <= 1008, "size " + m.size());
        assertTrue(m.size() > 900, "each stripe is full, size " + m.size());
        assertEquals(99_999, m.get(99_999), "the newest stays");
        assertNull(m.get(0), "the oldest went");
    }

    @Test
    void dropsTheLeastRecentlyUsedOfAStripe() {
        BoundedMap<Integer, String> m = new BoundedMap<>(16); // one entry per stripe
        // 0 and 16 share a stripe (low four bits of the spread hash are equal for small ints)
        m.put(0, "a");
        m.put(16, "b");
        assertNull(m.get(0), "the stripe's only slot went to the newer key");
        assertEquals("b", m.get(16));

        BoundedMap<Integer, String> two = new BoundedMap<>(32); // two per stripe
        two.put(0, "a");
        two.put(16, "b");
        assertEquals("a", two.get(0)); // 0 is now the most recently used
        two.put(32, "c");
        assertEquals("a", two.get(0), "a read keeps an entry");
        assertNull(two.get(16), "the least recently used went");
        assertEquals("c", two.get(32));
    }

    @Test
    void mergeRemoveAndContains() {
        BoundedMap<String, Long> m = new BoundedMap<>(100);
        m.merge("k", 5L, Math::max);
        m.merge("k", 3L, Math::max);
        assertEquals(5L, m.get("k"), "the remapping kept the higher value");
        assertTrue(m.containsKey("k"));
        assertEquals(5L, m.remove("k"));
        assertFalse(m.containsKey("k"));
        assertEquals(0, m.size());
        assertThrows(IllegalArgumentException.class, () -> new BoundedMap<>(0));
    }

    @Test
    void manyThreadsAtOnceKeepTheBound() throws Exception {
        BoundedMap<Integer, Integer> m = new BoundedMap<>(4096);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int base = t * 1_000_000;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 50_000; i++) {
                        m.put(base + i, i);
                        m.get(base + i / 2);
                        if (i % 7 == 0) {
                            m.remove(base + i);
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(m.size() <= 4096, "size " + m.size());
    }
}
