package net.dtm.benchmark.lease;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a timed trial ran its full length. A trial that stopped early (its devices ran out, or the
 * client ended before the trial's seconds were up) measured a shorter, different trial; it is
 * reported as a failure, never as a figure.
 */
final class TrialCheck {

    /** A run shorter than this share of its seconds counts as cut short (timer granularity aside). */
    static final double FULL = 0.99;

    private TrialCheck() {
    }

    /**
     * @param what            the trial, for the message
     * @param seconds         the trial's length
     * @param elapsedSeconds  how long the client ran (including the wait for the last devices in flight)
     * @param ranOutAfter     seconds after the start at which its devices ran out, or a negative number if they did not
     * @param devices         devices enrolled for it
     * @param sizedFor        the rate (leases/s) those devices were sized for
     * @return why the trial does not count, or empty if it ran its full length
     */
    static Optional<String> cutShort(String what, double seconds, double elapsedSeconds, double ranOutAfter, long devices,
                                     double sizedFor) {
        if (ranOutAfter >= 0 && ranOutAfter < seconds) {
            return Optional.of(String.format(Locale.ROOT, "%s ran out of enrolled devices after %.1f s of %.0f s: all %d "
                            + "were used (sized for %.0f leases/s, so the node ran at over %.0f/s); not reported",
                    what, ranOutAfter, seconds, devices, sizedFor, devices / Math.max(ranOutAfter, 1e-3)));
        }
        if (elapsedSeconds < FULL * seconds) {
            return Optional.of(String.format(Locale.ROOT, "%s ended after %.1f s of %.0f s; not reported", what,
                    elapsedSeconds, seconds));
        }
        return Optional.empty();
    }
}
