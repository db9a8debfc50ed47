package net.dtm.benchmark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progress lines of a long benchmark step on standard error, every {@value #DEFAULT_PERIOD_SECONDS}
 * s from a daemon thread: what is done, the rate, the time spent and an estimate of what is left.
 * A step is bounded either by a count ({@link #ofCount}: the estimate is the remaining count at the
 * rate so far) or by a duration ({@link #ofTime}: what is left is the rest of the duration). Closing
 * it stops the lines.
 */
public final class Progress implements AutoCloseable {

    static final long DEFAULT_PERIOD_SECONDS = 10;

    private final String what;
    private final String unit;
    private final long total;
    private final double seconds;
    private final LongSupplier done;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService timer;
    private final PrintStream out;

    private Progress(String what, String unit, long total, double seconds, LongSupplier done, PrintStream out,
                     long periodSeconds) {
        this.what = what;
        this.unit = unit;
        this.total = total;
        this.seconds = seconds;
        this.done = done;
        this.out = out;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::print, periodSeconds, periodSeconds, TimeUnit.SECONDS);
    }

    /** Lines for a step that ends once {@code done} reaches {@code total} {@code unit} (e.g. "leases"). */
    public static Progress ofCount(String what, long total, String unit, LongSupplier done) {
        return new Progress(what, unit, total, Double.NaN, done, System.err, DEFAULT_PERIOD_SECONDS);
    }

    /** Lines for a step that lasts {@code seconds}; {@code done} counts what it achieved so far. */
    public static Progress ofTime(String what, double seconds, String unit, LongSupplier done) {
        return new Progress(what, unit, -1, seconds, done, System.err, DEFAULT_PERIOD_SECONDS);
    }

    private void print() {
        out.println(line(what, unit, done.getAsLong(), total, seconds, (System.nanoTime() - startNanos) / 1e9));
    }

    /**
     * One progress line, e.g. {@code "  filling: 120000 of 990000 leases (12 %), 4000 /s, 30 s spent, about 218 s
     * left"}. {@code total} below 0 means the step is bounded by {@code seconds} instead.
     */
    static String line(String what, String unit, long done, long total, double seconds, double elapsed) {
        double rate = elapsed > 0 ? done / elapsed : 0;
        String left;
        String count;
        if (total >= 0) {
            count = String.format(Locale.ROOT, "%d of %d %s (%.0f %%)", done, total, unit,
                    total == 0 ? 100.0 : 100.0 * done / total);
            left = done >= total ? "finishing" : rate > 0 ? "about " + duration((total - done) / rate) + " left"
                    : "nothing done yet, no estimate";
        } else {
            count = done + " " + unit;
            left = "about " + duration(Math.max(0, seconds - elapsed)) + " of " + duration(seconds) + " left";
        }
        return String.format(Locale.ROOT, "  %s: %s, %.0f /s, %s spent, %s", what, count, rate, duration(elapsed), left);
    }

    /** Seconds as "42 s", "3 min 20 s" or "1 h 05 min". */
    static String duration(double s) {
        long t = Math.round(s);
        if (t < 60) {
            return t + " s";
        }
        if (t < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", t / 60, t % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", t / 3600, t % 3600 / 60);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
