package net.dtm.pool;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.AddressPoolService;
import net.dtm.api.DtmException;
import net.dtm.api.Lease;
import net.dtm.api.LeaseEvent;
import net.dtm.api.LeaseListener;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.store.LeaseStore;

/**
 * Wires a {@link PoolManager} to the {@link LeaseStore} service and publishes it as
 * {@link AddressPoolService} and {@link AddressPoolAdminService}. At activation it loads every
 * pool's free index (so the first device is served at full speed) and logs how long that took;
 * then it runs the housekeeping {@link PoolManager#sweepIfLeader()} periodically: only while this
 * node holds the cluster's housekeeping leadership. When the store service goes away the component
 * is deactivated (static reference) and comes back with the next store.
 * <p>
 * The {@link Cluster} is optional (none: a standalone node, always leader). Its reference is
 * static and greedy rather than dynamic because the node id ({@code node.id}, else
 * {@link Cluster#nodeId()}) is fixed for the manager's life; the store component registers the
 * cluster together with its stores, so a cluster arriving later (which reactivates the manager)
 * happens only when the store itself changes.
 */
@Component(service = {AddressPoolService.class, AddressPoolAdminService.class},
        configurationPid = PoolManagerComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = PoolManagerComponent.Config.class)
public final class PoolManagerComponent extends PoolManager {

    /** Configuration PID. */
    public static final String PID = "net.dtm.pool";

    private static final Logger LOG = LoggerFactory.getLogger(PoolManagerComponent.class);

    private final ScheduledExecutorService housekeeping;

    /** Configuration of the pool manager. */
    @ObjectClassDefinition(name = "DTM address pool manager", description = "Allocation, locking and renewal of tunnel addresses")
    public @interface Config {
        @AttributeDefinition(name = "Node id", description = "This server node's id, written into the leases it changes; empty means the cluster's node id, else the host name")
        String node_id() default "";

        @AttributeDefinition(name = "Lock time (s)", description = "How long an offered, unconfirmed address stays locked to its device", min = "1")
        int lock_seconds() default 30;

        @AttributeDefinition(name = "Renewal write threshold",
                description = "A renewal writes to the store only when less than this fraction of the lease time remains (0..1)",
                min = "0", max = "1")
        double renew_write_threshold() default 0.5;

        @AttributeDefinition(name = "Quarantine (s)",
                description = "How long a released or expired address stays with its device before it may go to another one", min = "0")
        int quarantine_seconds() default 600;

        @AttributeDefinition(name = "Utilisation warnings (%)",
                description = "Comma list of ascending percentages; crossing one upwards logs a warning")
        String utilisation_warn_percent() default "80,90,95";

        @AttributeDefinition(name = "Housekeeping interval (s)", description = "How often reclamation and utilisation checks run", min = "1")
        int sweep_seconds() default 30;
    }

    /** The component is the manager itself, so the services need no forwarding layer. */
    @Activate
    public PoolManagerComponent(@Reference(name = "store") LeaseStore store,
                                @Reference(name = "cluster", cardinality = ReferenceCardinality.OPTIONAL,
                                        policyOption = ReferencePolicyOption.GREEDY) Cluster cluster,
                                Config config) {
        super(store, nodeId(config, cluster), Clock.systemUTC(), settings(config), cluster);
        long started = System.nanoTime();
        int pools;
        try {
            pools = loadAll();
        } catch (DtmException e) {
            pools = -1; // store not reachable yet: pools load on first use
            LOG.warn("pool manager could not load pools at start, they load on first use: {}", e.getMessage());
        }
        LOG.info("pool manager active: node={} cluster={} {} pools loaded in {} ms, {}", nodeId(), cluster == null
                ? "none" : cluster.type(), pools, (System.nanoTime() - started) / 1_000_000, settings());
        housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dtm-pool-housekeeping");
            t.setDaemon(true);
            return t;
        });
        int every = Math.max(1, config.sweep_seconds());
        housekeeping.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.SECONDS);
        addReclaimListener(this::reclaimed);
    }

    /** Reclaims are told on a thread of their own: a reclaim may run inside an allocation holding a device's lock. */
    private final java.util.concurrent.ExecutorService events = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dtm-pool-lease-events");
        t.setDaemon(true);
        return t;
    });
    private final java.util.List<LeaseListener> leaseListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A lease listener (whiteboard) hears of every binding this node reclaims: lease event RECLAIMED. */
    @Reference(name = "leaseListeners", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addLeaseListener(LeaseListener listener) {
        leaseListeners.add(listener);
    }

    void removeLeaseListener(LeaseListener listener) {
        leaseListeners.remove(listener);
    }

    private void reclaimed(Lease lease) {
        events.execute(() -> {
            LeaseEvent event = new LeaseEvent(LeaseEvent.Type.RECLAIMED, lease, java.util.Optional.empty(),
                    java.time.Instant.now());
            for (LeaseListener l : leaseListeners) {
                try {
                    l.leaseChanged(event);
                } catch (RuntimeException e) {
                    LOG.warn("lease listener {} failed on reclaimed device={}: {}", l.getClass().getName(),
                            lease.device(), e.toString());
                }
            }
        });
    }

    @Deactivate
    void deactivate() {
        housekeeping.shutdownNow();
        events.shutdown();
        close();
    }

    private void sweepQuietly() {
        try {
            int n = sweepIfLeader();
            if (n > 0) {
                LOG.info("housekeeping reclaimed {} addresses", n);
            }
        } catch (RuntimeException e) {
            LOG.warn("housekeeping failed, retried at the next interval: {}", e.getMessage());
        }
    }

    private static PoolSettings settings(Config config) {
        return new PoolSettings(Duration.ofSeconds(config.lock_seconds()), config.renew_write_threshold(),
                Duration.ofSeconds(config.quarantine_seconds()), PoolSettings.parsePercentages(config.utilisation_warn_percent()));
    }

    private static String nodeId(Config config, Cluster cluster) {
        if (config.node_id() != null && !config.node_id().isBlank()) {
            return config.node_id().trim();
        }
        return cluster != null ? cluster.nodeId() : net.dtm.api.HostPort.localNodeId();
    }
}
