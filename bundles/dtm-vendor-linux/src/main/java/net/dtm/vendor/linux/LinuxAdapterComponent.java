package net.dtm.vendor.linux;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import net.dtm.spi.config.VendorAdapter;

/**
 * Publishes the {@link LinuxAdapter} as a {@link VendorAdapter} service with
 * {@code dtm.vendor=linux} and no model or OS version restriction. The registration is done by
 * hand so that the service object is the plain adapter.
 */
@Component(service = {}, immediate = true)
public class LinuxAdapterComponent {

    private final ServiceRegistration<VendorAdapter> registration;

    @Activate
    public LinuxAdapterComponent(BundleContext context) {
        this(context, new LinuxAdapter());
    }

    LinuxAdapterComponent(BundleContext context, LinuxAdapter adapter) {
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
