package net.dtm.server.node;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.ClusterService;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;
import net.dtm.api.Health;
import net.dtm.api.LeaseListener;
import net.dtm.api.Pool;
import net.dtm.api.TunnelServerService;
import net.dtm.api.TunnelType;
import net.dtm.api.metrics.MetricSource;
import net.dtm.server.internal.Bootstrap;
import net.dtm.server.internal.ClusterHeartbeat;
import net.dtm.server.internal.ClusterView;
import net.dtm.server.internal.Counters;
import net.dtm.server.internal.DataPathEvents;
import net.dtm.server.internal.DatagramScreen;
import net.dtm.server.internal.DevicesInMemory;
import net.dtm.server.internal.EnrolSettings;
import net.dtm.server.internal.EnrolledDevices;
import net.dtm.server.internal.LeaseEventBus;
import net.dtm.server.internal.NodeDirectory;
import net.dtm.server.internal.Provisioning;
import net.dtm.server.internal.RequestHandler;
import net.dtm.server.internal.RequestLatency;
import net.dtm.server.internal.RequestResults;
import net.dtm.server.internal.ServerHealth;
import net.dtm.server.internal.ServerMetrics;
import net.dtm.server.internal.ServerSettings;
import net.dtm.server.internal.UdpEndpoint;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.EnrolmentKeyStore;

/**
 * One running DTM server node, assembled from its configuration over the pool service, the device
 * registry and (optionally) this node's {@link Cluster}: first-start provisioning of the bootstrap
 * pools and devices (retried in the background while the store is unreachable), the UDP
 * control endpoint, the {@link RequestHandler}, the data path events delivered to lease listeners
 * through a {@link LeaseEventBus}, the node directory ({@link #clusterService()}) and, with a
 * cluster, the {@link ClusterHeartbeat} that advertises the bound endpoint and publishes the leases
 * served; with an {@link Enrolment}, zero-touch enrolment of routers holding an enrolment key.
 * <p>
 * This is the one way a server node is put together: the Karaf component maps its configuration
 * to a {@link Config} and delegates here, and test and benchmark harnesses start the same node in
 * plain Java, e.g.
 * <pre>{@code
 * ServerNode node = ServerNode.start(ServerNode.Config.defaults().toBuilder()
 *         .nodeId("node-1").bind(new InetSocketAddress("127.0.0.1", 0)).defaultPool("bench").build(),
 *         poolManager, deviceManager, null);     // null: a standalone node without a cluster
 * ...
 * node.close();                                   // then the pool manager, the cluster, the store
 * }</pre>
 * A failed start leaves nothing running: no port taken, no threads, no listeners.
 */
