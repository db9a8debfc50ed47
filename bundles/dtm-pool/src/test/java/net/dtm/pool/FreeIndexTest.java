package net.dtm.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class FreeIndexTest {

    private static List<Long> drain(FreeIndex index) {
        List<Long> out = new ArrayList<>();
        for (OptionalLong o = index.take(); o.isPresent(); o = index.take()) {
            out.add(o.getAsLong());
        }
        return out;
    }

    @Test
    void freshRangeHandsOutInOrder() {
        FreeIndex index = new FreeIndex(2, 7);
        assertEquals(List.of(2L, 3L, 4L, 5L, 6L), drain(index));
        assertTrue(index.isEmpty());
    }

    @Test
    void builtFromUsedOffsetsSkipsThemAndIgnoresOutOfRange() {
        FreeIndex index = FreeIndex.of(2, 10, new long[] {0, 1, 2, 4, 5, 9, 12});
        assertEquals(List.of(3L, 6L, 7L, 8L), drain(index));
    }

    @Test
    void givenOffsetsComeLastAndTakenButUnusedFirst() {
        FreeIndex index = new FreeIndex(2, 5);
        assertEquals(2L, index.take().getAsLong());
        index.give(40);
        index.give(41);
        index.giveBackFirst(2);
        assertEquals(List.of(2L, 3L, 4L, 40L, 41L), drain(index));
        assertEquals(0, index.size());
    }

    @Test
    void hugeIpv6SizedRangeCostsNothing() {
        FreeIndex index = new FreeIndex(2, Long.MAX_VALUE);
        for (long i = 0; i < 100_000; i++) {
            assertEquals(2 + i, index.take().getAsLong());
        }
        assertEquals(Long.MAX_VALUE - 2 - 100_000, index.size());
    }

    @Test
    void replaceWithTakesTheRescannedContents() {
        FreeIndex index = new FreeIndex(2, 3);
        drain(index);
        index.replaceWith(FreeIndex.of(2, 6, new long[] {3}));
        assertEquals(List.of(2L, 4L, 5L), drain(index));
    }

    @Test
    void rotateToStartsThereAndWrapsAroundLosingNothing() {
        FreeIndex index = new FreeIndex(2, 8);
        index.rotateTo(5);
        assertEquals(6, index.size());
        assertEquals(List.of(5L, 6L, 7L, 2L, 3L, 4L), drain(index));

        FreeIndex gaps = FreeIndex.of(0, 10, new long[] {3, 4, 7});
        gaps.rotateTo(4); // inside a gap: the next free offset after it comes first
        assertEquals(List.of(5L, 6L, 8L, 9L, 0L, 1L, 2L), drain(gaps));

        FreeIndex edge = new FreeIndex(2, 5);
        edge.rotateTo(2);
        edge.rotateTo(99); // past the end: order unchanged
        edge.rotateTo(-1);
        assertEquals(List.of(2L, 3L, 4L), drain(edge));
        new FreeIndex(3, 3).rotateTo(3); // empty: nothing to do
    }
}
