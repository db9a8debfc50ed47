package net.dtm.benchmark.fleet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a fleet recovery measures, from the events alone: each device's address before the restart
 * ({@link #original}), the moment the server side went away ({@link #stopped}) and came back
 * ({@link #up}), and each device's first lease after it ({@link #reestablished}: when, which
 * address). {@link #result()} gives the time until 99 % and 100 % of the devices hold a lease again,
 * from both moments, and how many got another address than before. Thread-safe; times are
 * {@link System#nanoTime()} values.
 */
final class RecoveryTracker {

    /** No address recorded. */
    static final int NONE = 0;

    /**
     * What one recovery came to.
     *
     * @param devices        devices in the fleet
     * @param recovered      devices that hold a lease again
     * @param downSeconds    from the stop to the server side's being back up
     * @param upTo99         from back up to 99 % of the devices re-established (NaN if never)
     * @param upTo100        from back up to all re-established (NaN if not all)
     * @param stopTo99       from the stop to 99 %
     * @param stopTo100      from the stop to 100 %
     * @param addressChanged devices re-established with another address than they held before
     * @param timeline       {seconds since the stop, devices re-established by then}, one point per
     *                       re-establishment at most every 1/1000 of the fleet, first {0, 0}
     */
    record Result(int devices, int recovered, double downSeconds, double upTo99, double upTo100, double stopTo99,
                  double stopTo100, int addressChanged, List<double[]> timeline) {

        /** Devices without a lease at the end. */
        int missing() {
            return devices - recovered;
        }
    }

    private final int[] before;
    private final int[] after;
    private final long[] at;
    private int recovered;
    private long stoppedNanos;
    private long upNanos;
    private boolean stopped;
    private boolean up;

    RecoveryTracker(int devices) {
        if (devices < 1) {
            throw new IllegalArgumentException("a fleet needs at least one device, got " + devices);
        }
        before = new int[devices];
        after = new int[devices];
        at = new long[devices];
    }

    /** Device {@code i} holds {@code address} (IPv4 as an int, not {@link #NONE}) before the restart. */
    synchronized void original(int i, int address) {
        before[i] = address;
    }

    /** Devices with an address recorded before the restart. */
    synchronized int originals() {
        int n = 0;
        for (int a : before) {
            if (a != NONE) {
                n++;
            }
        }
        return n;
    }

    /** The server side went away at {@code nanos}: from now on leases count as re-established. */
    synchronized void stopped(long nanos) {
        stoppedNanos = nanos;
        stopped = true;
    }

    /** The server side is back up at {@code nanos}. */
    synchronized void up(long nanos) {
        upNanos = nanos;
        up = true;
    }

    /** Device {@code i} holds a lease on {@code address} again at {@code nanos}; only its first one counts. */
    synchronized void reestablished(int i, long nanos, int address) {
        if (!stopped) {
            throw new IllegalStateException("re-established before the stop");
        }
        if (at[i] != 0 || after[i] != NONE) {
            return;
        }
        at[i] = nanos == 0 ? 1 : nanos;
        after[i] = address;
        recovered++;
    }

    /** Devices re-established so far. */
    synchronized int recovered() {
        return recovered;
    }

    synchronized Result result() {
        if (!stopped || !up) {
            throw new IllegalStateException("no recovery: stopped=" + stopped + ", up=" + up);
        }
        int n = before.length;
        long[] times = new long[recovered];
        int k = 0;
        int changed = 0;
        for (int i = 0; i < n; i++) {
            if (after[i] != NONE) {
                times[k++] = at[i];
                if (after[i] != before[i]) {
                    changed++;
                }
            }
        }
        Arrays.sort(times);
        long t99 = nth(times, (int) Math.ceil(0.99 * n));
        long t100 = nth(times, n);
        List<double[]> timeline = new ArrayList<>();
        timeline.add(new double[] {0, 0});
        int step = Math.max(1, n / 1000);
        for (int j = 0; j < times.length; j++) {
            if ((j + 1) % step == 0 || j == times.length - 1) {
                timeline.add(new double[] {seconds(times[j] - stoppedNanos), j + 1});
            }
        }
        return new Result(n, recovered, seconds(upNanos - stoppedNanos), since(t99, upNanos), since(t100, upNanos),
                since(t99, stoppedNanos), since(t100, stoppedNanos), changed, timeline);
    }

    /** The {@code count}-th earliest time (1-based), or 0 if fewer than that. */
    private static long nth(long[] sorted, int count) {
        return count >= 1 && count <= sorted.length ? sorted[count - 1] : 0;
    }

    private static double since(long t, long from) {
        return t == 0 ? Double.NaN : seconds(t - from);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
