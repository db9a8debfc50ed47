package net.dtm.server.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

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
import net.dtm.api.ClusterService;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceService;
import net.dtm.api.TunnelServerService;
import net.dtm.api.HostPort;
import net.dtm.api.LeaseListener;
import net.dtm.api.Pool;
import net.dtm.api.DeviceId;
import net.dtm.api.NodeInfo;
import net.dtm.api.TunnelType;
import net.dtm.spi.cluster.Cluster;

/**
 * Wires a server node: bootstrap, request handler and UDP endpoint, from PID {@code net.dtm.server}.
 * Immediate: the node must bind its port and bootstrap its pool and devices even though nothing in
 * the container looks its service up (devices reach it over UDP).
 * <p>
 * Cluster: takes the store's {@link Cluster} (optional; none = a standalone node of its own),
 * advertises its control endpoint once bound, publishes its served leases every 5 s
 * ({@link ClusterHeartbeat}) and is also the node's {@link ClusterService} ({@link NodeDirectory}).
 * The reference is static and greedy: the node id and the request handler are fixed for the
 * component's life, and the store component registers its cluster with its stores.
 */
@Component(configurationPid = ServerComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {TunnelServerService.class, ClusterService.class}, immediate = true)
@Designate(ocd = ServerComponent.Config.class)
public class ServerComponent implements TunnelServerService, ClusterService {

    /** Configuration PID. */
    public static final String PID = "net.dtm.server";

    private static final Logger LOG = LoggerFactory.getLogger(ServerComponent.class);

    @ObjectClassDefinition(name = "DTM server node", description = "Control endpoint of a DTM server node")
    public @interface Config {
        @AttributeDefinition(description = "Node id; empty = the cluster's node id, else the host name")
        String node_id() default "";

        @AttributeDefinition(description = "Address the UDP control endpoint binds")
        String bind_host() default "0.0.0.0";

        @AttributeDefinition(description = "UDP port of the control endpoint (0 = any free port)")
        int bind_port() default 47800;

        @AttributeDefinition(description = "Address devices reach this node at")
        String advertise_host() default "127.0.0.1";

        @AttributeDefinition(description = "host:port of this node's outer tunnel endpoint; empty = <advertise.host>:4789")
        String tunnel_endpoint() default "";

        @AttributeDefinition(description = "Encapsulation offered: vxlan, gre, ipip, wireguard")
        String tunnel_type() default "vxlan";

        @AttributeDefinition(description = "Inner MTU handed to devices")
        int tunnel_mtu() default 1400;

        @AttributeDefinition(description = "Keepalive interval handed to devices, seconds")
        int keepalive_seconds() default 10;

        @AttributeDefinition(description = "Pool for devices that ask for none")
        String default_pool() default "demo";

        @AttributeDefinition(description = "Pools created at start if missing: name=prefix,leaseSeconds;... e.g. demo=10.64.0.0/16,3600")
        String bootstrap_pool() default "";

        @AttributeDefinition(description = "Comma list of device ids enrolled at start if missing, keys written to keys.dir")
        String bootstrap_devices() default "";

        @AttributeDefinition(description = "Folder for bootstrap device key files; empty = ${karaf.etc}/dtm-keys")
        String keys_dir() default "";

        @AttributeDefinition(description = "Comma list of host:port control endpoints pushed to devices; empty = the cluster's active nodes (standalone: devices keep their own list)")
        String advertise_servers() default "";

        @AttributeDefinition(description = "This node's WireGuard public key (base64) handed to devices when tunnel.type = wireguard; the private key belongs to the tunnel gateway")
        String tunnel_wireguard_public_key() default "";

        @AttributeDefinition(description = "Worker threads handling requests; they wait for the store's durable commit, so more threads let more new leases share one log sync")
        int worker_threads() default 64;

        @AttributeDefinition(description = "Datagrams that may wait for a worker before new ones are dropped")
        int queue_capacity() default 4096;

