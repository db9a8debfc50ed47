package net.dtm.config;

import java.time.Duration;

/**
 * Runs a task once after a delay. The transaction's timers (probe retries, confirm timeout) go
 * through it so tests can drive time by hand.
 */
public interface Scheduler {

    /** A scheduled task that can still be called off. */
    interface Cancellable {
        /** Calls the task off if it has not run yet; does nothing otherwise. */
        void cancel();
    }

    /** Runs {@code task} once, {@code delay} from now. */
    Cancellable schedule(Runnable task, Duration delay);
}
