package net.dtm.store.zookeeper;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.metrics.MetricSource;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.EnrolmentKeyStore;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.PoolWatch;
import net.dtm.spi.store.StoreBackup;
import net.dtm.spi.store.StoreSelection;

/**
 * Wires a {@link ZkNode} into OSGi when the store selection picks it ({@link StoreSelection}:
 * {@code type} = {@value #TYPE} in PID {@value #STORE_PID}): registers the {@link ZkStore} as
 * {@link LeaseStore} + {@link PoolWatch}, as {@link DeviceStore} and its enrolment keys as
 * {@link EnrolmentKeyStore}, its operations ({@link ZkOperations}) as {@link StoreBackup} +
 * {@link MetricSource} (each with {@code dtm.store.type=zookeeper},
 * {@code dtm.store.clustered=true}: it brings its own cluster), and the {@link ZkCluster} as
 * {@link Cluster} ({@code dtm.cluster.type=zookeeper}); unregisters them and closes the node on
 * deactivation. With any other type it logs one INFO line and registers nothing; an invalid
 * ZooKeeper setting is logged at ERROR saying what is wrong. Activation waits at most the
 * connection timeout: an unreachable ensemble still registers the services (the node starts
 * degraded and recovers by itself).
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
    public static final String STORE_PID = StoreSelection.PID;

    /** This store's name in the store selection. */
    public static final String TYPE = "zookeeper";

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private ZkNode node;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        if (StoreSelection.selects(properties, TYPE, false)) {
            start(context, properties);
        } else {
            LOG.info("zookeeper store idle: {} type={}", STORE_PID, StoreSelection.configuredType(properties));
        }
    }

    private void start(BundleContext context, Map<String, Object> properties) {
        ZkSettings settings;
        ZkClientSecurity security;
        try {
            settings = ZkSettings.fromConfig(properties);
            security = ZkClientSecurity.fromConfig(properties);
        } catch (IllegalArgumentException e) {
            LOG.error("zookeeper store not started, {} is invalid: {}", PID, e.getMessage());
            return;
        }
        node = ZkNode.open(settings, security);
        // The cluster first: whoever takes the store finds the cluster already there.
        registrations.add(context.registerService(Cluster.class, node.cluster(),
                new Hashtable<>(Map.of(Cluster.PROP_CLUSTER_TYPE, TYPE))));
        Dictionary<String, Object> storeProps = new Hashtable<>(Map.of(LeaseStore.PROP_STORE_TYPE, TYPE,
                LeaseStore.PROP_STORE_CLUSTERED, true));
        registrations.add(context.registerService(new String[] {LeaseStore.class.getName(), PoolWatch.class.getName()},
                node.store(), storeProps));
        registrations.add(context.registerService(DeviceStore.class, node.store(), storeProps));
        registrations.add(context.registerService(EnrolmentKeyStore.class, node.store().enrolmentKeys(), storeProps));
        registrations.add(context.registerService(new String[] {StoreBackup.class.getName(), MetricSource.class.getName()},
                new ZkOperations(node.store()), storeProps));
        LOG.info("zookeeper store registered: {} ({})", settings, security);
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
}
