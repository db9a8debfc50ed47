package net.dtm.server.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A warning about something that may happen for every datagram (the device registry's store is
 * unreachable): written at once the first time, then at most once per period, each time with the
 * number of occurrences since the previous warning. Safe for many threads.
 */
final class ThrottledWarning {

    private final Clock clock;
    private final long periodMillis;
    private final Consumer<String> sink;
    private final AtomicLong occurrences = new AtomicLong();
    private final AtomicLong nextAt = new AtomicLong(Long.MIN_VALUE);

    ThrottledWarning(Clock clock, Duration period, Consumer<String> sink) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.periodMillis = period.toMillis();
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Counts one occurrence; if a warning is due, writes {@code "<count> <what>"}.
     *
     * @return true if this call wrote the warning
     */
    boolean occurred(String what) {
        occurrences.incrementAndGet();
        long now = clock.millis();
        long next = nextAt.get();
        if (now < next || !nextAt.compareAndSet(next, now + periodMillis)) {
            return false;
        }
        sink.accept(occurrences.getAndSet(0) + " " + what);
        return true;
    }
}
