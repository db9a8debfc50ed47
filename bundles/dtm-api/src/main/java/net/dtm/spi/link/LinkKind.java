package net.dtm.spi.link;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What kind of WAN a link is. The set is open: a driver for a medium this enum does not name
 * returns {@link #OTHER} from {@link LinkDriver#kind()} and its own label from
 * {@link LinkDriver#kindLabel()}, e.g. {@code starlink}.
 */
public enum LinkKind {
    FIVE_G("5g"), LTE("lte"), SATELLITE("satellite"), ETHERNET("ethernet"), WIFI("wifi"), EMULATED("emulated"),
    /** A kind this enum does not name; the driver's {@link LinkDriver#kindLabel()} says which. @since 1.1 */
    OTHER("other");

    private static final Pattern LABEL = Pattern.compile("[a-z0-9][a-z0-9._-]{0,15}");

    private final String label;

    LinkKind(String label) {
        this.label = label;
    }

    /** Lowercase label used in configuration and the shell, e.g. {@code 5g}. */
    public String label() {
        return label;
    }

    /** Parses a label or constant name, case-insensitively. */
    public static LinkKind parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (LinkKind k : values()) {
            if (k.label.equals(t) || k.name().toLowerCase(Locale.ROOT).equals(t)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown link kind '" + text + "', expected 5g, lte, satellite, ethernet, wifi or emulated");
    }

    /**
     * The constant a kind label stands for: the one with this {@link #label()}, {@link #OTHER} for any
     * other label. A driver's {@code kind()} is {@code forLabel(kindLabel())}.
     *
     * @since 1.1
     */
    public static LinkKind forLabel(String label) {
        for (LinkKind k : values()) {
            if (k.label.equals(label)) {
                return k;
            }
        }
        return OTHER;
    }

    /**
     * True if {@code label} is a well-formed kind label: 1 to 16 characters of {@code a-z 0-9 . _ -},
     * starting with a letter or digit (the control protocol carries at most 16).
     *
     * @since 1.1
     */
    public static boolean isValidLabel(String label) {
        return label != null && LABEL.matcher(label).matches();
    }
}
