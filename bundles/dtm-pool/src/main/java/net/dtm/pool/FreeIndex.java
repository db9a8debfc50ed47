package net.dtm.pool;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalLong;

/**
 * The offsets of one pool this node believes free, as a queue of half-open ranges
 * {@code [start, end)}.
 * <p>
 * Why ranges: a fresh pool is one range, so a /8 or an IPv6 /64 costs a few bytes; after a restart
 * the gaps between stored leases become ranges, so memory grows with the number of gaps (at most
 * the number of leases), never with the pool size. {@link #take()} and {@link #give(long)} are
 * O(1), so allocation cost does not depend on pool size or fill. Freed offsets go to the back of
 * the queue: an address that was just given back is the last to be handed out again, which keeps
 * it for its previous device as long as possible.
 * <p>
 * The index is a hint, not the truth: the store's {@code tryBind} decides. An offset that another
 * node took shows up as ADDRESS_TAKEN and is simply dropped. Thread-safe; the lock is held only
 * for the O(1) queue operations, never around store I/O.
 */
final class FreeIndex {

    private final Deque<long[]> ranges = new ArrayDeque<>();

    /** One free range {@code [first, end)}; nothing if empty. */
    FreeIndex(long first, long end) {
        if (first < end) {
            ranges.add(new long[] {first, end});
        }
    }

    /**
     * Builds the index of {@code [first, end)} minus {@code usedAscending}, which must be sorted.
     * Offsets outside the range are ignored.
     */
    static FreeIndex of(long first, long end, long[] usedAscending) {
        FreeIndex index = new FreeIndex(first, first);
        long next = first;
        for (long used : usedAscending) {
            if (used < next || used >= end) {
                continue;
            }
            if (used > next) {
                index.ranges.add(new long[] {next, used});
            }
            next = used + 1;
        }
        if (next < end) {
            index.ranges.add(new long[] {next, end});
        }
        return index;
    }

    /** Removes and returns a free offset, or empty if none is known. */
    synchronized OptionalLong take() {
        long[] head = ranges.peekFirst();
        if (head == null) {
            return OptionalLong.empty();
        }
        long offset = head[0]++;
        if (head[0] >= head[1]) {
            ranges.pollFirst();
        }
        return OptionalLong.of(offset);
    }

    /** Puts an offset back at the end of the queue (freed, or taken but not used). */
    synchronized void give(long offset) {
        long[] tail = ranges.peekLast();
        if (tail != null && tail[1] == offset) {
            tail[1]++;
        } else {
            ranges.addLast(new long[] {offset, offset + 1});
        }
    }

    /** Puts an offset back at the front: it was taken for a request that did not use it. */
    synchronized void giveBackFirst(long offset) {
        long[] head = ranges.peekFirst();
        if (head != null && head[0] == offset + 1) {
            head[0]--;
        } else {
            ranges.addFirst(new long[] {offset, offset + 1});
        }
    }

    /** True if no free offset is known. */
    synchronized boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Replaces the contents with another index's (after a rescan of the store). */
    synchronized void replaceWith(FreeIndex other) {
        ranges.clear();
        ranges.addAll(other.ranges);
    }

    /** Number of free offsets known (for tests and diagnostics; O(ranges)). */
    synchronized long size() {
        long n = 0;
        for (long[] r : ranges) {
            n += r[1] - r[0];
        }
        return n;
    }
}
