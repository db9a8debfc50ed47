package net.dtm.benchmark;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progress lines of a long benchmark step on standard error, every {@value #DEFAULT_PERIOD_SECONDS}
 * s from a daemon thread: what is done, the rate, the time spent and an estimate of what is left.
 * A step is bounded either by a count ({@link #ofCount}: the estimate is the remaining count at the
 * rate so far) or by a duration ({@link #ofTime}: what is left is the rest of the duration). Closing
 * it stops the lines. It also samples {@code done} every second, for charts of the rate over time
 * ({@link #samples()}).
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
    private final long periodSeconds;
    private final List<double[]> samples = new CopyOnWriteArrayList<>();
    private long ticks;

    private Progress(String what, String unit, long total, double seconds, LongSupplier done, PrintStream out,
                     long periodSeconds) {
        this.what = what;
        this.unit = unit;
        this.total = total;
        this.seconds = seconds;
        this.done = done;
        this.out = out;
        this.periodSeconds = periodSeconds;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        samples.add(new double[] {0, done.getAsLong()});
        timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** Lines for a step that ends once {@code done} reaches {@code total} {@code unit} (e.g. "leases"). */
    public static Progress ofCount(String what, long total, String unit, LongSupplier done) {
        return new Progress(what, unit, total, Double.NaN, done, System.err, DEFAULT_PERIOD_SECONDS);
    }

    /** Lines for a step that lasts {@code seconds}; {@code done} counts what it achieved so far. */
    public static Progress ofTime(String what, double seconds, String unit, LongSupplier done) {
        return new Progress(what, unit, -1, seconds, done, System.err, DEFAULT_PERIOD_SECONDS);
    }

    /**
     * Lines for one long call nothing can count into (e.g. opening a store): how long it has taken so
     * far, with no estimate.
     */
    public static Progress ofStep(String what) {
        return new Progress(what, "", -1, Double.NaN, () -> 0, System.err, DEFAULT_PERIOD_SECONDS);
    }

    private void tick() {
        long now = done.getAsLong();
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        samples.add(new double[] {elapsed, now});
        if (++ticks % periodSeconds == 0) {
            out.println(line(what, unit, now, total, seconds, elapsed));
        }
    }

    /**
     * {seconds since the start, done} about every second, the first at 0; with {@link #close()}'s
     * final sample last.
     */
    public List<double[]> samples() {
        return List.copyOf(samples);
    }

    /**
     * The rate between consecutive samples at least {@code seconds} apart: {seconds since the start
     * (the interval's end), done at its end, done per second over it}.
     */
    public List<double[]> rates(double seconds) {
        return rates(samples(), seconds);
    }

    static List<double[]> rates(List<double[]> all, double seconds) {
        List<double[]> out = new ArrayList<>();
        double[] from = all.isEmpty() ? null : all.get(0);
        for (double[] s : all) {
            if (s[0] - from[0] >= seconds * 0.95) { // the timer may fire a little early
                out.add(new double[] {s[0], s[1], (s[1] - from[1]) / (s[0] - from[0])});
                from = s;
            }
        }
        return out;
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
        } else if (Double.isNaN(seconds)) {
            return String.format(Locale.ROOT, "  %s: still running, %s spent (one call: no estimate)", what,
                    duration(elapsed));
        } else {
            count = done + " " + unit;
            left = "about " + duration(Math.max(0, seconds - elapsed)) + " of " + duration(seconds) + " left";
        }
        return String.format(Locale.ROOT, "  %s: %s, %.0f /s, %s spent, %s", what, count, rate, duration(elapsed), left);
    }

    /** Seconds as "42 s", "3 min 20 s" or "1 h 05 min". */
    public static String duration(double s) {
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
        if (!timer.isShutdown()) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS); // a sample being taken comes before the last one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            samples.add(new double[] {(System.nanoTime() - startNanos) / 1e9, done.getAsLong()});
        }
    }

    /** The machine's load average over 1, 5 and 15 minutes ("0.52 0.61 0.70"), or "?" where it cannot be read. */
    public static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }
}
