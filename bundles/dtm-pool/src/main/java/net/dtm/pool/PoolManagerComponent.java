package net.dtm.pool;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
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
import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.Health;
import net.dtm.api.HealthService;
import net.dtm.api.Lease;
import net.dtm.api.LeaseEvent;
import net.dtm.api.LeaseListener;
import net.dtm.api.LeaseQuery;
import net.dtm.api.Pool;
import net.dtm.api.PoolStats;
import net.dtm.api.TunnelType;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.cluster.NodeIds;
import net.dtm.spi.store.LeaseStore;

/**
 * Runs a {@link PoolManager} over the {@link LeaseStore} service and publishes it as
 * {@link AddressPoolService} and {@link AddressPoolAdminService} (forwarding every call to it). At
 * activation it loads every pool's free index (so the first device is served at full speed) and
 * logs how long that took; then it runs the housekeeping {@link PoolManager#sweepIfLeader()}
 * periodically, doing work only while this node holds the cluster's housekeeping leadership, and
 * tells {@link LeaseListener}s of every binding it reclaims.
 * <p>
 * Both references are static (the manager is rebuilt when the store or the cluster changes) and
 * mandatory: in Karaf a {@link Cluster} service always exists, standalone or ZooKeeper, and the
 * node id is its {@link Cluster#nodeId()} (a {@code node.id} left in this component's configuration
 * is no longer read and logged as such). The store reference is named {@code store}, so
 * {@code store.target} in the configuration (e.g. {@code (dtm.store.type=zookeeper)}) chooses the
 * store service by its properties.
 * <p>
 * It forwards rather than registering the manager itself so that Declarative Services keeps
 * owning the service registration: the services appear with the component's dependencies
 * satisfied and disappear before it is deactivated.
 * <p>
 * Also the pools' {@link MetricSource} ({@link PoolMetrics}) and the {@link HealthService} of
 * component {@code pool} ({@link PoolHealth}); pools that could not be loaded at start are loaded
 * again at each housekeeping interval until they are.
 */
@Component(service = {AddressPoolService.class, AddressPoolAdminService.class, MetricSource.class, HealthService.class},
        configurationPid = PoolManagerComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = PoolManagerComponent.Config.class)
public final class PoolManagerComponent implements AddressPoolAdminService, MetricSource, HealthService {

    /** Configuration PID. */
    public static final String PID = "net.dtm.pool";

    private static final Logger LOG = LoggerFactory.getLogger(PoolManagerComponent.class);

    /** Configuration of the pool manager. */
    @ObjectClassDefinition(name = "DTM address pool manager", description = "Allocation, locking and renewal of tunnel "
            + "addresses. The node id is the cluster's. store.target (an LDAP filter, e.g. (dtm.store.type=zookeeper)) "
            + "chooses the lease store service when several are registered.")
    public @interface Config {
        @AttributeDefinition(name = "Lock time (s)", description = "How long an offered, unconfirmed address stays locked to its device", min = "1")
        int lock_seconds() default 30;

        @AttributeDefinition(name = "Renewal write threshold",
                description = "A renewal writes to the store only when less than this fraction of the lease time remains (0..1)",
                min = "0", max = "1")
        double renew_write_threshold() default 0.5;

        @AttributeDefinition(name = "Quarantine (s)",
                description = "How long a released or expired address stays with its device before it may go to another one;"
                        + " at least twice the clock skew bound", min = "0")
        int quarantine_seconds() default 600;

        @AttributeDefinition(name = "Clock skew bound (ms)",
                description = "Reclamation is refused while this node's clock may be further than this from the store's time"
                        + " (measured by the cluster; zero on a standalone node); the quarantine must be at least twice this",
                min = "0")
        long max_clock_skew_ms() default 2000;

        @AttributeDefinition(name = "Utilisation warnings (%)",
                description = "Comma list of ascending percentages; crossing one upwards logs a warning")
        String utilisation_warn_percent() default "80,90,95";

        @AttributeDefinition(name = "Housekeeping interval (s)", description = "How often reclamation and utilisation checks run", min = "1")
        int sweep_seconds() default 30;
    }

