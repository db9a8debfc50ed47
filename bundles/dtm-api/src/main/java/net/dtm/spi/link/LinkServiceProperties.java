package net.dtm.spi.link;

import java.util.Hashtable;
import java.util.Map;

/**
 * The service properties of a link driver made from a configuration (as a driver's configured
 * component hands them to the component that publishes the link): the configuration's own keys,
 * so the publishing component reads the same settings, without the framework's {@code service.*},
 * {@code component.*} and {@code felix.*} keys and without any {@code dtm.link.*} key (a stray
 * {@code dtm.link.usage} in a configuration must not make a link a backup link), plus
 * {@link LinkDriver#PROP_LINK_ID} and {@link LinkDriver#PROP_LINK_KIND}. A driver adds
 * {@link LinkDriver#PROP_USAGE} where it has one.
 *
 * @since 1.1
 */
public final class LinkServiceProperties {

    private LinkServiceProperties() {
    }

    /**
     * @param configuration the configuration's properties, as the configured component got them
     * @param id            the link id, non-blank
     * @param kindLabel     the kind label, {@linkplain LinkKind#isValidLabel valid}
     * @return a new, modifiable table
     * @throws IllegalArgumentException for a blank id or an invalid label
     */
    public static Hashtable<String, Object> of(Map<String, ?> configuration, String id, String kindLabel) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("link id must not be blank");
        }
        if (!LinkKind.isValidLabel(kindLabel)) {
            throw new IllegalArgumentException("link " + id + ": kind label '" + kindLabel + "' is not valid");
        }
        Hashtable<String, Object> props = new Hashtable<>();
        configuration.forEach((key, value) -> {
            if (!key.startsWith("service.") && !key.startsWith("component.") && !key.startsWith("felix.")
                    && !key.startsWith("dtm.link.")) {
                props.put(key, value);
            }
        });
        props.put(LinkDriver.PROP_LINK_ID, id);
        props.put(LinkDriver.PROP_LINK_KIND, kindLabel);
        return props;
    }
}
