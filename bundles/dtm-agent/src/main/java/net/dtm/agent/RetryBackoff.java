package net.dtm.agent;

import java.time.Duration;

/**
 * The wait before the next retry: the minimum at first, doubled by every failure up to the
 * maximum, back to the minimum after a success. Not thread-safe: its owner's lock guards it.
 */
final class RetryBackoff {
    private final Duration min;
    private final Duration max;
    private Duration delay;

    RetryBackoff(Duration min, Duration max) {
        this.min = min;
        this.max = max;
        this.delay = min;
    }

    /** The wait now, leaving it as it is. */
    Duration current() {
        return delay;
    }

    /** The wait now; the one after it is twice as long, at most the maximum. */
    Duration next() {
        Duration d = delay;
        Duration doubled = delay.multipliedBy(2);
        delay = doubled.compareTo(max) > 0 ? max : doubled;
        return d;
    }

    /** Back to the minimum. */
    void reset() {
        delay = min;
    }
}
