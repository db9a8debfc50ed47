package net.dtm.protocol;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The sender's sequence numbers, checked by the receiver's {@link ReplayWindow}. Thread-safe.
 *
 * <p>Values are the wall clock in microseconds since the epoch, bumped by one whenever the clock has
 * not advanced (or went backwards) since the last value. A restarted sender therefore continues
 * above everything it sent before, as long as it did not send more than one message per
 * microsecond on average or the clock was not set back further than its lead. All instances in one
 * JVM share one high-water mark, so an instance created after another never goes below it.
 */
public final class SequenceSource {

    /** JVM-wide high-water mark: a new instance never repeats or undercuts an older one. */
    private static final AtomicLong HIGH_WATER = new AtomicLong(Long.MIN_VALUE);

    private final LongSupplier microsClock;
    private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);

    /** A source driven by the system clock. */
    public SequenceSource() {
        this(SequenceSource::wallClockMicros);
    }

    /** A source driven by {@code microsClock} (tests). */
    SequenceSource(LongSupplier microsClock) {
        this.microsClock = microsClock;
    }

    /** The next sequence number: strictly greater than every value returned before in this JVM. */
    public long next() {
        long now = microsClock.getAsLong();
        long value = HIGH_WATER.updateAndGet(prev -> Math.max(prev + 1, now));
        // HIGH_WATER is monotonic, so this instance's values are too; 'last' only keeps that visible.
        last.accumulateAndGet(value, Math::max);
        return value;
    }

    /** The last value this instance returned, or {@link Long#MIN_VALUE} before the first. */
    public long last() {
        return last.get();
    }

    static long wallClockMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
