package net.dtm.cluster.standalone;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.StoreSelection;

/**
 * Runs the {@link StoreSelectionCheck} on this node: reads {@code type} of PID
 * {@value StoreSelection#PID} and the grace period {@value #GRACE_KEY} (seconds, default
 * {@value #DEFAULT_GRACE_SECONDS}), follows every {@link LeaseStore} registration and logs what
 * the check reports. A change of the configuration starts the check again.
 */
@Component(service = {}, immediate = true, configurationPid = StoreSelection.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class StoreSelectionCheckComponent {

    private static final Logger LOG = LoggerFactory.getLogger(StoreSelectionCheck.class);

    /** The key of the grace period in {@value StoreSelection#PID}. */
    public static final String GRACE_KEY = "selection.grace.seconds";
    /** The default grace period. */
    public static final int DEFAULT_GRACE_SECONDS = 60;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dtm-store-selection-check");
        t.setDaemon(true);
        return t;
    });
    private final StoreSelectionCheck check = new StoreSelectionCheck((task, delay) -> {
        ScheduledFuture<?> f = timer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }, new StoreSelectionCheck.Reporter() {
        @Override
        public void info(String message) {
            LOG.info(message);
        }

        @Override
        public void error(String message) {
            LOG.error(message);
        }
    });

    @Activate
    void activate(Map<String, Object> properties) {
        check.start(StoreSelection.configuredType(properties), grace(properties));
    }

    /** The configured grace period; a value that is not a whole number of seconds from 1 is logged and the default used. */
    static Duration grace(Map<String, ?> properties) {
        Object v = properties.get(GRACE_KEY);
        if (v == null || String.valueOf(v).isBlank()) {
            return Duration.ofSeconds(DEFAULT_GRACE_SECONDS);
        }
        try {
            long seconds = Long.parseLong(String.valueOf(v).trim());
            if (seconds >= 1) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.error("{} {} '{}' is not a whole number of seconds from 1; using {}", StoreSelection.PID, GRACE_KEY, v,
                DEFAULT_GRACE_SECONDS);
        return Duration.ofSeconds(DEFAULT_GRACE_SECONDS);
    }

    @Reference(service = LeaseStore.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addStore(Map<String, Object> properties) {
        check.storeAdded(properties.get(Constants.SERVICE_ID), type(properties));
    }

    void removeStore(Map<String, Object> properties) {
        check.storeRemoved(properties.get(Constants.SERVICE_ID));
    }

    private static String type(Map<String, Object> properties) {
        Object t = properties.get(LeaseStore.PROP_STORE_TYPE);
        return t == null ? "" : String.valueOf(t);
    }

    @Deactivate
    void deactivate() {
        check.close();
        timer.shutdownNow();
    }
}