    private final PoolManager manager;
    private final PoolMetrics metrics;
    /** Pools loaded by {@link PoolManager#loadAll()}; -1 until a load succeeded. */
    private volatile int loadedPools;
    private final ScheduledExecutorService housekeeping;
    /** Reclaims are told on a thread of their own: a reclaim may run inside an allocation holding a device's lock. */
    private final ExecutorService events = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dtm-pool-lease-events");
        t.setDaemon(true);
        return t;
    });
    private final List<LeaseListener> leaseListeners = new CopyOnWriteArrayList<>();

    @Activate
    public PoolManagerComponent(@Reference(name = "store") LeaseStore store,
                                @Reference(name = "cluster", policyOption = ReferencePolicyOption.GREEDY) Cluster cluster,
                                Config config, Map<String, Object> properties) {
        NodeIds.movedKeyWarning(PID, properties, cluster.nodeId()).ifPresent(LOG::warn);
        PoolSettings settings;
        try {
            settings = settings(config);
        } catch (IllegalArgumentException e) {
            LOG.error("pool manager not started, its configuration is invalid: {}", e.getMessage());
            throw e;
        }
        manager = new PoolManager(store, cluster.nodeId(), Clock.systemUTC(), settings, cluster);
        long started = System.nanoTime();
        int pools;
        try {
            pools = manager.loadAll();
        } catch (DtmException e) {
            pools = -1; // store not reachable yet: pools load on first use
            LOG.warn("pool manager could not load pools at start, they load on first use: {}", e.getMessage());
        } catch (RuntimeException e) {
            // e.g. a pool the store cannot read: nothing of this manager may stay behind (its store listener)
            manager.close();
            events.shutdown();
            throw e;
        }
        loadedPools = pools;
        metrics = new PoolMetrics(manager::pools, manager::stats, Clock.systemUTC());
        LOG.info("pool manager active: node={} cluster={} {} pools loaded in {} ms, {}", manager.nodeId(), cluster.type(),
                pools, (System.nanoTime() - started) / 1_000_000, manager.settings());
        housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dtm-pool-housekeeping");
            t.setDaemon(true);
            return t;
        });
        int every = Math.max(1, config.sweep_seconds());
        housekeeping.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.SECONDS);
        manager.addReclaimListener(this::reclaimed);
    }

    /** The manager this component runs (tests). */
    PoolManager manager() {
        return manager;
    }

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
            LeaseEvent event = new LeaseEvent(LeaseEvent.Type.RECLAIMED, lease, Optional.empty(), Instant.now());
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
        manager.close();
    }

    private void sweepQuietly() {
        if (loadedPools < 0) {
            try {
                loadedPools = manager.loadAll();
                LOG.info("pool manager: {} pools loaded", loadedPools);
            } catch (DtmException e) {
                LOG.debug("pools still not loaded: {}", e.getMessage());
            }
        }
        try {
            int n = manager.sweepIfLeader();
            if (n > 0) {
                LOG.info("housekeeping reclaimed {} addresses", n);
            }
        } catch (RuntimeException e) {
            LOG.warn("housekeeping failed, retried at the next interval: {}", e.getMessage());
        }
    }

    /** @throws IllegalArgumentException naming this PID and what is wrong */
    static PoolSettings settings(Config config) {
        try {
            return new PoolSettings(Duration.ofSeconds(config.lock_seconds()), config.renew_write_threshold(),
                    Duration.ofSeconds(config.quarantine_seconds()), PoolSettings.parsePercentages(config.utilisation_warn_percent()),
                    Duration.ofMillis(config.max_clock_skew_ms()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PID + " (quarantine.seconds=" + config.quarantine_seconds() + ", max.clock.skew.ms="
                    + config.max_clock_skew_ms() + "): " + e.getMessage(), e);
        }
    }

    /** Every pool's figures ({@link PoolMetrics}, computed at most every 5 s). */
    @Override
    public List<Metric> metrics() {
        return metrics.metrics();
    }

    /** The pool manager's readiness: store answering, pools loaded ({@link PoolHealth}). */
    @Override
    public Health health() {
        return PoolHealth.of(manager, loadedPools);
    }

    // ------------------------------------------------------------------ the services, forwarded

    @Override public List<Pool> pools() { return manager.pools(); }
    @Override public Optional<Pool> pool(String name) { return manager.pool(name); }
    @Override public List<Lease> leases(String pool) { return manager.leases(pool); }
    @Override public List<Lease> leases(LeaseQuery query) { return manager.leases(query); }
    @Override public Optional<Lease> lease(String pool, DeviceId device) { return manager.lease(pool, device); }
    @Override public Optional<Lease> leaseAt(String pool, InetAddress address) { return manager.leaseAt(pool, address); }
    @Override public long used(String pool) { return manager.used(pool); }
    @Override public PoolStats stats(String pool) { return manager.stats(pool); }
    @Override public Pool createPool(Pool pool) { return manager.createPool(pool); }
    @Override public Pool updatePool(Pool pool) { return manager.updatePool(pool); }
    @Override public boolean deletePool(String name) { return manager.deletePool(name); }
    @Override public Lease allocate(String pool, DeviceId device) { return manager.allocate(pool, device); }
    @Override public Lease allocate(String pool, DeviceId device, InetAddress hint) { return manager.allocate(pool, device, hint); }
    @Override public Lease allocate(DeviceId device, TunnelType type, InetAddress hint) { return manager.allocate(device, type, hint); }
    @Override public Lease confirm(String pool, DeviceId device) { return manager.confirm(pool, device); }
    @Override public Lease renew(String pool, DeviceId device) { return manager.renew(pool, device); }
    @Override public boolean release(String pool, DeviceId device) { return manager.release(pool, device); }

    @Override
    public Lease confirm(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
        return manager.confirm(pool, device, quotedAddress, quotedSequence);
    }

    @Override
    public Lease renew(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
        return manager.renew(pool, device, quotedAddress, quotedSequence);
    }

    @Override
    public boolean release(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
        return manager.release(pool, device, quotedAddress, quotedSequence);
    }

    @Override
    public Lease allocate(String pool, DeviceId device, TunnelType type, InetAddress hint, long requestSequence) {
        return manager.allocate(pool, device, type, hint, requestSequence);
    }

    @Override
    public Lease confirm(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence, long requestSequence) {
        return manager.confirm(pool, device, quotedAddress, quotedSequence, requestSequence);
    }

    @Override
    public Lease renew(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence, long requestSequence) {
        return manager.renew(pool, device, quotedAddress, quotedSequence, requestSequence);
    }

    @Override
    public boolean release(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence, long requestSequence) {
        return manager.release(pool, device, quotedAddress, quotedSequence, requestSequence);
    }

    @Override public Lease reserve(String pool, DeviceId device, InetAddress address) { return manager.reserve(pool, device, address); }
    @Override public boolean unreserve(String pool, DeviceId device) { return manager.unreserve(pool, device); }
}
