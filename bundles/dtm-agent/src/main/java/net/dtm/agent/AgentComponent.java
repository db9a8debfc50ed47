package net.dtm.agent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
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

import net.dtm.api.DeviceId;
import net.dtm.api.Health;
import net.dtm.api.HealthService;
import net.dtm.api.LinkService;
import net.dtm.api.TunnelAgentService;
import net.dtm.api.TunnelStatus;
import net.dtm.api.TunnelListener;
import net.dtm.api.TunnelType;
import net.dtm.api.metrics.MetricSource;
import net.dtm.protocol.Codec;
import net.dtm.spi.link.LinkDriver;
import net.dtm.transport.LinkUsage;
import net.dtm.transport.MultiLinkTransport;
import net.dtm.transport.TransportSettings;

/**
 * Wires the agent: configuration {@code net.dtm.agent}, every {@link LinkDriver} service into the
 * transport (dynamically, with its {@code dtm.link.usage} property), and publishes
 * {@link TunnelAgentService} and {@link LinkService}. Without a device id or key the
 * component stays up, reports IDLE and says in the log what to configure; a configured key file that
 * does not exist yet is watched and the agent starts when it appears, or, with an enrolment token
 * file ({@code enrol.key.file}), the agent enrols itself first ({@link AgentLauncher}).
 *
 * <p>Also registers the agent's {@link MetricSource} ({@link AgentMetrics}) and, when a device id is
 * configured, its {@link HealthService} ({@link AgentHealth}).
 *
 * <p>The service is registered by hand rather than by DS so that the configuration (which may hold
 * {@code device.key}) is not copied into the service registry as service properties.
 */
@Component(configurationPid = AgentComponent.PID, service = {}, immediate = true)
@Designate(ocd = AgentComponent.Config.class)
public class AgentComponent implements TunnelAgentService {

    /** Configuration PID. */
    public static final String PID = "net.dtm.agent";

    private static final Logger LOG = LoggerFactory.getLogger("net.dtm.agent");

    /** Agent configuration. */
    @ObjectClassDefinition(name = "DTM tunnel agent", description = "The device side of DTM.")
    public @interface Config {
        @AttributeDefinition(name = "Device id", description = "The id this device was enrolled with")
        String device_id() default "";

        @AttributeDefinition(name = "Device key", description = "64 hex digits; prefer device.key.file")
        String device_key() default "";

        @AttributeDefinition(name = "Device key file", description = "File holding the 64 hex digit key (relative to etc);"
                + " an enrolling agent writes its credential there (default with enrol.key.file: dtm-keys/<device.id>.key)")
        String device_key_file() default "";

        @AttributeDefinition(name = "Servers", description = "Comma list of host:port")
        String servers() default "127.0.0.1:47800";

        @AttributeDefinition(name = "Tunnel type", description = "vxlan, gre, ipip or wireguard")
        String tunnel_type() default "vxlan";

        @AttributeDefinition(name = "Pool", description = "Pool to ask for; empty for the server's default")
        String pool() default "";

        @AttributeDefinition(name = "WireGuard key file", description = "This device's WireGuard private key (created at first start, mode 600; relative to etc); used when tunnel.type = wireguard")
        String wireguard_key_file() default "dtm-wireguard.key";

        @AttributeDefinition(name = "Enrolment token file", description = "File holding the dtmek1-... enrolment token"
                + " (relative to etc; mode 600, tightened with a warning if others can read it): without a usable device"
                + " key file the agent enrols with it, writes the credential to device.key.file and establishes; deleted"
                + " once its enrolment key is used up and the tunnel is up. Empty: no enrolment")
        String enrol_key_file() default "";

        @AttributeDefinition(name = "Router key file", description = "This router's own X25519 private key for"
                + " enrolment (created at first start, mode 600, never leaves the router; relative to etc)")
        String router_key_file() default "dtm-router.key";

        @AttributeDefinition(name = "Wire version", description = "Control protocol version: 3 (sequence resync), 2 for a server that predates the resync (data-plane fields, PATH), or 1 for a server that predates those")
        int wire_version() default 3;
    }

    private final ScheduledExecutorService scheduler;
    private final MultiLinkTransport transport;
    private final Duration keyPollInterval;
    private final Enroller.Timing enrolTiming;
    private volatile TunnelAgent agent;
    private volatile DeviceId device;
    /** Finds the credential (key file, or enrolment) and starts the agent; null with device.key or before configure. */
    private AgentLauncher launcher;
    private final List<TunnelListener> tunnelListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile String wireGuardPublicKey = "";
    private volatile int wireVersion = Codec.RESYNC_VERSION;
    /** Establishments of every agent this component runs. */
    private final Establishments establishments = new Establishments();

