package net.dtm.agent;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * An agent's timers with every delay of {@value #LONG_DELAY_SECONDS} s or more (the renewal at half
 * the lease time) cut {@value #TIME_LAPSE} times: renewals of a 60 s lease every second.
 */
final class TimeLapse extends ScheduledThreadPoolExecutor {
    static final long LONG_DELAY_SECONDS = 20;
    static final long TIME_LAPSE = 30;

    TimeLapse() {
        super(2);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        long nanos = unit.toNanos(delay);
        boolean lapse = nanos >= TimeUnit.SECONDS.toNanos(LONG_DELAY_SECONDS);
        return super.schedule(task, lapse ? nanos / TIME_LAPSE : nanos, TimeUnit.NANOSECONDS);
    }
}
