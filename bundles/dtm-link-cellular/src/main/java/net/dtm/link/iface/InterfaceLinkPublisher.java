package net.dtm.link.iface;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import net.dtm.spi.link.LinkDriver;

/**
 * Creates an {@link InterfaceLink} and publishes it as a {@link LinkDriver} service with
 * {@code dtm.link.id}, {@code dtm.link.kind} and any extra properties; the DS components of the
 * cellular and satellite drivers only turn their configuration into settings and use this.
 * Registered by hand so the service object is the plain link and its properties are exactly these.
 */
public final class InterfaceLinkPublisher implements AutoCloseable {

    private final InterfaceLink link;
    private final ServiceRegistration<LinkDriver> registration;

    public InterfaceLinkPublisher(BundleContext context, InterfaceLinkSettings settings, Map<String, Object> extraProperties) {
        this.link = new InterfaceLink(settings);
        try {
            this.registration = context.registerService(LinkDriver.class, link, properties(settings, extraProperties));
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
    }

    /** The service properties of a link with these settings. */
    public static Dictionary<String, Object> properties(InterfaceLinkSettings settings, Map<String, Object> extra) {
        Hashtable<String, Object> props = new Hashtable<>(extra);
        props.put(LinkDriver.PROP_LINK_ID, settings.id());
        props.put(LinkDriver.PROP_LINK_KIND, settings.kind().label());
        return props;
    }

    /** The published link. */
    public InterfaceLink link() {
        return link;
    }

    /** Withdraws the service, then closes the link. */
    @Override
    public void close() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregisters it when the bundle stops first
        }
        link.close();
    }
}
