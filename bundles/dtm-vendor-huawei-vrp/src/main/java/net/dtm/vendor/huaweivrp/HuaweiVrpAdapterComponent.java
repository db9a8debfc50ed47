package net.dtm.vendor.huaweivrp;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import net.dtm.spi.config.VendorAdapter;
import net.dtm.spi.config.ssh.SshConnector;

/**
 * Publishes the {@link HuaweiVrpAdapter} as a {@link VendorAdapter} service with
 * {@code dtm.vendor=huawei-vrp} and no model or OS version restriction (the adapter speaks VRP 8's
 * two-stage commit, and refuses a device that is not in that mode when it opens a session). It
 * needs the {@link SshConnector} service: without it there is no adapter. Optional configuration
 * {@value #PID}: {@code tunnel.base} (default 4000), shared by every VRP router. The registration
 * is done by hand so that the service object is the plain adapter.
 */
@Component(service = {}, immediate = true, configurationPid = HuaweiVrpAdapterComponent.PID)
@Designate(ocd = HuaweiVrpAdapterComponent.Config.class)
public class HuaweiVrpAdapterComponent {

    /** Configuration PID. */
    public static final String PID = "net.dtm.vendor.huaweivrp";

    /** Configuration of the adapter. */
    @ObjectClassDefinition(name = "DTM Huawei VRP adapter", description = "How DTM numbers the VRP tunnel interfaces it owns.")
    public @interface Config {
        @AttributeDefinition(name = "Tunnel base", min = "0", max = "65535",
                description = "Tunnel number of the intent name ending in 0: dtm7 is Tunnel0/0/<base+7>")
        long tunnel_base() default TunnelNumbers.DEFAULT_BASE;
    }

    private final ServiceRegistration<VendorAdapter> registration;

    /** Registers the adapter over {@code connector}, numbering tunnels from the configured base. */
    @Activate
    public HuaweiVrpAdapterComponent(BundleContext context, @Reference(name = "connector") SshConnector connector, Config config) {
        this(context, new HuaweiVrpAdapter(connector, config.tunnel_base()));
    }

    HuaweiVrpAdapterComponent(BundleContext context, HuaweiVrpAdapter adapter) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(VendorAdapter.PROP_VENDOR, adapter.vendor());
        this.registration = context.registerService(VendorAdapter.class, adapter, props);
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregisters it when the bundle stops first
        }
    }
}
