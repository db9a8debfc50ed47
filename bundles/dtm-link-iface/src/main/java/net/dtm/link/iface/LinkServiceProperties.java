package net.dtm.link.iface;

import java.util.Hashtable;
import java.util.Map;

import net.dtm.spi.link.LinkDriver;

/**
 * The service properties of an interface-bound link created from a configuration: the
 * configuration's own keys (so that the component publishing the link reads the same settings) and
 * the SPI's {@code dtm.link.id} and {@code dtm.link.kind}; the framework's {@code service.*},
 * {@code component.*} and {@code felix.*} keys are left out.
 */
public final class LinkServiceProperties {

    private LinkServiceProperties() {
    }

    /** The properties for a link with these settings configured by {@code configuration}. */
    public static Hashtable<String, Object> of(Map<String, ?> configuration, InterfaceLinkSettings settings) {
        Hashtable<String, Object> props = new Hashtable<>();
        configuration.forEach((key, value) -> {
            if (!key.startsWith("service.") && !key.startsWith("component.") && !key.startsWith("felix.")) {
                props.put(key, value);
            }
        });
        props.put(LinkDriver.PROP_LINK_ID, settings.id());
        props.put(LinkDriver.PROP_LINK_KIND, settings.kind().label());
        return props;
    }
}