    /** For DS. */
    public AgentComponent() {
        this(Duration.ofSeconds(5));
    }

    AgentComponent(Duration keyPollInterval) {
        this(keyPollInterval, Enroller.Timing.defaults());
    }

    AgentComponent(Duration keyPollInterval, Enroller.Timing enrolTiming) {
        this.keyPollInterval = keyPollInterval;
        this.enrolTiming = enrolTiming;
        ScheduledThreadPoolExecutor ses = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "dtm-agent");
            t.setDaemon(true);
            return t;
        });
        ses.setRemoveOnCancelPolicy(true);
        this.scheduler = ses;
        this.transport = new MultiLinkTransport(TransportSettings.defaults(), scheduler);
    }

    /**
     * A driver bundle that is updated unregisters its links and registers new ones: the transport
     * drops the old driver and takes the new one, while the agent keeps its lease and its renewals
     * (they continue on the new driver as soon as it is bound).
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindLink(LinkDriver link, Map<String, Object> properties) {
        LinkUsage usage;
        Object value = properties.get(LinkUsage.PROPERTY);
        try {
            usage = LinkUsage.parse(value);
        } catch (IllegalArgumentException e) {
            LOG.warn("link {} has {}={}, expected always or backup: used always", link.id(), LinkUsage.PROPERTY, value);
            usage = LinkUsage.ALWAYS;
        }
        transport.addLink(link, usage);
    }

    void unbindLink(LinkDriver link) {
        transport.removeLink(link);
    }

    /** A tunnel listener (the configuration module, a carrier's plugin): gets every tunnel event. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindTunnelListener(TunnelListener listener) {
        TunnelAgent a;
        synchronized (this) {
            tunnelListeners.add(listener);
            a = agent;
        }
        if (a != null) {
            a.addTunnelListener(listener);
        }
    }

    void unbindTunnelListener(TunnelListener listener) {
        TunnelAgent a;
        synchronized (this) {
            tunnelListeners.remove(listener);
            a = agent;
        }
        if (a != null) {
            a.removeTunnelListener(listener);
        }
    }

    /** The transport, for tests. */
    MultiLinkTransport transport() {
        return transport;
    }

    /** The running agent, if configured. */
    Optional<TunnelAgent> agent() {
        return Optional.ofNullable(agent);
    }

    private ServiceRegistration<TunnelAgentService> registration;
    private ServiceRegistration<LinkService> linkRegistration;
    private ServiceRegistration<MetricSource> metricsRegistration;
    private ServiceRegistration<HealthService> healthRegistration;

    @Activate
    void activate(BundleContext context, Config config) {
        configure(config);
        Dictionary<String, Object> props = new Hashtable<>();
        if (device != null) {
            props.put("dtm.device.id", device.value());
        }
        registration = context.registerService(TunnelAgentService.class, this, props);
        linkRegistration = context.registerService(LinkService.class, linkService(), new Hashtable<>());
        metricsRegistration = context.registerService(MetricSource.class, metrics(), new Hashtable<>());
        if (device != null) {   // an agent is meant to run here: its readiness counts
            healthRegistration = context.registerService(HealthService.class, this::health, new Hashtable<>());
        }
    }

    /** The agent's figures ({@link AgentMetrics}). */
    MetricSource metrics() {
        return new AgentMetrics(establishments, this::status, transport::linkInfos);
    }

    /** The agent's readiness ({@link AgentHealth}). */
    Health health() {
        return AgentHealth.of(agent != null, status(), transport.linkInfos());
    }

    /** The links as the transport sees them, with the operator's enable/disable. */
    LinkService linkService() {
        return new TransportLinkService(transport);
    }

    /** Reads the configuration and starts the agent if it can; never fails. */
    void configure(Config config) {
        String id = config.device_id() == null ? "" : config.device_id().trim();
        if (id.isEmpty()) {
            LOG.warn("tunnel agent not started: set device.id (and device.key.file) in etc/{}.cfg", PID);
            return;
        }
        List<InetSocketAddress> servers;
        TunnelType type;
        try {
            device = DeviceId.of(id);
            servers = AgentConfig.servers(config.servers());
            type = TunnelType.parse(config.tunnel_type());
        } catch (IllegalArgumentException e) {
            LOG.error("tunnel agent not started: invalid configuration {}: {}", PID, e.getMessage());
            return;
        }
        String pool = config.pool() == null ? "" : config.pool().trim();
        if (config.wire_version() < 1 || config.wire_version() > Codec.MAX_VERSION) {
            LOG.error("tunnel agent not started: device={} wire.version = {} in etc/{}.cfg, expected 3 (or 2 for a server"
                    + " that predates the sequence resync, 1 for one that predates the data plane; 4 is 3 with"
                    + " enrolment, which the agent speaks by itself)", id, config.wire_version(), PID);
            return;
        }
        wireVersion = config.wire_version();
        if (type == TunnelType.WIREGUARD) {
            Path wgFile = AgentConfig.resolveKeyFile(config.wireguard_key_file().trim());
            try {
                wireGuardPublicKey = WireGuardKeyFile.loadOrCreate(wgFile);
                LOG.info("tunnel agent WireGuard key: device={} public key {} (private key in {})", id, wireGuardPublicKey, wgFile);
            } catch (IOException | RuntimeException e) {
                LOG.error("tunnel agent not started: device={} WireGuard key file {} unusable: {}", id, wgFile, e.getMessage());
                return;
            }
        }
        String keyText = trim(config.device_key());
        String tokenFile = trim(config.enrol_key_file());
        if (!keyText.isEmpty()) {
            if (!tokenFile.isEmpty()) {
                LOG.warn("tunnel agent: device={} has device.key in etc/{}.cfg: enrol.key.file is not used", id, PID);
            }
            try {
                startAgent(AgentConfig.key(keyText), servers, type, pool);
            } catch (IllegalArgumentException e) {
                LOG.error("tunnel agent not started: device={} device.key invalid: {}", id, e.getMessage());
            }
            return;
        }
        String keyFile = trim(config.device_key_file());
        if (keyFile.isEmpty() && tokenFile.isEmpty()) {
            LOG.warn("tunnel agent not started: device={} has no key; set device.key.file (or device.key), or"
                    + " enrol.key.file to enrol, in etc/{}.cfg", id, PID);
            return;
        }
        if (keyFile.isEmpty()) {
            keyFile = "dtm-keys/" + id + ".key";
            LOG.info("tunnel agent: device={} enrols with enrol.key.file; its credential goes to {} (device.key.file"
                    + " not set)", id, AgentConfig.resolveKeyFile(keyFile));
        }
        String routerKey = trim(config.router_key_file());
        AgentLauncher.Paths paths = new AgentLauncher.Paths(AgentConfig.resolveKeyFile(keyFile),
                tokenFile.isEmpty() ? null : AgentConfig.resolveKeyFile(tokenFile),
                AgentConfig.resolveKeyFile(routerKey.isEmpty() ? "dtm-router.key" : routerKey));
        AgentLauncher l = new AgentLauncher(device, paths, pool, () -> {
            TunnelAgent a = agent;
            return a != null ? a.servers() : servers;
        }, transport, scheduler, enrolTiming, keyPollInterval, (key, p) -> startAgent(key, servers, type, p));
        synchronized (this) {
            launcher = l;
        }
        l.launch();
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }

    private synchronized TunnelAgent startAgent(byte[] key, List<InetSocketAddress> servers, TunnelType type, String pool) {
        AgentSettings s = AgentSettings.of(device, key, servers);
        s = new AgentSettings(s.device(), key, servers, type, pool, s.attemptTimeout(), s.confirmTimeout(),
                s.retryMin(), s.retryMax());
        TunnelAgent a = new TunnelAgent(s, transport, scheduler, Clock.systemUTC());
        a.setWireVersion(wireVersion);
        a.setWireGuardPublicKey(wireGuardPublicKey);
        a.setEstablishments(establishments);
        for (TunnelListener l : tunnelListeners) {
            a.addTunnelListener(l);
        }
        agent = a;
        a.start();
        return a;
    }

    @Deactivate
    void deactivate() {
        unregister(healthRegistration);
        unregister(metricsRegistration);
        unregister(registration);
        unregister(linkRegistration);
        AgentLauncher l;
        synchronized (this) {
            l = launcher;
        }
        if (l != null) {
            l.close();
        }
        TunnelAgent a = agent;
        if (a != null) {
            a.close();
        }
        transport.close();
        scheduler.shutdownNow();
    }

    private static void unregister(ServiceRegistration<?> r) {
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered by the framework when the bundle stopped first
            }
        }
    }

    @Override
    public TunnelStatus status() {
        TunnelAgent a = agent;
        if (a != null) {
            return a.status();
        }
        DeviceId d = device != null ? device : DeviceId.of("unconfigured");
        return new TunnelStatus(d, TunnelStatus.State.IDLE, Optional.empty(), Optional.empty(), Optional.empty(), 0,
                Optional.empty());
    }

    @Override
    public void rehome() {
        TunnelAgent a = agent;
        if (a != null) {
            a.rehome();
        }
    }

    @Override
    public void reestablish() {
        TunnelAgent a = agent;
        if (a == null) {
            LOG.warn("tunnel re-establishment ignored: agent not configured (see etc/{}.cfg)", PID);
            return;
        }
        a.reestablish();
    }
}
