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
    /**
     * Number of offsets in {@link #ranges}, kept up to date so {@link #size()} is O(1); written
     * under the lock, read without it (the utilisation check reads it on every allocation).
     */
    private volatile long size;

    /** One free range {@code [first, end)}; nothing if empty. */
    FreeIndex(long first, long end) {
        if (first < end) {
            ranges.add(new long[] {first, end});
            size = end - first;
        }
    }

    /**
     * Builds the index of {@code [first, end)} minus {@code usedAscending}, which must be sorted.
     * Offsets outside the range are ignored.
     */
    static FreeIndex of(long first, long end, long[] usedAscending) {
        return of(first, end, usedAscending, usedAscending.length, java.util.List.of());
    }

    /**
     * Builds the index of {@code [first, end)} minus the first {@code usedCount} offsets of
     * {@code usedAscending} (sorted) and minus the half-open {@code excludedAscending} ranges
     * (sorted, not overlapping). Offsets outside the range are ignored. O(used + excluded).
     */
    static FreeIndex of(long first, long end, long[] usedAscending, int usedCount, java.util.List<long[]> excludedAscending) {
        FreeIndex index = new FreeIndex(first, first);
        long next = first;
        int u = 0;
        int x = 0;
        while (true) {
            // The next hole: whichever of the next used offset and the next excluded range comes first.
            long holeStart;
            long holeEnd;
            if (u < usedCount && (x >= excludedAscending.size() || usedAscending[u] < excludedAscending.get(x)[0])) {
                holeStart = usedAscending[u];
                holeEnd = holeStart + 1;
                u++;
            } else if (x < excludedAscending.size()) {
                holeStart = excludedAscending.get(x)[0];
                holeEnd = excludedAscending.get(x)[1];
                x++;
            } else {
                break;
            }
            if (holeEnd <= next || holeStart >= end) {
                continue;
            }
            if (holeStart > next) {
                index.addRange(next, holeStart);
            }
            next = Math.max(next, holeEnd);
        }
        if (next < end) {
            index.addRange(next, end);
        }
        return index;
    }

    private void addRange(long start, long end) {
        ranges.add(new long[] {start, end});
        size += end - start;
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
        size--;
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
        size++;
    }

    /** Puts an offset back at the front: it was taken for a request that did not use it. */
    synchronized void giveBackFirst(long offset) {
        long[] head = ranges.peekFirst();
        if (head != null && head[0] == offset + 1) {
            head[0]--;
        } else {
            ranges.addFirst(new long[] {offset, offset + 1});
        }
        size++;
    }

    /**
     * Makes {@code offset} the next one handed out, without losing any: the ranges before it move
     * to the back of the queue in their order, a range holding it is split there. Nodes sharing a
     * pool each start from their own point this way, so they do not all race for the lowest free
     * address. O(ranges).
     */
    synchronized void rotateTo(long offset) {
        int n = ranges.size();
        for (int i = 0; i < n; i++) {
            long[] head = ranges.peekFirst();
            if (head[1] <= offset) {
                ranges.addLast(ranges.pollFirst());
                continue;
            }
            if (head[0] < offset) {
                long start = head[0];
                head[0] = offset;
                ranges.addLast(new long[] {start, offset});
            }
            return;
        }
    }

    /** True if no free offset is known. */
    synchronized boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Replaces the contents with another index's (after a rescan of the store). */
    synchronized void replaceWith(FreeIndex other) {
        ranges.clear();
        synchronized (other) {
            ranges.addAll(other.ranges);
            size = other.size;
        }
    }

    /** Number of free offsets known. O(1), without the lock. */
    long size() {
        return size;
    }
}
