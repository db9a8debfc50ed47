package net.dtm.benchmark;

/**
 * When an untimed warm-up of a JVM server may end: it runs in slices, and ends once a slice's rate
 * is within {@value #TOLERANCE_PERCENT} % of the slice before, after at least a minimum time (or at
 * its longest). On two cores a fresh node's C2 compiler stays busy for tens of seconds of full load,
 * and a server in service runs warm for days, so the timed trials measure warm code.
 */
public record WarmUp(int sliceSeconds, int minSeconds, int maxSeconds) {

    /** How close two slices' rates must be, percent. */
    public static final int TOLERANCE_PERCENT = 5;

    public WarmUp {
        if (sliceSeconds < 1 || minSeconds < 0 || maxSeconds < 0) {
            throw new IllegalArgumentException("warm-up slice must be positive, its shortest and longest not negative");
        }
    }

    /** This rule with another longest warm-up (e.g. from a command line). */
    public WarmUp withMaxSeconds(int seconds) {
        return new WarmUp(sliceSeconds, minSeconds, seconds);
    }

    /** The next slice's length after {@code spent} seconds: a whole slice, or what is left of the longest. */
    public int nextSlice(int spent) {
        return Math.min(sliceSeconds, maxSeconds - spent);
    }

    /** Whether the longest warm-up is used up after {@code spent} seconds. */
    public boolean over(int spent) {
        return spent >= maxSeconds;
    }

    /**
     * Whether the warm-up may end after {@code spent} seconds, the last slice at {@code rate}.
     *
     * @param previous the slice before's rate, or a negative number if there is none to compare with
     *                 (the first slice, or one that did not measure the server, e.g. ran out of devices)
     */
    public boolean settled(double previous, double rate, int spent) {
        return spent >= Math.min(minSeconds, maxSeconds) && previous > 0
                && Math.abs(rate - previous) <= TOLERANCE_PERCENT / 100.0 * previous;
    }
}
