package net.dtm.cluster.standalone;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Tells the operator whether the store selected by {@code net.dtm.store type} has registered: no
 * store knows the names of the others, so a misspelt type would otherwise only show as a node
 * without a store. It follows the registered {@code LeaseStore} services (by their
 * {@code dtm.store.type}); once {@link #start started}, if none of the selected type (of any type
 * when none is configured: the default store) is there within the grace period it reports one
 * error naming the type and the types that are registered; when one appears it reports one info
 * line. If the selected store goes away, the grace period starts again. Thread-safe.
 */
public final class StoreSelectionCheck {

    /** Runs a task once after a delay. */
    @FunctionalInterface
    public interface Scheduler {
        /** Runs {@code task} after {@code delay}; the returned action cancels it if it has not run. */
        Runnable schedule(Runnable task, Duration delay);
    }

    /** Where the check reports (the log in OSGi, a recorder in tests). */
    public interface Reporter {
        void info(String message);

        void error(String message);
    }

    private final Scheduler scheduler;
    private final Reporter reporter;
    /** Registered stores: a registration's key (its service id) to its type. */
    private final Map<Object, String> stores = new HashMap<>();
    private String type;
    private Duration grace;
    private Runnable pending;
    /** Counts armed timers: a timer that fires after it was replaced does nothing. */
    private int generation;
    /** Whether the selected store is registered (and was reported). */
    private boolean present;
    /** Whether the selected store is missing and a timer is armed or its error reported. */
    private boolean waiting;
    private boolean started;
    private boolean closed;

    public StoreSelectionCheck(Scheduler scheduler, Reporter reporter) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.reporter = Objects.requireNonNull(reporter, "reporter");
    }

    /**
     * Starts checking for a store of {@code type} ({@code ""}: none configured, the default store,
     * so any store) within {@code grace}.
     */
    public synchronized void start(String type, Duration grace) {
        if (started || closed) {
            throw new IllegalStateException("already started");
        }
        this.type = Objects.requireNonNull(type, "type");
        this.grace = Objects.requireNonNull(grace, "grace");
        started = true;
        update();
    }

    /** A store registered, under {@code key} (unique per registration), with its {@code dtm.store.type}. */
    public synchronized void storeAdded(Object key, String storeType) {
        stores.put(key, storeType == null ? "" : storeType);
        update();
    }

    /** The store registered under {@code key} went away. */
    public synchronized void storeRemoved(Object key) {
        stores.remove(key);
        update();
    }

    /** Stops checking; nothing is reported afterwards. */
    public synchronized void close() {
        closed = true;
        cancel();
    }

    private boolean matches(String storeType) {
        return type.isEmpty() || type.equals(storeType);
    }

    private void update() {
        if (!started || closed) {
            return;
        }
        String match = stores.values().stream().filter(this::matches).findFirst().orElse(null);
        if (match != null) {
            if (!present) {
                present = true;
                waiting = false;
                cancel();
                reporter.info("store '" + match + "' registered" + (type.isEmpty() ? " as the default store (net.dtm.store type not set)"
                        : " (net.dtm.store type = " + type + ")"));
            }
        } else if (!waiting) {
            present = false;
            waiting = true;
            int armed = ++generation;
            pending = scheduler.schedule(() -> graceOver(armed), grace);
        }
    }

    private synchronized void graceOver(int armed) {
        if (closed || armed != generation || !waiting) {
            return;
        }
        pending = null;
        TreeSet<String> registered = new TreeSet<>(stores.values());
        reporter.error((type.isEmpty() ? "net.dtm.store type not set: the default store has not"
                : "net.dtm.store type = " + type + ": no store of type '" + type + "' has") + " registered within " + grace.toSeconds() + " s (registered store types: "
                + (registered.isEmpty() ? "none" : String.join(", ", registered)) + "). This node has no store: check the"
                + " type in etc/net.dtm.store.cfg for a typo and that the store's feature is installed");
    }

    private void cancel() {
        generation++;
        if (pending != null) {
            pending.run();
            pending = null;
        }
    }
}
