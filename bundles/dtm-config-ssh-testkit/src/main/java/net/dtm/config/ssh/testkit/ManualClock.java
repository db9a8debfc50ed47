package net.dtm.config.ssh.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Time for an emulated device's timers (commit-confirm, revert), moved only by the test:
 * {@link #advance(Duration)} runs every timer that falls due, in order, on the caller's thread. So
 * "no confirmation, the device rolls back" is tested without sleeping.
 */
public final class ManualClock {

    /** A scheduled timer; {@link #cancel()} stops it from running. */
    public final class Timer {
        private final Instant due;
        private final Runnable task;
        private boolean cancelled;

        private Timer(Instant due, Runnable task) {
            this.due = due;
            this.task = task;
        }

        /** Stops the timer; true if it had not run or been cancelled yet. */
        public boolean cancel() {
            synchronized (ManualClock.this) {
                boolean pending = !cancelled && timers.remove(this);
                cancelled = true;
                return pending;
            }
        }

        /** When the timer falls due. */
        public Instant due() {
            return due;
        }

        /** True until it ran or was cancelled. */
        public boolean pending() {
            synchronized (ManualClock.this) {
                return timers.contains(this);
            }
        }
    }

    private final List<Timer> timers = new ArrayList<>();
    private Instant now;

    public ManualClock(Instant start) {
        this.now = start;
    }

    public ManualClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    public synchronized Instant now() {
        return now;
    }

    /** Runs {@code task} once {@link #advance(Duration)} reaches now + {@code delay}. */
    public synchronized Timer schedule(Duration delay, Runnable task) {
        Timer t = new Timer(now.plus(delay), task);
        timers.add(t);
        return t;
    }

    /** Moves time forward and runs the timers that fall due, earliest first. */
    public void advance(Duration by) {
        Instant until;
        synchronized (this) {
            until = now.plus(by);
        }
        while (true) {
            Timer next;
            synchronized (this) {
                next = timers.stream().filter(t -> !t.due.isAfter(until)).min(Comparator.comparing(Timer::due)).orElse(null);
                if (next == null) {
                    now = until;
                    return;
                }
                timers.remove(next);
                if (next.due.isAfter(now)) {
                    now = next.due;
                }
            }
            next.task.run();
        }
    }
}
