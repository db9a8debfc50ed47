package net.dtm.examples.link;

import java.io.IOException;
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

import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkKind;

/**
 * Publishes one {@link UdpLink} as a {@link LinkDriver} service with {@code dtm.link.id} and
 * {@code dtm.link.kind}: one per factory configuration {@code net.dtm.link.example} (e.g.
 * {@code etc/net.dtm.link.example-wan2.cfg}) and, while there is none, one with the defaults, so
 * that dropping the bundle into {@code deploy/} alone adds link {@code ex1}. Registered by hand so
 * the service object is the plain link and its properties are exactly the SPI's.
 */
@Component(configurationPid = ExampleLinkComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {})
@Designate(ocd = ExampleLinkComponent.Config.class, factory = true)
public class ExampleLinkComponent {

    /** Factory configuration PID. */
    public static final String PID = "net.dtm.link.example";

    /** Configuration of one example link. */
    @ObjectClassDefinition(name = "DTM example UDP link", description = "A plain UDP socket on a fixed local address.")
    public @interface Config {
        @AttributeDefinition(name = "Link id", description = "Unique on the device")
        String link_id() default "ex1";

        @AttributeDefinition(name = "Kind", description = "5g, lte, satellite, ethernet, wifi or emulated")
        String kind() default "ethernet";

        @AttributeDefinition(name = "Bind host", description = "Local address of the link's UDP socket")
        String bind_host() default "127.0.0.1";

        @AttributeDefinition(name = "Bind port", description = "Local UDP port; 0 = ephemeral")
        int bind_port() default 0;

        @AttributeDefinition(name = "MTU", description = "Largest datagram the link carries")
        int mtu() default 1400;
    }

    private final UdpLink link;
    private final ServiceRegistration<LinkDriver> registration;

    @Activate
    public ExampleLinkComponent(BundleContext context, Config config) throws IOException {
        this.link = new UdpLink(settings(config));
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(LinkDriver.PROP_LINK_ID, link.id());
        props.put(LinkDriver.PROP_LINK_KIND, link.kind().label());
        try {
            this.registration = context.registerService(LinkDriver.class, link, props);
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
    }

    /** Turns the configuration into settings; fails clearly on an empty id or an unknown kind. */
    static UdpLinkSettings settings(Config config) {
        String id = config.link_id() == null ? "" : config.link_id().trim();
        if (id.isEmpty()) {
            throw new IllegalArgumentException("configuration " + PID + " needs link.id");
        }
        return new UdpLinkSettings(id, LinkKind.parse(config.kind()), config.bind_host().trim(), config.bind_port(),
                config.mtu());
    }

    /** Withdraws the service first (the transport stops using the link), then closes the socket. */
    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregisters it when the bundle stops first
        }
        link.close();
    }
}
