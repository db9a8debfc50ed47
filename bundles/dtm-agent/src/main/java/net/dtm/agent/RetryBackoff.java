package net.dtm.agent;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The wait before the next retry: the minimum at first, doubled by every failure up to the
 * maximum, back to the minimum after a success. Each wait {@link #next() handed out} is drawn at
 * random from its upper half ("equal jitter"): a fleet that lost its server at the same moment
 * would otherwise retry in lockstep, in waves that overflow the server's queues with idle time in
 * between. Not thread-safe: its owner's lock guards it.
 */
final class RetryBackoff {
    private final Duration min;
    private final Duration max;
    private final DoubleSupplier random;
    private Duration delay;

    /** Jittered with {@link ThreadLocalRandom}. */
    RetryBackoff(Duration min, Duration max) {
        this(min, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random uniform in [0, 1): 0 gives the full wait, towards 1 half of it */
    RetryBackoff(Duration min, Duration max, DoubleSupplier random) {
        this.min = min;
        this.max = max;
        this.random = random;
        this.delay = min;
    }

    /** The wait now, without jitter, leaving it as it is. */
    Duration current() {
        return delay;
    }

    /**
     * The wait now, less a random part of at most its half; the one after it is twice as long, at
     * most the maximum.
     */
    Duration next() {
        Duration d = delay;
        Duration doubled = delay.multipliedBy(2);
        delay = doubled.compareTo(max) > 0 ? max : doubled;
        long nanos = d.toNanos();
        return Duration.ofNanos(nanos - (long) (nanos / 2 * random.getAsDouble()));
    }

    /** Back to the minimum. */
    void reset() {
        delay = min;
    }
}
