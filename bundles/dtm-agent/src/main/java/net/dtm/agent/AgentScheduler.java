package net.dtm.agent;

import static net.dtm.agent.AgentLog.LOG;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import net.dtm.api.DeviceId;

/**
 * The agent's thread: runs its state changes and timers on the given scheduler; once that is shut
 * down, new work is dropped with a debug line instead of an exception.
 */
final class AgentScheduler {
    private final ScheduledExecutorService scheduler;
    private final DeviceId device;

    AgentScheduler(ScheduledExecutorService scheduler, DeviceId device) {
        this.scheduler = scheduler;
        this.device = device;
    }

    /** The scheduler itself, for asynchronous completions. */
    ScheduledExecutorService executor() {
        return scheduler;
    }

    void run(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException ex) {
            stopped();
        }
    }

    /** {@code task} after {@code delay}; null once the scheduler is shut down. */
    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        try {
            return scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException ex) {
            stopped();
            return null;
        }
    }

    /** {@code task} every {@code seconds}, the first time after that long; null once the scheduler is shut down. */
    ScheduledFuture<?> every(Runnable task, long seconds) {
        try {
            return scheduler.scheduleWithFixedDelay(task, seconds, seconds, TimeUnit.SECONDS);
        } catch (RejectedExecutionException ex) {
            stopped();
            return null;
        }
    }

    private void stopped() {
        LOG.debug("agent scheduler stopped: device={}", device);
    }
}
