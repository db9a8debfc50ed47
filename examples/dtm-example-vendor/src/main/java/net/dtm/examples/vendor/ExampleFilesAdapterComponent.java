package net.dtm.examples.vendor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.config.VendorAdapter;

/**
 * Publishes the {@link ExampleFilesAdapter} as a {@link VendorAdapter} service with
 * {@code dtm.vendor=example-files} and {@code dtm.vendor.models=EXR-*}; optional configuration
 * {@code etc/net.dtm.vendor.example.cfg} ({@code root}, {@code models}). Registered by hand so the
 * service object is the plain adapter.
 * <p>
 * Deactivation only withdraws the service: a transaction the core is running through the adapter
 * still holds the object and finishes with it (rolled back), so the adapter keeps working on the
 * files after its bundle stops.
 */
@Component(configurationPid = ExampleFilesAdapterComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {}, immediate = true)
@Designate(ocd = ExampleFilesAdapterComponent.Config.class)
public class ExampleFilesAdapterComponent {

    /** Configuration PID. */
    public static final String PID = "net.dtm.vendor.example";

    private static final Logger LOG = LoggerFactory.getLogger(ExampleFilesAdapterComponent.class);

    @ObjectClassDefinition(name = "DTM example adapter (EXR routers configured by files)")
    public @interface Config {
        @AttributeDefinition(description = "The EXR's configuration folder when the device target names none; ${karaf.data} is replaced")
        String root() default "${karaf.data}/example-router";

        @AttributeDefinition(description = "Model patterns served (* and ?), comma separated")
        String models() default ExampleFilesAdapter.MODELS;
    }

    private final ServiceRegistration<VendorAdapter> registration;

    @Activate
    public ExampleFilesAdapterComponent(BundleContext context, Config config) {
        Path root = Path.of(config.root().replace("${karaf.data}", System.getProperty("karaf.data", "data")));
        ExampleFilesAdapter adapter = new ExampleFilesAdapter(root);
        String[] models = Arrays.stream(config.models().split(",")).map(String::trim).filter(m -> !m.isEmpty())
                .toArray(String[]::new);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(VendorAdapter.PROP_VENDOR, adapter.vendor());
        props.put(VendorAdapter.PROP_MODELS, models);
        this.registration = context.registerService(VendorAdapter.class, adapter, props);
        LOG.info("vendor adapter {} for models {} published; default folder {}", adapter.vendor(), Arrays.toString(models),
                adapter.defaultRoot());
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