        @AttributeDefinition(description = "Datagrams one source address may have waiting or in work")
        int source_queue_limit() default 256;
    }

    private final String nodeId;
    private final RequestHandler handler;
    private final UdpEndpoint endpoint;
    private final NodeDirectory directory;
    private final ClusterHeartbeat heartbeat;
    private final Provisioning provisioning;
    private final LeaseEventBus leaseEvents;

    /** How often provisioning is retried while the store is unavailable. */
    static final java.time.Duration PROVISIONING_RETRY = java.time.Duration.ofSeconds(5);

    /** A node without a cluster service (tests). */
    public ServerComponent(AddressPoolAdminService pools, DeviceService devices, Config config) throws IOException {
        this(pools, devices, null, config);
    }

    @Activate
    public ServerComponent(@Reference(name = "pools") AddressPoolAdminService pools,
                           @Reference(name = "devices") DeviceService devices,
                           @Reference(name = "cluster", cardinality = ReferenceCardinality.OPTIONAL,
                                   policyOption = ReferencePolicyOption.GREEDY) Cluster cluster,
                           Config config)
            throws IOException {
        this.nodeId = !config.node_id().isBlank() ? config.node_id().trim()
                : cluster != null ? cluster.nodeId() : HostPort.localNodeId();
        int bindPort = config.bind_port();
        String advertiseHost = config.advertise_host().trim();
        String tunnelEndpoint = config.tunnel_endpoint().isBlank() ? advertiseHost + ":4789" : config.tunnel_endpoint();

        List<Pool> bootstrapPools = Bootstrap.parsePools(config.bootstrap_pool());
        List<DeviceId> bootstrapDevices = Bootstrap.parseDevices(config.bootstrap_devices());
        Path keysDir = keysDir(config);
        // A cluster node may start before its quorum is up: provisioning then waits in the
        // background, and the node serves (degraded) meanwhile.
        this.provisioning = Provisioning.start(() -> {
            Bootstrap.pools(bootstrapPools, pools, nodeId);
            Bootstrap.devices(bootstrapDevices, devices, keysDir, nodeId);
        }, PROVISIONING_RETRY, nodeId);

        InetSocketAddress bind = new InetSocketAddress(HostPort.address(config.bind_host(), "bind.host"), bindPort);
        // checked before binding: a bad setting must not leave the port taken
        InetSocketAddress tunnel = HostPort.parse(tunnelEndpoint, "tunnel.endpoint");
        TunnelType tunnelType = TunnelType.parse(config.tunnel_type());
        List<InetSocketAddress> servers = HostPort.parseList(config.advertise_servers(), "advertise.servers");
        java.net.InetAddress advertised = HostPort.address(advertiseHost, "advertise.host");
        Counters counters = new Counters();
        this.leaseEvents = new LeaseEventBus(nodeId);
        AtomicReference<RequestHandler> ref = new AtomicReference<>();
        try {
            this.endpoint = UdpEndpoint.async(bind, (d, from) -> ref.get() == null
                            ? CompletableFuture.completedFuture(Optional.empty()) : ref.get().handleAsync(d, from),
                    counters, config.worker_threads(), config.queue_capacity(), config.source_queue_limit());
        } catch (IOException e) {
            provisioning.close();
            leaseEvents.close();
            LOG.error("dtm server node={} cannot listen on UDP port {} ({}): {}; is another server using it? "
                    + "Set bind.port in etc/{}.cfg", nodeId, bindPort, config.bind_host(), e.getMessage(), PID);
            throw e;
        }
        ServerSettings settings;
        RequestHandler h = null;
        NodeDirectory dir;
        ClusterHeartbeat hb;
        try {
            settings = new ServerSettings(nodeId, new InetSocketAddress(advertised, endpoint.port()), tunnel, tunnelType,
                    config.tunnel_mtu(), config.keepalive_seconds(), config.default_pool().trim(), servers);
            h = new RequestHandler(settings, id -> devices.device(id).map(DeviceCredential::key), pools,
                    Clock.systemUTC(), counters, RequestHandler.DEFAULT_ANSWER_TTL, RequestHandler.DEFAULT_ANSWER_CAPACITY,
                    cluster);
            DataPathEvents paths = new DataPathEvents(nodeId, leaseEvents, Clock.systemUTC());
            h.enableDataPlane(paths, config.tunnel_wireguard_public_key().trim());
            leaseEvents.every(java.time.Duration.ofSeconds(10), () -> paths.sweep(l -> pools.lease(l.pool(), l.device())));
            ref.set(h);
            dir = new NodeDirectory(cluster, h.clusterView(), settings, h::leasesServed, Clock.systemUTC());
            hb = cluster == null ? null
                    : ClusterHeartbeat.start(cluster, settings.controlEndpoint(), h::leasesServed, ClusterHeartbeat.DEFAULT_PERIOD);
        } catch (RuntimeException e) {
            // a failed activation leaves nothing running: no port taken, no retries, no listeners
            ref.set(null);
            if (h != null) {
                h.close();
            }
            provisioning.close();
            endpoint.close();
            leaseEvents.close();
            throw e;
        }
        this.handler = h;
        this.directory = dir;
        this.heartbeat = hb;
        LOG.info("dtm server started: node={} udp={} advertised={} tunnel={} {} default pool={}", nodeId,
                endpoint.localAddress(), settings.controlEndpoint(), settings.tunnelType().name().toLowerCase(),
                settings.tunnelEndpoint(), settings.defaultPool());
    }

