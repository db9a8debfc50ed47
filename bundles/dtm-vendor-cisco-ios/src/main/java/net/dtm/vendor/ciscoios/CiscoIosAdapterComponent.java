package net.dtm.vendor.ciscoios;

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
 * Publishes the {@link CiscoIosAdapter} as a {@link VendorAdapter} service with
 * {@code dtm.vendor=cisco-ios} and no model or OS version restriction (the commands used exist in
 * IOS 15 and IOS XE 16/17 alike), once DTM's {@link SshConnector} is there. Optional configuration
 * {@value #PID}: {@code tunnel.base}. The registration is done by hand so that the service object is
 * the plain adapter.
 */
@Component(service = {}, immediate = true, configurationPid = CiscoIosAdapterComponent.PID)
@Designate(ocd = CiscoIosAdapterComponent.Config.class)
public class CiscoIosAdapterComponent {

    /** Configuration PID. */
    public static final String PID = "net.dtm.vendor.ciscoios";

    /** Configuration of the adapter. */
    @ObjectClassDefinition(name = "DTM Cisco IOS adapter", description = "How DTM numbers the IOS tunnel interfaces it owns.")
    public @interface Config {
        @AttributeDefinition(name = "Tunnel base", description = "Tunnel number of the intent name ending in 0: dtm7 is Tunnel<base+7>")
        long tunnel_base() default TunnelNumbers.DEFAULT_BASE;
    }

    private final ServiceRegistration<VendorAdapter> registration;

    @Activate
    public CiscoIosAdapterComponent(BundleContext context, @Reference SshConnector connector, Config config) {
        this(context, new CiscoIosAdapter(connector, config.tunnel_base()));
    }

    CiscoIosAdapterComponent(BundleContext context, CiscoIosAdapter adapter) {
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
