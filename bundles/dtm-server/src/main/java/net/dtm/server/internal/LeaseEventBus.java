package net.dtm.server.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.LeaseEvent;
import net.dtm.api.LeaseListener;

/**
 * Delivers a node's lease events to its {@link LeaseListener}s on one thread of its own, in
 * publication order, off the request threads; a listener that throws is logged and the others
 * still get the event. A second thread runs periodic tasks (the expiry sweep of
 * {@link DataPathEvents}).
 */
public final class LeaseEventBus implements Consumer<LeaseEvent>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseEventBus.class);

    private final List<LeaseListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService thread;
    /** Periodic tasks read the store: never on the delivery thread, where a slow store would hold up events. */
    private final ScheduledExecutorService periodic;

    public LeaseEventBus(String nodeId) {
        this.thread = daemon("dtm-lease-events-" + nodeId);
        this.periodic = daemon("dtm-lease-sweep-" + nodeId);
    }

    private static ScheduledExecutorService daemon(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    public void add(LeaseListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void remove(LeaseListener listener) {
        listeners.remove(listener);
    }

    /** Queues {@code event} for every listener registered when it is delivered. */
    @Override
    public void accept(LeaseEvent event) {
        try {
            thread.execute(() -> deliver(event));
        } catch (RejectedExecutionException closed) {
            LOG.debug("lease event {} of device={} after close: dropped", event.type(), event.lease().device());
        }
    }

    /** Runs {@code task} every {@code period} on a thread of its own (its events still go through the delivery thread). */
    public void every(Duration period, Runnable task) {
        periodic.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("lease event sweep failed: {}", e.toString());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void deliver(LeaseEvent event) {
        for (LeaseListener l : listeners) {
            try {
                l.leaseChanged(event);
            } catch (RuntimeException e) {
                LOG.warn("lease listener {} failed on {} of device={}: {}", l.getClass().getName(), event.type(),
                        event.lease().device(), e.toString());
            }
        }
    }

    /** Delivers what is queued, then stops. */
    @Override
    public void close() {
        periodic.shutdownNow();
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
