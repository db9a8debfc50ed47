package net.dtm.link.cellular;

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

import net.dtm.link.iface.InterfaceLinkSettings;
import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkServiceProperties;

/**
 * One cellular link (LTE or 5G modem) per factory configuration {@code net.dtm.link.cellular}
 * (e.g. {@code etc/net.dtm.link.cellular-lte.cfg}): checks the configuration and has Declarative
 * Services publish the link ({@link CellularLinkService}) with the configuration's properties plus
 * {@code dtm.link.id} and {@code dtm.link.kind}, which DS cannot derive from a configuration itself.
 */
@Component(configurationPid = CellularLinkComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = CellularLinkComponent.Config.class, factory = true)
public class CellularLinkComponent {

    /** Factory configuration PID. */
    public static final String PID = "net.dtm.link.cellular";

    /** Configuration of one cellular link. */
    @ObjectClassDefinition(name = "DTM cellular link", description = "A UDP socket on a cellular modem's interface, following its state and address.")
    public @interface Config {
        @AttributeDefinition(name = "Link id", description = "Unique on the device, e.g. lte")
        String link_id();

        @AttributeDefinition(name = "Kind", description = "5g or lte")
        String kind() default "lte";

        @AttributeDefinition(name = "Interface", description = "The modem's network interface, e.g. wwan0")
        String interface$() default "wwan0";

        @AttributeDefinition(name = "Port", description = "Local UDP port; 0 = ephemeral")
        int port() default 0;

        @AttributeDefinition(name = "MTU", description = "Largest datagram the link accepts")
        int mtu() default 1400;

        @AttributeDefinition(name = "Poll (ms)", description = "How often the interface's state and address are read")
        long poll_ms() default 500;
    }

    private final ComponentInstance<CellularLinkService> link;

    @Activate
    public CellularLinkComponent(Config config, Map<String, Object> properties,
            @Reference(name = "links", target = "(component.factory=" + CellularLinkService.FACTORY + ")")
            ComponentFactory<CellularLinkService> links) {
        InterfaceLinkSettings settings = settings(config);
        this.link = links.newInstance(LinkServiceProperties.of(properties, settings.id(), settings.kind().label()));
    }

    /** Turns the configuration into settings; fails clearly on a missing id or a kind that is not cellular. */
    static InterfaceLinkSettings settings(Config config) {
        String id = config.link_id() == null ? "" : config.link_id().trim();
        if (id.isEmpty()) {
            throw new IllegalArgumentException("configuration " + PID + " needs link.id");
        }
        LinkKind kind = LinkKind.parse(config.kind());
        if (kind != LinkKind.FIVE_G && kind != LinkKind.LTE) {
            throw new IllegalArgumentException("configuration " + PID + " link.id=" + id + ": kind must be 5g or lte, got "
                    + config.kind());
        }
        String iface = config.interface$() == null ? "" : config.interface$().trim();
        return new InterfaceLinkSettings(id, kind, iface, config.port(), config.mtu(), config.poll_ms(), false);
    }

    /** Withdraws the service and closes the link. */
    @Deactivate
    void deactivate() {
        link.dispose();
    }
}
