package net.dtm.config.osgi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
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

import net.dtm.api.Cidr;
import net.dtm.api.TunnelAgentService;
import net.dtm.api.TunnelListener;
import net.dtm.api.config.AdapterInfo;
import net.dtm.api.config.ConfigurationService;
import net.dtm.api.config.EndView;
import net.dtm.api.config.Preview;
import net.dtm.api.config.Transaction;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.config.AdapterRegistry;
import net.dtm.config.ConfigMetrics;
import net.dtm.config.ConfigSettings;
import net.dtm.config.ConfigurationManager;
import net.dtm.config.ends.RouterEnd;
import net.dtm.config.ends.TunnelHealth;
import net.dtm.config.intent.DeviceIntents;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.VendorAdapter;

/**
 * Wires the configuration module from PID {@code net.dtm.config}: one {@link ConfigurationManager}
 * per node (history and crash journal under {@code history.dir}, outside Karaf's data folder), every
 * {@link VendorAdapter} service as it comes and goes, and, when {@code enabled}, the router's own
 * tunnel end: a {@link TunnelListener} that turns the agent's tunnel events into the intent of
 * {@code interface}, and a health check that re-homes the agent when the confirmed tunnel stops
 * answering. Publishes {@link ConfigurationService} for the shell and {@link ConfigModule} for the
 * gateway component.
 */
@Component(configurationPid = ConfigModuleComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {ConfigurationService.class, ConfigModule.class, MetricSource.class}, immediate = true)
@Designate(ocd = ConfigModuleComponent.Config.class)
public class ConfigModuleComponent implements ConfigurationService, ConfigModule, MetricSource {

    /** Configuration PID. */
    public static final String PID = "net.dtm.config";

    private static final Logger LOG = LoggerFactory.getLogger(ConfigModuleComponent.class);

    @ObjectClassDefinition(name = "DTM configuration module", description = "Builds tunnels on this device through vendor adapters, safely")
    public @interface Config {
        @AttributeDefinition(description = "Build this router's own tunnel from the agent's tunnel events (false on a server node)")
        boolean enabled() default true;

        @AttributeDefinition(description = "Vendor of this device: picks the adapter (vendor:list)")
        String vendor() default "linux";

        @AttributeDefinition(description = "Model of this device, matched against the adapters' model patterns")
        String model() default "";

        @AttributeDefinition(description = "OS version of this device, matched against the adapters' version prefixes")
        String os_version() default "";

        @AttributeDefinition(description = "Management address of the device when it is driven remotely (SSH); empty = this machine")
        String host() default "";

        @AttributeDefinition(description = "Management port of a remote device (0 = the protocol's default, 22 for SSH)")
        int port() default 0;

        @AttributeDefinition(description = "Login on a remote device")
        String username() default "";

        @AttributeDefinition(description = "File holding the password or private key of a remote device, mode 600 (relative to etc); never logged")
        String secret_file() default "";

        @AttributeDefinition(description = "Adapter settings as key=value,key=value (see the adapter's documentation, e.g. command.timeout.seconds=60)")
        String options() default "";

        @AttributeDefinition(description = "Name of the router's tunnel interface")
        String interface$() default "dtm0";

        @AttributeDefinition(description = "Comma list of prefixes routed into the tunnel via the gateway, e.g. 10.0.0.0/8")
        String routes() default "";

        @AttributeDefinition(description = "Probe through the tunnel before confirming a change (false when the core end does not answer pings)")
        boolean probe() default true;

        @AttributeDefinition(description = "How long a change may take to verify (state read back, probe answered) before it is rolled back, seconds")
        int verify_timeout_seconds() default 15;

        @AttributeDefinition(description = "How long an operator has to run config:confirm after config:apply --hold, seconds")
        int confirm_timeout_seconds() default 120;

        @AttributeDefinition(description = "History entries kept per tunnel end (at least 50)")
        int history_size() default 100;

        @AttributeDefinition(description = "Folder of the history and the crash journal; outside Karaf's data folder, which bin/karaf clean wipes")
        String history_dir() default "";

        @AttributeDefinition(description = "Seconds between health probes of the confirmed router tunnel (0 = off)")
        int health_interval_seconds() default 10;

        @AttributeDefinition(description = "Unanswered health probes in a row after which the agent re-homes to another server")
        int health_failures() default 3;

        @AttributeDefinition(description = "This router's WireGuard private key file (the agent's wireguard.key.file; relative to etc)")
        String wireguard_key_file() default "dtm-wireguard.key";
    }

    private final ConfigurationManager manager;
    private final ConfigMetrics metrics;
    private final Config config;
    private final DeviceTarget target;
    private volatile TunnelAgentService agent;
    private ServiceRegistration<TunnelListener> listener;
    private ScheduledExecutorService health;
    private final java.util.concurrent.atomic.AtomicBoolean reconciled = new java.util.concurrent.atomic.AtomicBoolean();

    @Activate
    public ConfigModuleComponent(Config config) {
        this.config = config;
        try {
            this.target = DeviceTargets.from(PID, config.vendor(), config.model(), config.os_version(), config.host(),
                    config.port(), config.username(), config.secret_file(), config.options(),
                    Path.of(System.getProperty("karaf.etc", "etc")));
        } catch (IllegalArgumentException e) {
            LOG.error("configuration module not started: {}", e.getMessage());
            throw e;
        }
        ConfigSettings settings = settings(config);
        try {
            this.manager = ConfigurationManager.create(settings, 2);
            this.metrics = new ConfigMetrics(manager.counters());
        } catch (IOException e) {
            LOG.error("configuration module not started: state folder {} unusable: {}", settings.stateDirectory(),
                    e.getMessage());
            throw new UncheckedIOException(e);
        }
    }

