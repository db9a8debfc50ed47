package net.dtm.protocol;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The sender's sequence numbers, checked by the receiver's {@link ReplayWindow}. Thread-safe.
 *
 * <p>A counter: each value is the previous one plus one, so consecutive messages of one sender
 * are consecutive numbers and the receiver's window of 1024 numbers spans the sender's last 1024
 * messages, however far apart in time they were sent. The counter starts from the wall clock in
 * microseconds when the instance is created, so a restarted sender continues above everything it
 * sent before as long as it sent, on average, less than one message per microsecond of its life.
 * All instances in one JVM share a high-water mark, so an instance created after another (a bundle
 * update, say) never starts below it, even if the clock was set back.
 */
public final class SequenceSource {

    /** JVM-wide high-water mark: a new instance never repeats or undercuts an older one. */
    private static final AtomicLong HIGH_WATER = new AtomicLong(Long.MIN_VALUE);

    private final AtomicLong last;

    /** A source driven by the system clock. */
    public SequenceSource() {
        this(SequenceSource::wallClockMicros);
    }

    /** A source starting from {@code microsClock} (tests). */
    SequenceSource(LongSupplier microsClock) {
        long now = microsClock.getAsLong();
        long start = HIGH_WATER.updateAndGet(prev -> Math.max(prev + 1, now));
        this.last = new AtomicLong(start - 1);
    }

    /** The next sequence number: strictly greater than every value this instance returned before. */
    public long next() {
        long value = last.incrementAndGet();
        HIGH_WATER.accumulateAndGet(value, Math::max);
        return value;
    }

    /**
     * Moves this source above {@code mark}, a value its receiver says it has already seen (an
     * authenticated resync NAK): the next value is at least {@code mark + 1}. Never moves it back.
     */
    public void advancePast(long mark) {
        if (mark == Long.MAX_VALUE) {
            throw new IllegalArgumentException("no sequence number above " + mark);
        }
        last.accumulateAndGet(mark, Math::max);
        HIGH_WATER.accumulateAndGet(mark, Math::max);
    }

    /** The last value this instance returned, or one less than its first before any. */
    public long last() {
        return last.get();
    }

    static long wallClockMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
