package net.dtm.store.zookeeper;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.PoolWatch;

/**
 * Wires a {@link ZkNode} into OSGi when {@code type = zookeeper} in PID {@value #STORE_PID}:
 * registers the {@link ZkStore} as {@link LeaseStore} + {@link PoolWatch} and as
 * {@link DeviceStore} ({@code dtm.store.type=zookeeper}), and the {@link ZkCluster} as
 * {@link Cluster} ({@code dtm.cluster.type=zookeeper}); unregisters them and closes the node on
 * deactivation. In any other mode it registers nothing: {@code derby} (the default) is logged at
 * INFO, an unknown type or an invalid ZooKeeper setting at ERROR saying what is wrong.
 * Activation waits at most the connection timeout: an unreachable ensemble still registers the
 * services (the node starts degraded and recovers by itself).
 * <p>
 * The keys and their defaults are those of {@link ZkSettings#fromConfig}; the metatype is
 * {@code OSGI-INF/metatype/net.dtm.store.zookeeper.xml} (written by hand: bnd's {@code @Designate}
 * cannot describe a component with two configuration PIDs).
 */
@Component(configurationPid = {ZooKeeperStoreComponent.PID, ZooKeeperStoreComponent.STORE_PID},
        configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {}, immediate = true)
public final class ZooKeeperStoreComponent {

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperStoreComponent.class);

    /** This store's configuration PID. */
    public static final String PID = "net.dtm.store.zookeeper";
    /** The PID whose {@code type} key selects the store. */
    public static final String STORE_PID = "net.dtm.store";

    /** What {@code type} asks for. */
    enum Mode { ZOOKEEPER, OTHER_STORE, INVALID }

    /** The allowed values of {@code type}. */
    static final List<String> TYPES = List.of("derby", "zookeeper");

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private ZkNode node;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        String type = type(properties);
        switch (mode(type)) {
            case OTHER_STORE -> LOG.info("zookeeper store idle: {} type={}", STORE_PID, type);
            case INVALID -> LOG.error("{} type '{}' is not a store type: expected one of {}; no store registered",
                    STORE_PID, type, String.join(", ", TYPES));
            case ZOOKEEPER -> start(context, properties);
        }
    }

    private void start(BundleContext context, Map<String, Object> properties) {
        ZkSettings settings;
        try {
            settings = ZkSettings.fromConfig(properties);
        } catch (IllegalArgumentException e) {
            LOG.error("zookeeper store not started, {} is invalid: {}", PID, e.getMessage());
            return;
        }
        node = ZkNode.open(settings);
        // The cluster first: the pool manager and the server take the store and find the cluster
        // already there (else they start as a standalone node and restart when it comes).
        registrations.add(context.registerService(Cluster.class, node.cluster(),
                new Hashtable<>(Map.of(Cluster.PROP_CLUSTER_TYPE, "zookeeper"))));
        Dictionary<String, Object> storeProps = new Hashtable<>(Map.of(LeaseStore.PROP_STORE_TYPE, "zookeeper"));
        registrations.add(context.registerService(new String[] {LeaseStore.class.getName(), PoolWatch.class.getName()},
                node.store(), storeProps));
        registrations.add(context.registerService(DeviceStore.class, node.store(), storeProps));
        LOG.info("zookeeper store registered: {}", settings);
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // bundle stopping
            }
        }
        registrations.clear();
        if (node != null) {
            node.close();
            node = null;
        }
    }

    /** The configured store type, {@code derby} when absent. */
    static String type(Map<String, ?> properties) {
        Object t = properties.get("type");
        String s = t == null ? "" : String.valueOf(t).trim().toLowerCase(Locale.ROOT);
        return s.isEmpty() ? "derby" : s;
    }

    static Mode mode(String type) {
        return switch (type) {
            case "zookeeper" -> Mode.ZOOKEEPER;
            case "derby" -> Mode.OTHER_STORE;
            default -> Mode.INVALID;
        };
    }
}