    static ConfigSettings settings(Config config) {
        return ConfigSettings.defaults(stateDir(config.history_dir()))
                .withProbe(config.probe())
                .withTimeouts(Duration.ofSeconds(config.verify_timeout_seconds()), Duration.ofSeconds(1),
                        Duration.ofSeconds(config.confirm_timeout_seconds()))
                .withHistorySize(config.history_size());
    }

    static Path stateDir(String configured) {
        String home = System.getProperty("karaf.home", ".");
        String dir = configured == null || configured.isBlank() ? "${karaf.home}/dtm-config" : configured.trim();
        return Path.of(dir.replace("${karaf.home}", home));
    }

    static List<Cidr> routes(String text) {
        List<Cidr> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(Cidr.parse(part.trim()));
            }
        }
        return out;
    }

    @Override
    public List<Metric> metrics() {
        return metrics.metrics();
    }

    @Override
    public void reconcileOnce() {
        if (reconciled.compareAndSet(false, true)) {
            manager.reconcileAtStart(List.of(target));
        }
    }

    @Activate
    void activate(BundleContext context) {
        try {
            start(context);
        } catch (RuntimeException e) {
            // DS calls no deactivate after a failed activate: nothing may be left running
            deactivate();
            throw e;
        }
    }

    private void start(BundleContext context) {
        if (!config.enabled()) {
            LOG.info("configuration module active: router tunnel off (enabled = false in etc/{}.cfg); {} adapters",
                    PID, manager.adapters().size());
            return;
        }
        List<Cidr> routes;
        try {
            routes = routes(config.routes());
        } catch (IllegalArgumentException e) {
            LOG.error("router tunnel not built: routes in etc/{}.cfg: {}", PID, e.getMessage());
            return;
        }
        String etc = System.getProperty("karaf.etc", "etc");
        Path wgKey = Path.of(config.wireguard_key_file().trim());
        DeviceIntents intents = new DeviceIntents(config.interface$().trim(), routes,
                wgKey.isAbsolute() ? wgKey : Path.of(etc).resolve(wgKey));
        reconcileOnce();
        RouterEnd end = new RouterEnd(intents, manager, target);
        listener = context.registerService(TunnelListener.class, end, new Hashtable<>(Map.of("dtm.config.end", end.name())));
        int every = config.probe() ? config.health_interval_seconds() : 0;
        if (every > 0) {
            TunnelHealth h = new TunnelHealth(end.name(), t -> manager.probe(end.name(), t), this::rehome,
                    Clock.systemUTC(), Math.max(1, config.health_failures()), Duration.ofSeconds(60));
            health = Periodic.every(every, "dtm-config-health", () -> h.check(Duration.ofSeconds(2)),
                    e -> LOG.warn("{}: health check failed: {}", end.name(), e.toString()));
        }
        LOG.info("configuration module active: router tunnel {} (vendor {}{}), history in {}{}", end.name(),
                target.vendor(), target.isLocal() ? "" : " at " + target.host(), manager.settings().stateDirectory(),
                every > 0 ? "" : config.probe() ? "; health check off" : "; health check off (probe = false)");
    }

    private void rehome() {
        TunnelAgentService a = agent;
        if (a != null) {
            a.rehome();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindAgent(TunnelAgentService service) {
        agent = service;
    }

    void unbindAgent(TunnelAgentService service) {
        if (agent == service) {
            agent = null;
        }
    }

    /** A vendor adapter appeared: the manager may use it at once (ends waiting for one are applied). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindAdapter(VendorAdapter adapter, Map<String, Object> properties, org.osgi.framework.ServiceReference<VendorAdapter> ref) {
        Map<String, Object> props = new HashMap<>(properties);
        props.put(AdapterRegistry.PROP_BUNDLE, ref.getBundle().getSymbolicName() + " " + ref.getBundle().getVersion());
        try {
            manager.addAdapter(adapter, props); // the manager logs it
        } catch (IllegalArgumentException e) {
            LOG.error("vendor adapter {} ignored: {}", adapter.getClass().getName(), e.getMessage());
        }
    }

    /** An adapter went away: a transaction using it finishes (rolled back) with the object it holds. */
    void unbindAdapter(VendorAdapter adapter) {
        manager.removeAdapter(adapter); // the manager logs it
    }

    @Deactivate
    void deactivate() {
        if (listener != null) {
            try {
                listener.unregister();
            } catch (IllegalStateException gone) {
                // unregistered with the bundle
            }
        }
        if (health != null) {
            health.shutdownNow();
        }
        manager.close();
    }

    @Override
    public ConfigurationManager manager() {
        return manager;
    }

    @Override
    public List<AdapterInfo> adapters() {
        return manager.adapters();
    }

    @Override
    public List<EndView> ends() {
        return manager.ends();
    }

    @Override
    public Optional<EndView> show(String end) {
        return manager.show(end);
    }

    @Override
    public Preview preview(String end) {
        return manager.preview(end);
    }

    @Override
    public Transaction apply(String end, String who, boolean holdForConfirm) {
        return manager.apply(end, who, holdForConfirm);
    }

    @Override
    public Transaction confirm(String end, String who) {
        return manager.confirm(end, who);
    }

    @Override
    public List<Transaction> history(String end) {
        return manager.history(end);
    }

    @Override
    public Transaction rollback(String end, int number, String who) {
        return manager.rollback(end, number, who);
    }
}
