package net.dtm.benchmark.lease;

import java.util.Locale;

/**
 * How many devices to enrol before one run of the load client, sized from the new-lease rate
 * measured so far, so that no run ends for want of devices: the best rate seen (or, before any
 * measurement, a generous first guess) times the run's seconds times {@value #MARGIN}, plus one
 * device per slot in flight, and never fewer than {@value #MIN_DEVICES}. Every device a run uses
 * becomes a lease, so devices are never reused; the margin covers a later run being faster than
 * the best so far (a warmer JIT, more devices in flight).
 */
final class DeviceBudget {

    /** Devices enrolled per device the best rate so far would use. */
    static final double MARGIN = 2.0;
    /** The fewest devices enrolled for one run. */
    static final long MIN_DEVICES = 20_000;

    private final double firstGuess;
    private double best;

    /** @param firstGuess new leases per second assumed until a run has been measured */
    DeviceBudget(double firstGuess) {
        if (!(firstGuess > 0)) {
            throw new IllegalArgumentException("the first guess of the rate must be above 0, got " + firstGuess);
        }
        this.firstGuess = firstGuess;
    }

    /** Records a measured rate (new leases per second); the budget follows the best one. */
    void observe(double leasesPerSecond) {
        if (leasesPerSecond > best) {
            best = leasesPerSecond;
        }
    }

    /** The rate a run is sized for: the best measured, or the first guess before any measurement. */
    double expectedRate() {
        return best > 0 ? best : firstGuess;
    }

    /** Devices to enrol for a run of {@code seconds} with {@code concurrency} devices in flight. */
    long devicesFor(double seconds, int concurrency) {
        return Math.max(MIN_DEVICES, (long) Math.ceil(expectedRate() * seconds * MARGIN)) + concurrency;
    }

    /** How {@link #devicesFor} was reached, for the log. */
    String explain(double seconds, int concurrency) {
        return String.format(Locale.ROOT, "%d devices = %.0f/s (%s) x %.0f s x %.1f + %d in flight (at least %d)",
                devicesFor(seconds, concurrency), expectedRate(), best > 0 ? "best measured" : "first guess, nothing measured yet",
                seconds, MARGIN, concurrency, MIN_DEVICES);
    }
}
