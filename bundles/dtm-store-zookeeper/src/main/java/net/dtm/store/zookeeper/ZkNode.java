package net.dtm.store.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DTM node's connection to the cluster, for plain Java as well as OSGi: a Curator client with
 * DTM's namespace, digest credential and ACLs, the {@link ZkStore} (lease store, device store and
 * pool watch) and the {@link ZkCluster} (membership and leadership) over it.
 * <pre>{@code
 * ZkSettings settings = ZkSettings.of("127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183", "secret", "node-1")
 *         .withSite("site-a");
 * try (ZkNode node = ZkNode.open(settings)) {
 *     LeaseStore leases = node.store();     // also DeviceStore and PoolWatch
 *     Cluster cluster = node.cluster();     // registered already; call advertise(endpoints) once bound
 *     ...
 * }
 * }</pre>
 * {@link #open} never waits longer than the connection timeout: if the ensemble cannot be reached
 * the node starts disconnected (the store throws {@code StoreUnavailableException}, the cluster
 * says {@code isConnected() == false}) and connects, registers and joins the election by itself
 * when the ensemble is there.
 * <p>
 * Security: the client authenticates with {@code digest user:password} and every znode DTM
 * creates gets {@code CREATOR_ALL_ACL}: only a client with the same credential can read or write
 * it. All nodes of a cluster must therefore share the credential. The connection itself may use
 * TLS and the session SASL ({@link ZkClientSecurity}); the digest credential and ACLs apply either way.
 */
public final class ZkNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZkNode.class);

    private final ZkSettings settings;
    private final CuratorFramework client;
    private final ZkStore store;
    private final ZkCluster cluster;

    private ZkNode(ZkSettings settings, CuratorFramework client, ZkStore store, ZkCluster cluster) {
        this.settings = settings;
        this.client = client;
        this.store = store;
        this.cluster = cluster;
    }

    /** Connects (waiting at most the connection timeout), opens the store and registers the node. */
    public static ZkNode open(ZkSettings settings) {
        return open(settings, ZkClientSecurity.PLAIN);
    }

    /** As {@link #open(ZkSettings)}, with TLS and SASL as {@code security} asks. */
    public static ZkNode open(ZkSettings settings, ZkClientSecurity security) {
        CuratorFramework client = newClient(settings, security);
        client.start();
        ZkStore store = null;
        try {
            boolean connected = client.blockUntilConnected(settings.connectionTimeoutMs(), TimeUnit.MILLISECONDS);
            if (!connected) {
                LOG.warn("node {}: ZooKeeper ensemble {} not reachable within {} ms; starting degraded, connecting in the background",
                        settings.nodeId(), settings.connect(), settings.connectionTimeoutMs());
            }
            store = new ZkStore(client, settings.requestTimeoutMs());
            ZkCluster cluster = new ZkCluster(client, settings);
            LOG.info("node {} opened on ZooKeeper {} (namespace {}, site '{}')", settings.nodeId(), settings.connect(),
                    settings.namespace(), settings.site());
            return new ZkNode(settings, client, store, cluster);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(store, client);
            throw new IllegalStateException("interrupted while connecting to ZooKeeper", e);
        } catch (RuntimeException e) {
            closeQuietly(store, client);
            throw e;
        }
    }

    private static void closeQuietly(ZkStore store, CuratorFramework client) {
        if (store != null) {
            store.close();
        }
        client.close();
    }

    /**
     * A started-later Curator client as DTM uses it: the settings' namespace, timeouts (every
     * synchronous request with the deadline {@code request.timeout.ms}: ZooKeeper's
     * {@code zookeeper.request.timeout}, after which the request fails and the client reconnects), digest
     * credential and an ACL provider giving {@code CREATOR_ALL_ACL}, and no retries (the store
     * fails fast with {@code StoreUnavailableException}; Curator's recipes recover on reconnect
     * by themselves). No ensemble tracker: the configured connect string is the one used (the
     * tracker would replace it with the servers' own view of the ensemble, and its watch, set in
     * the background at start, is given up with an ERROR when the ensemble is not reachable).
     */
    public static CuratorFramework newClient(ZkSettings settings) {
        return newClient(settings, ZkClientSecurity.PLAIN);
    }

    /**
     * As {@link #newClient(ZkSettings)}, with TLS and SASL as {@code security} asks: its
     * {@link ZkClientSecurity#clientConfig() client configuration} is handed to Curator's ZooKeeper
     * factory for this client alone (null for plain settings: ZooKeeper's defaults as before).
     */
    public static CuratorFramework newClient(ZkSettings settings, ZkClientSecurity security) {
        ZKClientConfig config = security.clientConfig();
        if (config == null) {
            config = new ZKClientConfig();
        }
        // every synchronous request (all the store's and the cluster's foreground calls) has a deadline
        config.setProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, Integer.toString(settings.requestTimeoutMs()));
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .zkClientConfig(config)
                .connectString(settings.connect())
                .namespace(settings.namespace())
                .sessionTimeoutMs(settings.sessionTimeoutMs())
                .connectionTimeoutMs(settings.connectionTimeoutMs())
                .retryPolicy(new RetryNTimes(0, 0))
                .ensembleTracker(false)
                .authorization("digest", (settings.user() + ":" + settings.password()).getBytes(StandardCharsets.UTF_8))
                .aclProvider(CREATOR_ONLY);
        security.zookeeperFactory().ifPresent(builder::zookeeperFactory);
        return builder.build();
    }

    /** Every znode DTM creates: all rights for the creating credential, none for anyone else. */
    static final ACLProvider CREATOR_ONLY = new ACLProvider() {
        @Override
        public List<ACL> getDefaultAcl() {
            return ZooDefs.Ids.CREATOR_ALL_ACL;
        }

        @Override
        public List<ACL> getAclForPath(String path) {
            return ZooDefs.Ids.CREATOR_ALL_ACL;
        }
    };

    /** The lease store, device store and pool watch; its {@link ZkStore#enrolmentKeys() enrolment keys}. */
    public ZkStore store() {
        return store;
    }

    /** This node's membership and leadership. */
    public ZkCluster cluster() {
        return cluster;
    }

    /** The Curator client (for tests and tools; do not close it). */
    public CuratorFramework client() {
        return client;
    }

    public ZkSettings settings() {
        return settings;
    }

    /** Leaves the cluster (registration removed, leadership given up), closes the store and the client. */
    @Override
    public void close() {
        try {
            cluster.close();
        } finally {
            store.close();
            client.close();
        }
    }

    @Override
    public String toString() {
        return "ZkNode[" + settings + "]";
    }
}
