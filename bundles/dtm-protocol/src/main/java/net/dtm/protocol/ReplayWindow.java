package net.dtm.protocol;

/**
 * Anti-replay sliding window over a sender's sequence numbers (as in IPsec ESP and WireGuard):
 * a ring bitmap of seen sequence numbers below the highest one seen. O(1) per check, thread-safe.
 *
 * <p>A sequence number is
 * <ul>
 * <li>{@link Verdict#NEW} (and recorded as seen) if it is above the highest seen, or inside the
 * window and not seen yet (out-of-order delivery over another link);</li>
 * <li>{@link Verdict#DUPLICATE} if it is inside the window and already seen: the same datagram came
 * again, e.g. over another link; the receiver answers from its answer cache and changes nothing;</li>
 * <li>{@link Verdict#REPLAY} if it is older than the window: it is dropped.</li>
 * </ul>
 * The window covers the {@code size} sequence numbers ending at the highest seen, inclusive.
 * Only call {@link #check(long)} for authenticated datagrams, or a forger could move the window.
 */
public final class ReplayWindow {

    /** Default window size in sequence numbers. */
    public static final int DEFAULT_SIZE = 1024;

    /** The verdict on one sequence number. */
    public enum Verdict {
        /** Never seen: process it. */
        NEW,
        /** Seen before, inside the window: answer from cache, change nothing. */
        DUPLICATE,
        /** Older than the window: drop. */
        REPLAY
    }

    private final int size;
    /** Ring of words; one word more than the window so advancing never clears live bits. */
    private final long[] ring;
    private long highest;
    private boolean empty = true;

    /** A window of {@value #DEFAULT_SIZE} sequence numbers. */
    public ReplayWindow() {
        this(DEFAULT_SIZE);
    }

    /**
     * @param size window size in sequence numbers, a positive multiple of 64
     * @throws IllegalArgumentException otherwise
     */
    public ReplayWindow(int size) {
        if (size <= 0 || size % Long.SIZE != 0) {
            throw new IllegalArgumentException("window size " + size + " must be a positive multiple of 64");
        }
        this.size = size;
        this.ring = new long[size / Long.SIZE + 1];
    }

    /** The window size in sequence numbers. */
    public int size() {
        return size;
    }

    /** The highest sequence number seen, or {@link Long#MIN_VALUE} if none. */
    public synchronized long highest() {
        return empty ? Long.MIN_VALUE : highest;
    }

    /** Judges {@code sequence} and, if {@link Verdict#NEW}, records it as seen. */
    public synchronized Verdict check(long sequence) {
        if (empty) {
            empty = false;
            highest = sequence;
            mark(sequence);
            return Verdict.NEW;
        }
        if (sequence > highest) {
            advanceTo(sequence);
            mark(sequence);
            return Verdict.NEW;
        }
        long age = highest - sequence;
        if (age < 0 || age >= size) { // age < 0: the subtraction overflowed, far older than the window
            return Verdict.REPLAY;
        }
        int word = ringWord(sequence);
        long bit = 1L << (sequence & (Long.SIZE - 1));
        if ((ring[word] & bit) != 0) {
            return Verdict.DUPLICATE;
        }
        ring[word] |= bit;
        return Verdict.NEW;
    }

    private void advanceTo(long sequence) {
        long oldWord = highest >> 6;
        long newWord = sequence >> 6;
        long words = newWord - oldWord;
        if (words < 0 || words >= ring.length) { // < 0: overflow of a huge jump
            java.util.Arrays.fill(ring, 0L);
        } else {
            for (long w = oldWord + 1; w <= newWord; w++) {
                ring[(int) Math.floorMod(w, (long) ring.length)] = 0L;
            }
        }
        highest = sequence;
    }

    private void mark(long sequence) {
        ring[ringWord(sequence)] |= 1L << (sequence & (Long.SIZE - 1));
    }

    private int ringWord(long sequence) {
        return (int) Math.floorMod(sequence >> 6, (long) ring.length);
    }
}
