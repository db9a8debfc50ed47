package net.dtm.server.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
import net.dtm.api.DeviceService;
import net.dtm.api.HostPort;
import net.dtm.api.LeaseListener;
import net.dtm.api.NodeInfo;
import net.dtm.api.TunnelServerService;
import net.dtm.api.TunnelType;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.server.node.ServerNode;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.cluster.NodeIds;
import net.dtm.spi.store.EnrolmentKeyStore;

/**
 * Runs a {@link ServerNode} in Karaf from PID {@code net.dtm.server}: maps the configuration to
 * {@link ServerNode.Config}, starts the node and publishes it as the {@link TunnelServerService} and
 * the node's {@link ClusterService}; lease listeners (whiteboard) get its lease events. Immediate:
 * the node must bind its port and bootstrap its pool and devices even though nothing in the
 * container looks its service up (devices reach it over UDP).
 * <p>
 * Cluster: takes the {@link Cluster} (the standalone cluster or the ZooKeeper store's), whose node
 * id is this node's. The reference is mandatory, static and greedy: the node id and the request
 * handling are fixed for the component's life.
 * <p>
 * Zero-touch enrolment: an optional, dynamic reference to the store's {@link EnrolmentKeyStore}
 * (target {@code enrolmentKeys.target}); without one, ENROL requests are dropped ({@code
 * dropped.enrol-off}, said once in the log). Self-enrolled devices are written through the device
 * registry ({@link DeviceManagerComponent}), so its cache sees them at once.
 * <p>
 * Also a {@link MetricSource}: the node's {@link ServerMetrics}.
 */
@Component(configurationPid = ServerComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {TunnelServerService.class, ClusterService.class, MetricSource.class}, immediate = true)
@Designate(ocd = ServerComponent.Config.class)
public class ServerComponent implements TunnelServerService, ClusterService, MetricSource {

    /** Configuration PID. */
    public static final String PID = "net.dtm.server";

    private static final Logger LOG = LoggerFactory.getLogger(ServerComponent.class);

    @ObjectClassDefinition(name = "DTM server node", description = "Control endpoint of a DTM server node")
    public @interface Config {
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

        @AttributeDefinition(description = "Datagrams per second one source address (IPv4 /32, IPv6 /64) may send on average; beyond, they are dropped (dropped.source-rate)")
        double source_rate() default 200;

        @AttributeDefinition(description = "Datagrams one source address may send at once")
        int source_burst() default 100;

        @AttributeDefinition(description = "Source addresses whose rate is tracked at most; beyond, sources share one bucket of 64 sources' rate")
        int source_table_size() default 65536;

        @AttributeDefinition(description = "ENROL requests (zero-touch enrolment) per second one source address may send on average; beyond, they are dropped (dropped.enrol-rate)")
        double enrol_source_rate() default 20;

        @AttributeDefinition(description = "ENROL requests one source address may send at once")
        int enrol_source_burst() default 100;

        @AttributeDefinition(description = "ENROL requests per second naming one enrolment key, from all sources, on average; beyond, they are dropped (dropped.enrol-rate)")
        double enrol_key_rate() default 200;

        @AttributeDefinition(description = "ENROL requests naming one enrolment key at once")
        int enrol_key_burst() default 1000;
    }

    private final ServerNode node;

    /**
     * @param cluster    this node's membership, which gives the node id (in Karaf there always is one:
     *                   the standalone cluster or the ZooKeeper store's)
     * @param properties the raw configuration, to tell an operator about settings no longer read
     */
    @Activate
    public ServerComponent(@Reference(name = "pools") AddressPoolAdminService pools,
                           @Reference(name = "devices") DeviceService devices,
                           @Reference(name = "cluster", policyOption = ReferencePolicyOption.GREEDY) Cluster cluster,
                           Config config, Map<String, Object> properties)
            throws IOException {
        NodeIds.movedKeyWarning(PID, properties, cluster.nodeId()).ifPresent(LOG::warn);
        ServerNode.Config settings = settings(config);   // a bad setting fails here, before anything starts
        try {
            this.node = ServerNode.start(settings, pools, devices, cluster);
        } catch (BindException e) {
            LOG.error("dtm server node={} cannot listen on UDP port {} ({}): {}; is another server using it? "
                    + "Set bind.port in etc/{}.cfg", cluster.nodeId(), config.bind_port(), config.bind_host(), e.getMessage(), PID);
            throw e;
        } catch (IOException e) {
            LOG.error("dtm server node={} not started: {}", cluster.nodeId(), e.getMessage());
            throw e;
        }
    }

