package net.dtm.link.satellite;

import java.util.Hashtable;
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

import net.dtm.link.iface.InterfaceLinkSettings;
import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkServiceProperties;

/**
 * One satellite link per factory configuration {@code net.dtm.link.satellite} (e.g.
 * {@code etc/net.dtm.link.satellite-geo.cfg}): checks the configuration and has Declarative Services
 * publish the link ({@link SatelliteLinkService}) with the configuration's properties plus
 * {@code dtm.link.id}, {@code dtm.link.kind=satellite} and {@code dtm.link.usage} ({@code backup} or
 * {@code always}, from the configuration's {@code usage}), which DS cannot derive from a
 * configuration itself. The driver only states the policy; the multi-link transport applies it (a
 * metered backup link is used only while the other links are down or degraded). Its long round trip
 * needs nothing here: the transport measures every link's RTT.
 */
@Component(configurationPid = SatelliteLinkComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = SatelliteLinkComponent.Config.class, factory = true)
public class SatelliteLinkComponent {

    /** Factory configuration PID. */
    public static final String PID = "net.dtm.link.satellite";

    /** Configuration of one satellite link. */
    @ObjectClassDefinition(name = "DTM satellite link", description = "A UDP socket on a satellite terminal's interface, following its state and address.")
    public @interface Config {
        @AttributeDefinition(name = "Link id", description = "Unique on the device, e.g. sat")
        String link_id();

        @AttributeDefinition(name = "Interface", description = "The satellite terminal's network interface, e.g. sat0")
        String interface$() default "sat0";

        @AttributeDefinition(name = "Port", description = "Local UDP port; 0 = ephemeral")
        int port() default 0;

        @AttributeDefinition(name = "MTU", description = "Largest datagram the link accepts")
        int mtu() default 1400;

        @AttributeDefinition(name = "Poll (ms)", description = "How often the interface's state and address are read")
        long poll_ms() default 500;

        @AttributeDefinition(name = "Metered", description = "Traffic costs per byte")
        boolean metered() default true;

        @AttributeDefinition(name = "Usage", description = "backup: only while the other links are down or degraded; always: like any link")
        String usage() default LinkDriver.USAGE_BACKUP;
    }

    private final ComponentInstance<SatelliteLinkService> link;

    @Activate
    public SatelliteLinkComponent(Config config, Map<String, Object> properties,
            @Reference(name = "links", target = "(component.factory=" + SatelliteLinkService.FACTORY + ")")
            ComponentFactory<SatelliteLinkService> links) {
        this.link = links.newInstance(serviceProperties(properties, config));
    }

    /** The link service's properties: the configuration's (see {@link LinkServiceProperties}) and the usage. */
    static Hashtable<String, Object> serviceProperties(Map<String, ?> configuration, Config config) {
        InterfaceLinkSettings settings = settings(config);
        Hashtable<String, Object> props = LinkServiceProperties.of(configuration, settings.id(), settings.kind().label());
        props.put(LinkDriver.PROP_USAGE, usage(config));
        return props;
    }

    /** Turns the configuration into settings; fails clearly on a missing id or interface. */
    static InterfaceLinkSettings settings(Config config) {
        String id = config.link_id() == null ? "" : config.link_id().trim();
        if (id.isEmpty()) {
            throw new IllegalArgumentException("configuration " + PID + " needs link.id");
        }
        String iface = config.interface$() == null ? "" : config.interface$().trim();
        return new InterfaceLinkSettings(id, LinkKind.SATELLITE, iface, config.port(), config.mtu(), config.poll_ms(),
                config.metered());
    }

    /** The usage property: {@code backup} or {@code always}; anything else fails clearly. */
    static String usage(Config config) {
        String u = config.usage() == null ? "" : config.usage().trim().toLowerCase(Locale.ROOT);
        if (!u.equals(LinkDriver.USAGE_BACKUP) && !u.equals(LinkDriver.USAGE_ALWAYS)) {
            throw new IllegalArgumentException("configuration " + PID + " link.id=" + config.link_id()
                    + ": usage must be backup or always, got '" + config.usage() + "'");
        }
        return u;
    }

    /** Withdraws the service and closes the link. */
    @Deactivate
    void deactivate() {
        link.dispose();
    }
}
