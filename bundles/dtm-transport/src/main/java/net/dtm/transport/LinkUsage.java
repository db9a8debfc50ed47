package net.dtm.transport;

import java.util.Locale;

import net.dtm.spi.link.LinkDriver;

/**
 * How the transport uses a link, from the link driver service's {@value #PROPERTY} property. A
 * backup link (typically metered satellite) carries requests only while no unmetered primary link is
 * up and reasonably clean; every other link is used for every request.
 */
public enum LinkUsage {
    /** Used for every request (the default). */
    ALWAYS(LinkDriver.USAGE_ALWAYS),
    /** Used only while no unmetered, non-backup link is up with a loss estimate below the backup threshold. */
    BACKUP(LinkDriver.USAGE_BACKUP);

    /** Service property of a link driver naming its usage: {@code always} (default) or {@code backup}. */
    public static final String PROPERTY = LinkDriver.PROP_USAGE;

    private final String label;

    LinkUsage(String label) {
        this.label = label;
    }

    /** Reads a service property value; absent or blank means {@link #ALWAYS}. */
    public static LinkUsage parse(Object value) {
        String t = value == null ? "" : value.toString().trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            return ALWAYS;
        }
        for (LinkUsage u : values()) {
            if (u.label.equals(t)) {
                return u;
            }
        }
        throw new IllegalArgumentException(PROPERTY + " '" + value + "' is neither always nor backup");
    }

    /** Lowercase label, as in configuration and the {@value #PROPERTY} service property. */
    public String label() {
        return label;
    }
}
