package net.dtm.examples.link;

import java.util.Locale;
import java.util.Map;

import org.osgi.service.component.ComponentFactory;
import org.osgi.service.component.ComponentInstance;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkServiceProperties;

/**
 * One example link per factory configuration {@code net.dtm.link.example} (e.g.
 * {@code etc/net.dtm.link.example-wan2.cfg}) and, while there is none, one with the defaults, so
 * that dropping the bundle into {@code deploy/} alone adds link {@code ex1}. Checks the
 * configuration and has Declarative Services publish the link ({@link ExampleLinkService}) through a
 * component factory: the service properties the SPI asks for ({@code dtm.link.id},
 * {@code dtm.link.kind}) are computed here, which DS cannot do from a configuration itself.
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

        @AttributeDefinition(name = "Kind", description = "5g, lte, satellite, ethernet, wifi, emulated or your own label (e.g. starlink)")
        String kind() default "ethernet";

        @AttributeDefinition(name = "Bind host", description = "Local address of the link's UDP socket")
        String bind_host() default "127.0.0.1";

        @AttributeDefinition(name = "Bind port", description = "Local UDP port; 0 = ephemeral")
        int bind_port() default 0;

        @AttributeDefinition(name = "MTU", description = "Largest datagram the link carries")
        int mtu() default 1400;
    }

    private final ComponentInstance<ExampleLinkService> link;

    @Activate
    public ExampleLinkComponent(Config config, Map<String, Object> properties,
            @Reference(name = "links", target = "(component.factory=" + ExampleLinkService.FACTORY + ")")
            ComponentFactory<ExampleLinkService> links) {
        UdpLinkSettings settings = settings(config);
        this.link = links.newInstance(LinkServiceProperties.of(properties, settings.id(), settings.kindLabel()));
    }

    /** Turns the configuration into settings; fails clearly on an empty id or a kind that is no label. */
    static UdpLinkSettings settings(Config config) {
        String id = config.link_id() == null ? "" : config.link_id().trim();
        if (id.isEmpty()) {
            throw new IllegalArgumentException("configuration " + PID + " needs link.id");
        }
        return new UdpLinkSettings(id, kindLabel(config.kind()), config.bind_host().trim(), config.bind_port(),
                config.mtu());
    }

    /** A kind the SPI names (by label or constant name, e.g. {@code FIVE_G}) as its label; any other text as given, lowercase. */
    static String kindLabel(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        try {
            return LinkKind.parse(t).label();
        } catch (IllegalArgumentException carriersOwn) {
            return t;
        }
    }

    /** Withdraws the service first (the transport stops using the link), then the link closes. */
    @Deactivate
    void deactivate() {
        link.dispose();
    }
}
