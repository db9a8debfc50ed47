package net.dtm.config.osgi;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Hashtable;
import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.AddressPoolService;
import net.dtm.api.LeaseListener;
import net.dtm.api.TunnelServerService;
import net.dtm.config.ends.CoreEnds;
import net.dtm.config.intent.GatewayIntents;
import net.dtm.spi.config.DeviceTarget;

/**
 * The core end of every tunnel this server node serves, built on the tunnel gateway through the
 * same safe transaction as a router's end. Active only with {@code etc/net.dtm.gateway.cfg}: a
 * server node becomes a gateway by configuration. The gateway is this machine (the linux adapter
 * applies with iproute2 here); its tunnel endpoint is the server's {@code tunnel.endpoint}.
 */
@Component(configurationPid = GatewayComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = {})
@Designate(ocd = GatewayComponent.Config.class)
public class GatewayComponent {

    /** Configuration PID. */
    public static final String PID = "net.dtm.gateway";

    private static final Logger LOG = LoggerFactory.getLogger(GatewayComponent.class);

    @ObjectClassDefinition(name = "DTM tunnel gateway", description = "Builds the core end of each device's tunnel on this node")
    public @interface Config {
        @AttributeDefinition(description = "Vendor of the gateway: picks the adapter")
        String vendor() default "linux";

        @AttributeDefinition(description = "Model of the gateway")
        String model() default "";

        @AttributeDefinition(description = "OS version of the gateway")
        String os_version() default "";

        @AttributeDefinition(description = "Management address of the gateway router when it is driven remotely (SSH); empty = this machine")
        String host() default "";

        @AttributeDefinition(description = "Management port of a remote gateway (0 = the protocol's default, 22 for SSH)")
        int port() default 0;

        @AttributeDefinition(description = "Login on a remote gateway")
        String username() default "";

        @AttributeDefinition(description = "File holding the password or private key of a remote gateway, mode 600 (relative to etc); never logged")
        String secret_file() default "";

        @AttributeDefinition(description = "Adapter settings as key=value,key=value (see the adapter's documentation, e.g. command.timeout.seconds=60)")
        String options() default "";

        @AttributeDefinition(description = "Prefix of the core end interface names (1..4 characters; 8 hex digits of the device's address follow)")
        String interface_prefix() default "dtmg";

        @AttributeDefinition(description = "How long a core end found at start waits for its device to renew before it is removed, seconds")
        int orphan_seconds() default 3600;

        @AttributeDefinition(description = "How often core ends are checked against their leases, seconds")
        int sweep_seconds() default 30;
    }

    private final ServiceRegistration<LeaseListener> registration;
    private final ScheduledExecutorService sweeper;

    @Activate
    public GatewayComponent(@Reference ConfigModule module, @Reference AddressPoolService pools,
                            @Reference TunnelServerService server, Config config, BundleContext context) {
        InetSocketAddress endpoint = server.tunnelEndpoint().orElseThrow(() -> new IllegalStateException(
                "the server node does not say its tunnel endpoint: no core ends can be built"));
        int mtu = server.tunnelMtu() > 0 ? server.tunnelMtu() : 1400;
        GatewayIntents intents = new GatewayIntents(config.interface_prefix().trim(), endpoint, mtu);
        DeviceTarget target = DeviceTargets.from(PID, config.vendor(), config.model(), config.os_version(), config.host(),
                config.port(), config.username(), config.secret_file(), config.options(),
                Path.of(System.getProperty("karaf.etc", "etc")));
        module.reconcileOnce();
        CoreEnds ends = new CoreEnds(intents, module.manager(), target, pools::pool, pools::lease, Clock.systemUTC(),
                Duration.ofSeconds(Math.max(1, config.orphan_seconds())));
        int every = Math.max(1, config.sweep_seconds());
        // registered first: if that fails, no sweep thread is left behind
        this.registration = context.registerService(LeaseListener.class, ends, new Hashtable<>());
        this.sweeper = Periodic.every(every, "dtm-gateway-sweep", () -> {
            int n = ends.sweep();
            if (n > 0) {
                LOG.info("gateway sweep removed {} core ends", n);
            }
        }, e -> LOG.warn("gateway sweep failed, retried in {} s: {}", every, e.toString()));
        LOG.info("tunnel gateway active: node={} endpoint={} vendor={} interfaces {}*", server.nodeId(), endpoint,
                target.vendor(), intents.prefix());
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException gone) {
            // unregistered with the bundle
        }
        sweeper.shutdownNow();
        LOG.info("tunnel gateway stopped: core ends stay as they are (reconciled at the next start)");
    }
}
