package net.dtm.config.fake;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

import net.dtm.config.Scheduler;
import net.dtm.api.fakes.SettableClock;

/**
 * A scheduler driven by the test: {@link #advance} moves the clock from one due task to the next
 * and runs each on the calling thread.
 */
public final class ManualScheduler implements Scheduler {

    private final SettableClock clock;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long sequence;

    private static final class Task implements Comparable<Task> {
        final Instant due;
        final long seq;
        final Runnable body;
        volatile boolean cancelled;

        Task(Instant due, long seq, Runnable body) {
            this.due = due;
            this.seq = seq;
            this.body = body;
        }

        @Override
        public int compareTo(Task o) {
            int c = due.compareTo(o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    public ManualScheduler(SettableClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, Duration delay) {
        Task t = new Task(clock.instant().plus(delay), sequence++, task);
        tasks.add(t);
        return () -> t.cancelled = true;
    }

    /** Runs every task due within {@code d} from now, in time order, then sets the clock to now + d. */
    public void advance(Duration d) {
        Instant end = clock.instant().plus(d);
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due.isAfter(end)) {
                    break;
                }
                tasks.poll();
            }
            if (!next.cancelled) {
                clock.advanceTo(next.due);
                next.body.run();
            }
        }
        clock.advanceTo(end);
    }

    /** Tasks scheduled and not cancelled. */
    public synchronized long pending() {
        return tasks.stream().filter(t -> !t.cancelled).count();
    }
}