    /** The node's settings from the component's configuration; errors name the setting. */
    static ServerNode.Config settings(Config config) {
        String advertiseHost = config.advertise_host().trim();
        // checked before binding: a bad setting must not leave the port taken
        return ServerNode.Config.defaults().toBuilder()
                .bind(new InetSocketAddress(HostPort.address(config.bind_host(), "bind.host"), config.bind_port()))
                .advertiseHost(HostPort.address(advertiseHost, "advertise.host"))
                .tunnelEndpoint(config.tunnel_endpoint().isBlank() ? null : HostPort.parse(config.tunnel_endpoint(), "tunnel.endpoint"))
                .tunnel(TunnelType.parse(config.tunnel_type()), config.tunnel_mtu())
                .keepaliveSeconds(config.keepalive_seconds())
                .defaultPool(config.default_pool())
                .advertisedServers(HostPort.parseList(config.advertise_servers(), "advertise.servers"))
                .workers(config.worker_threads(), config.queue_capacity(), config.source_queue_limit())
                .sourceBuckets(config.source_rate(), config.source_burst(), config.source_table_size())
                .enrolLimits(config.enrol_source_rate(), config.enrol_source_burst(), config.enrol_key_rate(),
                        config.enrol_key_burst())
                .wireGuardPublicKey(config.tunnel_wireguard_public_key())
                .bootstrap(Bootstrap.parsePools(config.bootstrap_pool()), Bootstrap.parseDevices(config.bootstrap_devices()),
                        Bootstrap.keysDir(config.keys_dir()))
                .build();
    }

    /** Whether first-start provisioning has finished (tests). */
    boolean provisioned() {
        return node.provisioned();
    }

    /** The bound UDP port. */
    public int port() {
        return node.port();
    }

    @Override
    public String nodeId() {
        return node.nodeId();
    }

    @Override
    public Map<String, Long> counters() {
        return node.counters();
    }

    /** The node's figures ({@link ServerMetrics}). */
    @Override
    public List<Metric> metrics() {
        return node.metrics().metrics();
    }

    @Override
    public Optional<InetSocketAddress> tunnelEndpoint() {
        return node.tunnelEndpoint();
    }

    @Override
    public int tunnelMtu() {
        return node.tunnelMtu();
    }

    @Override
    public String mode() {
        return node.clusterService().mode();
    }

    @Override
    public NodeInfo local() {
        return node.clusterService().local();
    }

    @Override
    public List<NodeInfo> nodes() {
        return node.clusterService().nodes();
    }

    @Override
    public Optional<NodeInfo> node(String id) {
        return node.clusterService().node(id);
    }

    @Override
    public Map<String, String> status() {
        return node.clusterService().status();
    }

    @Override
    public boolean setDraining(String id, boolean draining, boolean force) {
        return node.clusterService().setDraining(id, draining, force);
    }

    /** A lease listener appeared (whiteboard): it gets this node's lease events from now on. */
    @Reference(name = "leaseListeners", service = LeaseListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void addLeaseListener(LeaseListener listener) {
        node.addLeaseListener(listener);
    }

    void removeLeaseListener(LeaseListener listener) {
        node.removeLeaseListener(listener);
    }

    /** The store's enrolment keys appeared: routers may enrol themselves here from now on. */
    @Reference(name = "enrolmentKeys", service = EnrolmentKeyStore.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindEnrolmentKeys(EnrolmentKeyStore keys) {
        try {
            node.enrolmentKeys(keys);
        } catch (IllegalStateException e) {
            LOG.error("dtm server node={}: zero-touch enrolment stays off: {}", node.nodeId(), e.getMessage());
        }
    }

    /** The enrolment keys went away: ENROLs are dropped ({@code dropped.enrol-off}) until others appear. */
    void unbindEnrolmentKeys(EnrolmentKeyStore keys) {
        node.withdrawEnrolmentKeys(keys);
    }

    /** The node this component runs (tests). */
    ServerNode node() {
        return node;
    }

    @Deactivate
    void deactivate() {
        node.close();
    }
}