    private static Path keysDir(Config config) {
        String etc = System.getProperty("karaf.etc");
        etc = etc == null || etc.isBlank() ? "./etc" : etc;
        if (!config.keys_dir().isBlank()) {
            // Karaf interpolates ${karaf.etc} in etc/*.cfg; a value set another way may still carry it
            return Path.of(config.keys_dir().trim().replace("${karaf.etc}", etc));
        }
        return Path.of(etc, "dtm-keys");
    }

    /** Whether first-start provisioning has finished (tests). */
    boolean provisioned() {
        return provisioning.done();
    }

    /** The bound UDP port. */
    public int port() {
        return endpoint.port();
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public Map<String, Long> counters() {
        return handler.counterSnapshot();
    }

    @Override
    public Optional<InetSocketAddress> tunnelEndpoint() {
        return Optional.of(handler.settings().tunnelEndpoint());
    }

    @Override
    public int tunnelMtu() {
        return handler.settings().mtu();
    }

    @Override
    public String mode() {
        return directory.mode();
    }

    @Override
    public NodeInfo local() {
        return directory.local();
    }

    @Override
    public List<NodeInfo> nodes() {
        return directory.nodes();
    }

    @Override
    public Optional<NodeInfo> node(String id) {
        return directory.node(id);
    }

    @Override
    public Map<String, String> status() {
        return directory.status();
    }

    @Override
    public boolean setDraining(String id, boolean draining) {
        return directory.setDraining(id, draining);
    }

    /** A lease listener appeared (whiteboard): it gets this node's lease events from now on. */
    @Reference(name = "leaseListeners", service = LeaseListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void addLeaseListener(LeaseListener listener) {
        leaseEvents.add(listener);
    }

    void removeLeaseListener(LeaseListener listener) {
        leaseEvents.remove(listener);
    }

    /** The request handler (tests). */
    RequestHandler handler() {
        return handler;
    }

    @Deactivate
    void deactivate() {
        provisioning.close();
        if (heartbeat != null) {
            heartbeat.close();
        }
        endpoint.close();
        handler.close();
        leaseEvents.close();
        LOG.info("dtm server stopped: node={} udp port {} released", nodeId, endpoint.port());
    }
}
