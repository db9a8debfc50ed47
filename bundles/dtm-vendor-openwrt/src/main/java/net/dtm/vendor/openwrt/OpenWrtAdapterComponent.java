package net.dtm.vendor.openwrt;

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
 * Publishes the {@link OpenWrtAdapter} over the DTM {@link SshConnector} service as a
 * {@link VendorAdapter} with {@code dtm.vendor=openwrt} and {@code dtm.vendor.os.versions}
 * 21., 22., 23., 24. The registration is done by hand so that the service object is the plain
 * adapter; it goes when the connector goes (static reference).
 */
@Component(service = {}, immediate = true)
public class OpenWrtAdapterComponent {

    private final ServiceRegistration<VendorAdapter> registration;

    /** Registers the adapter. */
    @Activate
    public OpenWrtAdapterComponent(BundleContext context, @Reference SshConnector connector) {
        this(context, new OpenWrtAdapter(connector));
    }

    OpenWrtAdapterComponent(BundleContext context, OpenWrtAdapter adapter) {
        this.registration = context.registerService(VendorAdapter.class, adapter, properties(adapter));
    }

    /** The service properties the adapter is published with. */
    static Dictionary<String, Object> properties(OpenWrtAdapter adapter) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(VendorAdapter.PROP_VENDOR, adapter.vendor());
        props.put(VendorAdapter.PROP_OS_VERSIONS, OpenWrtAdapter.OS_VERSIONS.clone());
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
