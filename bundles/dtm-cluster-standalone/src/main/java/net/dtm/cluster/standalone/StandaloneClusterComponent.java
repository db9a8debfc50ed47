package net.dtm.cluster.standalone;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.cluster.ClockOffset;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.cluster.Member;
import net.dtm.spi.cluster.NodeIds;
import net.dtm.spi.store.LeaseStore;

/**
 * Registers this node's {@link StandaloneCluster} (composed, by delegation) ({@code dtm.cluster.type=standalone}) while a
 * {@link LeaseStore} that brings no cluster of its own is registered: its mandatory static
 * reference {@code store} targets {@value #STORE_TARGET} by default (configuration
 * {@code store.target} overrides it). So on a node whose selected store is clustered (ZooKeeper)
 * it stays unsatisfied and that store's cluster serves alone.
 * <p>
 * Configuration PID {@value #PID}: {@code node.id} (default: the host name, rules of
 * {@link NodeIds}) and {@code draining.file} (default {@code node-draining} beside the store's data, i.e.
 * {@code ${karaf.home}/dtm/node-draining} with the default Derby path, which bin/karaf clean keeps),
 * the file whose presence keeps this node drained across restarts.
 */
@Component(service = Cluster.class, configurationPid = StandaloneClusterComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = Cluster.PROP_CLUSTER_TYPE + "=" + StandaloneCluster.TYPE)
@Designate(ocd = StandaloneClusterComponent.Config.class)
public final class StandaloneClusterComponent implements Cluster {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneClusterComponent.class);

    /** Configuration PID. */
    public static final String PID = "net.dtm.cluster.standalone";
    /** The default target of the store reference: any store that brings no cluster. */
    public static final String STORE_TARGET = "(!(" + LeaseStore.PROP_STORE_CLUSTERED + "=true))";

    /** Configuration of the standalone cluster. */
    @ObjectClassDefinition(name = "DTM standalone cluster",
            description = "A cluster of one node, serving when the selected store brings no cluster of its own")
    public @interface Config {
        @AttributeDefinition(name = "Node id", description = "This node's id; empty means the host name")
        String node_id() default "";

        @AttributeDefinition(name = "Draining flag file",
                description = "File kept while this node is drained; empty means node-draining beside the store's data (${karaf.home}/dtm with the default Derby path)")
        String draining_file() default "";

        @AttributeDefinition(name = "Store filter",
                description = "LDAP filter on the LeaseStore this cluster serves beside; the default takes any store that brings no cluster")
        String store_target() default STORE_TARGET;
    }

    private final StandaloneCluster cluster;

    @Activate
    public StandaloneClusterComponent(Config config,
            @Reference(name = "store", service = LeaseStore.class, target = STORE_TARGET) Map<String, Object> store) {
        this(config, store, System.getProperty("karaf.data"));
    }

    StandaloneClusterComponent(Config config, Map<String, Object> store, String karafData) {
        Path draining = drainingFile(config.draining_file(), store.get(LeaseStore.PROP_STORE_DATA_DIR), karafData);
        this.cluster = new StandaloneCluster(resolveNodeId(config), draining,
                Clock.systemUTC(), Map.of("store", String.valueOf(store.getOrDefault(LeaseStore.PROP_STORE_TYPE, ""))));
        LOG.info("standalone cluster: node {} beside store {} (draining flag {})", nodeId(),
                store.get(LeaseStore.PROP_STORE_TYPE), draining);
    }

    @Override public String type() { return cluster.type(); }
    @Override public String nodeId() { return cluster.nodeId(); }
    @Override public void advertise(List<InetSocketAddress> endpoints) { cluster.advertise(endpoints); }
    @Override public void publish(long leasesServed) { cluster.publish(leasesServed); }
    @Override public List<Member> members() { return cluster.members(); }
    @Override public boolean isLeader() { return cluster.isLeader(); }
    @Override public boolean isConnected() { return cluster.isConnected(); }
    @Override public Optional<ClockOffset> clockOffset() { return cluster.clockOffset(); }
    @Override public boolean setDraining(String id, boolean draining) { return cluster.setDraining(id, draining); }
    @Override public Map<String, String> status() { return cluster.status(); }
    @Override public void addListener(Runnable listener) { cluster.addListener(listener); }
    @Override public void removeListener(Runnable listener) { cluster.removeListener(listener); }

    private static String resolveNodeId(Config config) {
        try {
            return NodeIds.resolve(config.node_id(), "node.id");
        } catch (IllegalArgumentException e) {
            LOG.error("standalone cluster not started, {} is invalid: {}", PID, e.getMessage());
            throw e;
        }
    }

    /**
     * The configured draining file; if none, {@code node-draining} in the folder of the store's data
     * ({@link LeaseStore#PROP_STORE_DATA_DIR}: beside the Derby database, where it always was) or,
     * for a store without one, under {@code karaf.data}.
     */
    static Path drainingFile(String configured, Object storeDataDir, String karafData) {
        boolean unset = configured == null || configured.isBlank();
        if (unset && storeDataDir != null && !String.valueOf(storeDataDir).isBlank()) {
            return Paths.get(String.valueOf(storeDataDir).trim(), "node-draining").toAbsolutePath().normalize();
        }
        return drainingFile(configured, karafData);
    }

    /** The configured draining file, or the default under {@code karaf.data} (./data outside Karaf). */
    static Path drainingFile(String configured, String karafData) {
        String data = karafData == null || karafData.isBlank() ? "./data" : karafData;
        String p = configured == null ? "" : configured.trim();
        if (p.isEmpty()) {
            return Paths.get(data, "dtm", "node-draining").toAbsolutePath().normalize();
        }
        return Paths.get(p.replace("${karaf.data}", data)).toAbsolutePath().normalize();
    }
}
