package net.dtm.pool;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.AddressPoolService;
import net.dtm.spi.store.LeaseStore;

/**
 * Wires a {@link PoolManager} to the {@link LeaseStore} service and publishes it as
 * {@link AddressPoolService} and {@link AddressPoolAdminService}. When the store service goes
 * away the component is deactivated (static reference) and comes back with the next store.
 */
@Component(service = {AddressPoolService.class, AddressPoolAdminService.class},
        configurationPid = PoolManagerComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = PoolManagerComponent.Config.class)
public final class PoolManagerComponent extends PoolManager {

    /** Configuration PID. */
    public static final String PID = "net.dtm.pool";

    private static final Logger LOG = LoggerFactory.getLogger(PoolManagerComponent.class);

    /** Configuration of the pool manager. */
    @ObjectClassDefinition(name = "DTM address pool manager", description = "Allocation, locking and renewal of tunnel addresses")
    public @interface Config {
        @AttributeDefinition(name = "Node id", description = "This server node's id, written into the leases it changes; empty means the host name")
        String node_id() default "";

        @AttributeDefinition(name = "Lock time (s)", description = "How long an offered, unconfirmed address stays locked to its device", min = "1")
        int lock_seconds() default 30;

        @AttributeDefinition(name = "Renewal write threshold",
                description = "A renewal writes to the store only when less than this fraction of the lease time remains (0..1)",
                min = "0", max = "1")
        double renew_write_threshold() default 0.5;
    }

    /** The component is the manager itself, so the services need no forwarding layer. */
    @Activate
    public PoolManagerComponent(@Reference(name = "store") LeaseStore store, Config config) {
        super(store, nodeId(config), Clock.systemUTC(), Duration.ofSeconds(config.lock_seconds()),
                config.renew_write_threshold());
        LOG.info("pool manager active: node={} lock={}s renew.write.threshold={}", nodeId(config), config.lock_seconds(),
                config.renew_write_threshold());
    }

    private static String nodeId(Config config) {
        return config.node_id() == null || config.node_id().isBlank() ? hostName() : config.node_id().trim();
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "localhost" : env;
        }
    }
}
