package net.dtm.vendor.huaweivrp;

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
 * Publishes the {@link HuaweiVrpAdapter} as a {@link VendorAdapter} service with
 * {@code dtm.vendor=huawei-vrp} and no model or OS version restriction (the adapter speaks VRP 8's
 * two-stage commit, and refuses a device that is not in that mode when it opens a session). It
 * needs the {@link SshConnector} service: without it there is no adapter. The registration is done
 * by hand so that the service object is the plain adapter.
 */
@Component(service = {}, immediate = true)
public class HuaweiVrpAdapterComponent {

    private final ServiceRegistration<VendorAdapter> registration;

    /** Registers the adapter over {@code connector}. */
    @Activate
    public HuaweiVrpAdapterComponent(BundleContext context, @Reference(name = "connector") SshConnector connector) {
        this(context, new HuaweiVrpAdapter(connector));
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
