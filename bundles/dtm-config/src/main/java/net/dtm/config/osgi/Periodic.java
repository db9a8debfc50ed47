package net.dtm.config.osgi;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The components' background checks: a task run every few seconds on its own daemon thread. */
final class Periodic {

    private Periodic() {
    }

    /**
     * Runs {@code task} every {@code seconds} (the first time after one period) on one daemon thread named
     * {@code threadName}; a run that throws is passed to {@code failed} and the next run still comes. Stopped
     * with {@link ScheduledExecutorService#shutdownNow()}.
     */
    static ScheduledExecutorService every(int seconds, String threadName, Runnable task,
                                          Consumer<RuntimeException> failed) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                failed.accept(e);
            }
        }, seconds, seconds, TimeUnit.SECONDS);
        return executor;
    }
}
