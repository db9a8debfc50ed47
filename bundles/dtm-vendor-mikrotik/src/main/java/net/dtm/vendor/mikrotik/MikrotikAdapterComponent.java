package net.dtm.vendor.mikrotik;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import net.dtm.spi.config.VendorAdapter;
import net.dtm.spi.config.ssh.SshConnector;

/**
 * Publishes the {@link MikrotikAdapter} as a {@link VendorAdapter} service with
 * {@code dtm.vendor=mikrotik} and {@code dtm.vendor.os.versions=7.}, once DTM's
 * {@link SshConnector} is there. The registration is done by hand so that the service object is the
 * plain adapter.
 */
@Component(service = {}, immediate = true)
public class MikrotikAdapterComponent {

    private final ServiceRegistration<VendorAdapter> registration;

    /** Registers the adapter over {@code connector}. */
    @Activate
    public MikrotikAdapterComponent(BundleContext context, @Reference SshConnector connector) {
        this(context, new MikrotikAdapter(connector));
    }

    MikrotikAdapterComponent(BundleContext context, MikrotikAdapter adapter) {
        this.registration = context.registerService(VendorAdapter.class, adapter, properties(adapter));
    }

    static Dictionary<String, Object> properties(MikrotikAdapter adapter) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(VendorAdapter.PROP_VENDOR, adapter.vendor());
        props.put(VendorAdapter.PROP_OS_VERSIONS, MikrotikAdapter.OS_VERSIONS);
        return props;
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