public final class ServerNode implements TunnelServerService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerNode.class);

    /** How often provisioning is retried while the store is unavailable. */
    public static final Duration PROVISIONING_RETRY = Duration.ofSeconds(5);
    /** How often the lease events' expiry sweep runs. */
    static final Duration EVENT_SWEEP = Duration.ofSeconds(10);

    /**
     * A server node's settings; {@link #defaults()} are those of the Karaf distribution. Change
     * them with {@link #toBuilder()}.
     *
     * @param nodeId             this node's id; empty = the cluster's (required without a cluster)
     * @param bind               where the UDP control endpoint binds (port 0 = any free port)
     * @param advertiseHost      the address devices reach this node at (with the bound port)
     * @param tunnelEndpoint     this node's outer tunnel endpoint; null = {@code <advertiseHost>:4789}
     * @param tunnelType         the encapsulation offered
     * @param tunnelMtu          inner MTU handed to devices
     * @param keepaliveSeconds   keepalive interval handed to devices
     * @param defaultPool        pool for devices that ask for none
     * @param advertisedServers  control endpoints pushed to devices; empty = the cluster's active
     *                           nodes (standalone: devices keep their own list)
     * @param workerThreads      threads handling requests
     * @param queueCapacity      datagrams that may wait for a worker
     * @param sourceQueueLimit   datagrams one source address may have waiting or in work
     * @param sourceRate         datagrams per second one source address (IPv4 /32, IPv6 /64) may send on average
     * @param sourceBurst        datagrams one source address may send at once
     * @param sourceTable        source addresses whose rate is tracked at most (beyond: they share one bucket)
     * @param answerTtl          how long answers are kept for copies of their requests
     * @param answerCapacity     how many answers are kept at most
     * @param wireGuardPublicKey this node's WireGuard public key (base64), empty if it offers none
     * @param bootstrapPools     pools created at start if missing
     * @param bootstrapDevices   devices enrolled at start if missing, their keys written to {@code keysDir}
     * @param keysDir            folder of the bootstrap devices' key files
     * @param heartbeatPeriod    how often a cluster node publishes its figures
     * @param enrolLimits        rate limits of ENROL requests (zero-touch enrolment) per source and per key
     */
    public record Config(String nodeId, InetSocketAddress bind, InetAddress advertiseHost,
                         InetSocketAddress tunnelEndpoint, TunnelType tunnelType, int tunnelMtu, int keepaliveSeconds,
                         String defaultPool, List<InetSocketAddress> advertisedServers, int workerThreads,
                         int queueCapacity, int sourceQueueLimit, double sourceRate, int sourceBurst, int sourceTable,
                         Duration answerTtl, int answerCapacity,
                         String wireGuardPublicKey, List<Pool> bootstrapPools, List<DeviceId> bootstrapDevices,
                         Path keysDir, Duration heartbeatPeriod, EnrolSettings enrolLimits) {
        public Config {
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(bind, "bind");
            Objects.requireNonNull(advertiseHost, "advertiseHost");
            Objects.requireNonNull(tunnelType, "tunnelType");
            defaultPool = Objects.requireNonNull(defaultPool, "defaultPool").trim();
            advertisedServers = List.copyOf(advertisedServers);
            Objects.requireNonNull(answerTtl, "answerTtl");
            if (!(sourceRate > 0) || sourceBurst < 1 || sourceTable < 1) {
                throw new IllegalArgumentException("source rate (" + sourceRate + "), source burst (" + sourceBurst
                        + ") and source table size (" + sourceTable + ") must be positive");
            }
            wireGuardPublicKey = Objects.requireNonNull(wireGuardPublicKey, "wireGuardPublicKey").trim();
            bootstrapPools = List.copyOf(bootstrapPools);
            bootstrapDevices = List.copyOf(bootstrapDevices);
            Objects.requireNonNull(keysDir, "keysDir");
            Objects.requireNonNull(heartbeatPeriod, "heartbeatPeriod");
            Objects.requireNonNull(enrolLimits, "enrolLimits");
        }

        /** The Karaf distribution's defaults, without a node id (a cluster gives it). */
        public static Config defaults() {
            return new Builder().build();
        }

        /** A builder starting from these settings. */
        public Builder toBuilder() {
            return new Builder(this);
        }

        /** {@link #tunnelEndpoint}, or the advertised host's port 4789 if none is set. */
        public InetSocketAddress tunnelEndpointOrDefault() {
            return tunnelEndpoint != null ? tunnelEndpoint : new InetSocketAddress(advertiseHost, DEFAULT_TUNNEL_PORT);
        }
    }

    /** The outer tunnel port a node offers unless configured otherwise (VXLAN's). */
    public static final int DEFAULT_TUNNEL_PORT = 4789;

    /** Builds a {@link Config}; every setting starts at its default. */
    public static final class Builder {
        private String nodeId = "";
        private InetSocketAddress bind = new InetSocketAddress("0.0.0.0", 47800);
        private InetAddress advertiseHost = InetAddress.getLoopbackAddress();
        private InetSocketAddress tunnelEndpoint;
        private TunnelType tunnelType = TunnelType.VXLAN;
        private int tunnelMtu = 1400;
        private int keepaliveSeconds = 10;
        private String defaultPool = "demo";
        private List<InetSocketAddress> advertisedServers = List.of();
        private int workerThreads = 64;
        private int queueCapacity = 4096;
        private int sourceQueueLimit = 256;
        private double sourceRate = UdpEndpoint.Limits.DEFAULT_SOURCE_RATE;
        private int sourceBurst = UdpEndpoint.Limits.DEFAULT_SOURCE_BURST;
        private int sourceTable = UdpEndpoint.Limits.DEFAULT_SOURCE_TABLE;
        private Duration answerTtl = RequestHandler.DEFAULT_ANSWER_TTL;
        private int answerCapacity = RequestHandler.DEFAULT_ANSWER_CAPACITY;
        private String wireGuardPublicKey = "";
        private List<Pool> bootstrapPools = List.of();
        private List<DeviceId> bootstrapDevices = List.of();
        private Path keysDir = Path.of("./etc", "dtm-keys");
        private Duration heartbeatPeriod = ClusterHeartbeat.DEFAULT_PERIOD;
        private EnrolSettings enrolLimits = EnrolSettings.DEFAULTS;

        private Builder() {
        }

        private Builder(Config c) {
            nodeId = c.nodeId();
            bind = c.bind();
            advertiseHost = c.advertiseHost();
            tunnelEndpoint = c.tunnelEndpoint();
            tunnelType = c.tunnelType();
            tunnelMtu = c.tunnelMtu();
            keepaliveSeconds = c.keepaliveSeconds();
            defaultPool = c.defaultPool();
            advertisedServers = c.advertisedServers();
            workerThreads = c.workerThreads();
            queueCapacity = c.queueCapacity();
            sourceQueueLimit = c.sourceQueueLimit();
            sourceRate = c.sourceRate();
            sourceBurst = c.sourceBurst();
            sourceTable = c.sourceTable();
            answerTtl = c.answerTtl();
            answerCapacity = c.answerCapacity();
            wireGuardPublicKey = c.wireGuardPublicKey();
            bootstrapPools = c.bootstrapPools();
            bootstrapDevices = c.bootstrapDevices();
            keysDir = c.keysDir();
            heartbeatPeriod = c.heartbeatPeriod();
            enrolLimits = c.enrolLimits();
        }

        public Builder nodeId(String id) {
            nodeId = id;
            return this;
        }

        public Builder bind(InetSocketAddress address) {
            bind = address;
            return this;
        }

        public Builder advertiseHost(InetAddress host) {
            advertiseHost = host;
            return this;
        }

        /** Null = the advertised host's port 4789. */
        public Builder tunnelEndpoint(InetSocketAddress endpoint) {
            tunnelEndpoint = endpoint;
            return this;
        }

        public Builder tunnel(TunnelType type, int mtu) {
            tunnelType = type;
            tunnelMtu = mtu;
            return this;
        }

        public Builder keepaliveSeconds(int seconds) {
            keepaliveSeconds = seconds;
            return this;
        }

        public Builder defaultPool(String pool) {
            defaultPool = pool;
            return this;
        }

        public Builder advertisedServers(List<InetSocketAddress> servers) {
            advertisedServers = servers;
            return this;
        }

        /** Worker threads, datagrams waiting for a worker, datagrams of one source waiting or in work. */
        public Builder workers(int threads, int queue, int perSource) {
            workerThreads = threads;
            queueCapacity = queue;
            sourceQueueLimit = perSource;
            return this;
        }

        /** Token bucket of each source address: average datagrams per second, burst; source addresses tracked at most. */
        public Builder sourceBuckets(double rate, int burst, int table) {
            sourceRate = rate;
            sourceBurst = burst;
            sourceTable = table;
            return this;
        }

        public Builder answerCache(Duration ttl, int capacity) {
            answerTtl = ttl;
            answerCapacity = capacity;
            return this;
        }

        public Builder wireGuardPublicKey(String key) {
            wireGuardPublicKey = key;
            return this;
        }

        /** Pools created and devices enrolled at start if missing, the devices' key files written to {@code dir}. */
        public Builder bootstrap(List<Pool> pools, List<DeviceId> devices, Path dir) {
            bootstrapPools = pools;
            bootstrapDevices = devices;
            keysDir = dir;
            return this;
        }

        public Builder heartbeatPeriod(Duration period) {
            heartbeatPeriod = period;
            return this;
        }

        /**
         * Token buckets of ENROL requests: per source address (average per second, burst) and per
         * claimed enrolment key id. @throws IllegalArgumentException naming a value that is not positive
         */
        public Builder enrolLimits(double sourceRate, int sourceBurst, double keyRate, int keyBurst) {
            enrolLimits = new EnrolSettings(sourceRate, sourceBurst, keyRate, keyBurst);
            return this;
        }

        public Config build() {
            return new Config(nodeId, bind, advertiseHost, tunnelEndpoint, tunnelType, tunnelMtu, keepaliveSeconds,
                    defaultPool, advertisedServers, workerThreads, queueCapacity, sourceQueueLimit, sourceRate,
                    sourceBurst, sourceTable, answerTtl, answerCapacity, wireGuardPublicKey, bootstrapPools, bootstrapDevices, keysDir, heartbeatPeriod,
                    enrolLimits);
        }
    }

    private final ServerSettings settings;
    private final Counters counters;
    private final Provisioning provisioning;
    private final LeaseEventBus leaseEvents;
    private final UdpEndpoint endpoint;
    private final RequestHandler handler;
    private final NodeDirectory directory;
    private final ClusterHeartbeat heartbeat;
    private final ServerMetrics metrics;
    /** Where self-enrolled devices are written; null if this node has none (enrolment cannot be turned on). */
    private final EnrolledDevices enrolled;
    private EnrolmentKeyStore enrolmentKeys; // guarded by this

    /**
     * What zero-touch enrolment needs besides the device registry.
     *
     * @param keys    the operator's enrolment keys
     * @param devices the store self-enrolled devices are written to (the device registry's); null
     *                to write them through the registry given to {@link ServerNode#start}, which
     *                must then be this node's {@link net.dtm.server.internal.DeviceManager} (or its component)
     */
    public record Enrolment(EnrolmentKeyStore keys, DeviceStore devices) {
        public Enrolment {
            Objects.requireNonNull(keys, "keys");
        }
    }

    private ServerNode(ServerSettings settings, Counters counters, Provisioning provisioning, LeaseEventBus leaseEvents,
                       UdpEndpoint endpoint, RequestHandler handler, NodeDirectory directory, ClusterHeartbeat heartbeat,
                       EnrolledDevices enrolled, ServerMetrics metrics) {
        this.settings = settings;
        this.counters = counters;
        this.provisioning = provisioning;
        this.leaseEvents = leaseEvents;
        this.endpoint = endpoint;
        this.handler = handler;
        this.directory = directory;
        this.heartbeat = heartbeat;
        this.enrolled = enrolled;
        this.metrics = metrics;
    }

    /**
     * Provisions, binds and serves.
     *
     * @param config  the node's settings
     * @param pools   the pool service (shared by every node on the same store)
     * @param devices the device registry, whose keys authenticate requests
     * @param cluster this node's membership; null for a standalone node without one (never degraded
     *                or draining, cannot be drained, pushes the configured server list)
     * @throws BindException            if the control endpoint cannot be bound (e.g. the port is in use)
     * @throws IOException              if a bootstrap device's key file cannot be written
     * @throws IllegalArgumentException for a bad setting, e.g. no node id without a cluster, or one
     *                                  that is not the cluster's
     */
    public static ServerNode start(Config config, AddressPoolAdminService pools, DeviceService devices, Cluster cluster)
            throws IOException {
        return start(config, pools, devices, cluster, null);
    }

    /**
     * Like {@link #start(Config, AddressPoolAdminService, DeviceService, Cluster)}, with zero-touch
     * enrolment: routers holding an enrolment key's token enrol themselves ({@code ENROL}).
     *
     * @param enrolment the enrolment keys and where devices are written; null: enrolment off until
     *                  {@link #enrolmentKeys} turns it on (ENROLs dropped, {@code dropped.enrol-off})
     */
    public static ServerNode start(Config config, AddressPoolAdminService pools, DeviceService devices, Cluster cluster,
                                   Enrolment enrolment) throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(pools, "pools");
        Objects.requireNonNull(devices, "devices");
        String nodeId = nodeId(config, cluster);
        // A cluster node may start before its quorum is up: provisioning then waits in the
        // background, and the node serves (degraded) meanwhile.
        Provisioning provisioning = Provisioning.start(() -> {
            Bootstrap.pools(config.bootstrapPools(), pools, nodeId);
            Bootstrap.devices(config.bootstrapDevices(), devices, config.keysDir(), nodeId);
        }, PROVISIONING_RETRY, nodeId);

        Counters counters = new Counters();
        LeaseEventBus leaseEvents = new LeaseEventBus(nodeId);
        AtomicReference<RequestHandler> ref = new AtomicReference<>();
        DatagramScreen screen = screen(devices, counters);
        RequestLatency latency = new RequestLatency();
        RequestResults results = new RequestResults();
        UdpEndpoint endpoint;
        try {
            endpoint = UdpEndpoint.async(config.bind(), (d, from) -> ref.get() == null
                            ? CompletableFuture.completedFuture(Optional.empty()) : ref.get().handleAsync(d, from),
                    screen, counters,
                    new UdpEndpoint.Limits(config.workerThreads(), config.queueCapacity(), config.sourceQueueLimit(),
                            config.sourceRate(), config.sourceBurst(), config.sourceTable()), latency.with(results));
        } catch (IOException | RuntimeException e) {
            provisioning.close();
            leaseEvents.close();
            if (e instanceof IOException io) {
                // the endpoint fails with an IOException only when it cannot bind: callers tell a
                // taken port by its type
                BindException bind = new BindException(io.getMessage());
                bind.initCause(io);
                throw bind;
            }
            throw e;
        }
        RequestHandler handler = null;
        ClusterHeartbeat heartbeat = null;
        try {
            ServerSettings settings = new ServerSettings(nodeId,
                    new InetSocketAddress(config.advertiseHost(), endpoint.port()), config.tunnelEndpointOrDefault(),
                    config.tunnelType(), config.tunnelMtu(), config.keepaliveSeconds(), config.defaultPool(),
                    config.advertisedServers());
            handler = RequestHandler.withDevices(settings, devices, pools,
                    Clock.systemUTC(), counters, config.answerTtl(), config.answerCapacity(), cluster);
            DataPathEvents paths = new DataPathEvents(nodeId, leaseEvents, Clock.systemUTC());
            handler.enableDataPlane(paths, config.wireGuardPublicKey());
            handler.enrolLimits(config.enrolLimits());
            handler.onEnrolGrant(screen::remember);   // its ESTABLISH must not wait behind other routers' ENROLs
            leaseEvents.every(EVENT_SWEEP, () -> paths.sweep(l -> pools.lease(l.pool(), l.device())));
            ref.set(handler);
            RequestHandler h = handler;
            NodeDirectory directory = new NodeDirectory(cluster, h.clusterView(), settings, h::leasesServed,
                    Clock.systemUTC());
            heartbeat = cluster == null ? null
                    : ClusterHeartbeat.start(cluster, settings.controlEndpoint(), h::leasesServed, config.heartbeatPeriod());
            ServerNode node = new ServerNode(settings, counters, provisioning, leaseEvents, endpoint, handler, directory,
                    heartbeat, enrolled(enrolment, devices),
                    new ServerMetrics(counters::snapshot, latency, results, directory, h.clusterView()));
            if (enrolment != null) {
                node.enrolmentKeys(enrolment.keys());
            }
            LOG.info("dtm server started: node={} udp={} advertised={} tunnel={} {} default pool={}", nodeId,
                    endpoint.localAddress(), settings.controlEndpoint(), settings.tunnelType().name().toLowerCase(Locale.ROOT),
                    settings.tunnelEndpoint(), settings.defaultPool());
            return node;
        } catch (RuntimeException e) {
            // a failed start leaves nothing running: no port taken, no retries, no listeners
            ref.set(null);
            if (heartbeat != null) {
                heartbeat.close();
            }
            if (handler != null) {
                handler.close();
            }
            provisioning.close();
            endpoint.close();
            leaseEvents.close();
            throw e;
        }
    }

    private static EnrolledDevices enrolled(Enrolment enrolment, DeviceService devices) {
        if (enrolment != null && enrolment.devices() != null) {
            return EnrolledDevices.over(enrolment.devices());
        }
        return devices instanceof EnrolledDevices e ? e : null;
    }

    /**
     * Turns zero-touch enrolment on over {@code keys} (e.g. the store's service appeared), or off
     * with null.
     *
     * @throws IllegalStateException if this node has nowhere to write self-enrolled devices (started
     *                               without a device store and with a registry that is not its own)
     */
    public synchronized void enrolmentKeys(EnrolmentKeyStore keys) {
        if (keys != null && enrolled == null) {
            throw new IllegalStateException("zero-touch enrolment needs the device store: start the node with an "
                    + "Enrolment naming it, or with this node's DeviceManager as the device registry");
        }
        if (keys == enrolmentKeys) {
            return;
        }
        enrolmentKeys = keys;
        handler.enrolment(keys, enrolled);
        LOG.info("zero-touch enrolment {}: node={}", keys == null ? "off (no enrolment key store)" : "on", nodeId());
    }

    /** Turns zero-touch enrolment off if it runs over {@code keys} (that store's service went away). */
    public synchronized void withdrawEnrolmentKeys(EnrolmentKeyStore keys) {
        if (keys == enrolmentKeys) {
            enrolmentKeys(null);
        }
    }

    /** Whether ENROL requests are answered. */
    public boolean enrolmentEnabled() {
        return handler.enrolmentEnabled();
    }

    /**
     * The endpoint's screen, knowing the devices enrolled now, whose requests go first: those this
     * node's registry holds in memory (it read them all at start), or else the first {@link
     * DatagramScreen#DEFAULT_DEVICES} of the store's list (if the store answers).
     */
    private static DatagramScreen screen(DeviceService devices, Counters counters) {
        if (devices instanceof DevicesInMemory memory) {
            return new DatagramScreen(DatagramScreen.DEFAULT_DEVICES, counters, memory::inMemory);
        }
        DatagramScreen screen = new DatagramScreen(DatagramScreen.DEFAULT_DEVICES, counters);
        try {
            devices.devices().stream().limit(DatagramScreen.DEFAULT_DEVICES).forEach(d -> screen.remember(d.device()));
        } catch (RuntimeException e) {
            LOG.debug("devices not listed at start, they get priority once answered: {}", e.toString());
        }
        return screen;
    }

    /** The configured node id, or the cluster's if none is configured; they must agree. */
    static String nodeId(Config config, Cluster cluster) {
        String configured = config.nodeId().trim();
        if (cluster == null) {
            if (configured.isEmpty()) {
                throw new IllegalArgumentException("a server node without a cluster needs a node id (Config.nodeId)");
            }
            return configured;
        }
        String clusters = cluster.nodeId();
        if (!configured.isEmpty() && !configured.equals(clusters)) {
            throw new IllegalArgumentException("node id " + configured + " is not the cluster's node id " + clusters
                    + ": leave it empty to take the cluster's");
        }
        return clusters;
    }

    /** This node's id (the cluster's, with a cluster). */
    @Override
    public String nodeId() {
        return settings.nodeId();
    }

    /** The bound UDP port. */
    public int port() {
        return endpoint.port();
    }

    /** The bound UDP address. */
    public InetSocketAddress localAddress() {
        return endpoint.localAddress();
    }

    /** What this node tells devices about itself; its control endpoint is the advertised host with the bound port. */
    public ServerSettings settings() {
        return settings;
    }

    /** A snapshot of the request handler's and the endpoint's counters. */
    @Override
    public Map<String, Long> counters() {
        return counters.snapshot();
    }

    /** This node's figures for the metrics bundle: counters, request handling time, cluster. */
    public MetricSource metrics() {
        return metrics;
    }

    /**
     * This node's readiness ({@link ServerHealth}): store quorum, draining, endpoint.
     *
     * @param poolManager whether the pool manager runs over a selected store
     */
    public Health health(boolean poolManager) {
        ClusterView view = handler.clusterView();
        view.degraded();   // notes the connection state now
        return ServerHealth.of(Optional.of(new ServerHealth.Node(endpoint.localAddress(), endpoint.isOpen(),
                view.draining(), view.degradedSince())), poolManager);
    }

    /** Leases served since start: PARAMS for ESTABLISH and RENEW, ACKs of CONFIRM. */
    public long leasesServed() {
        return handler.leasesServed();
    }

    @Override
    public Optional<InetSocketAddress> tunnelEndpoint() {
        return Optional.of(settings.tunnelEndpoint());
    }

    @Override
    public int tunnelMtu() {
        return settings.mtu();
    }

    /** The cluster as this node sees it, with the operator's drain switch. */
    public ClusterService clusterService() {
        return directory;
    }

    /** What the request handling knows of the cluster now: degraded, draining, the server list pushed. */
    public ClusterView clusterView() {
        return handler.clusterView();
    }

    /** From now on, {@code listener} gets this node's lease events (on a thread of their own). */
    public void addLeaseListener(LeaseListener listener) {
        leaseEvents.add(listener);
    }

    /** {@code listener} gets no more lease events. */
    public void removeLeaseListener(LeaseListener listener) {
        leaseEvents.remove(listener);
    }

    /** Whether first-start provisioning has finished. */
    public boolean provisioned() {
        return provisioning.done();
    }

    /** Stops serving: the port is free and the node's threads are stopped when this returns. */
    @Override
    public void close() {
        provisioning.close();
        if (heartbeat != null) {
            heartbeat.close();
        }
        endpoint.close();
        handler.close();
        leaseEvents.close();
        LOG.info("dtm server stopped: node={} udp port {} released", nodeId(), endpoint.port());
    }
}
