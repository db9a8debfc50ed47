package net.dtm.spi.link;

import java.util.Locale;

/** What kind of WAN a link is. */
public enum LinkKind {
    FIVE_G("5g"), LTE("lte"), SATELLITE("satellite"), ETHERNET("ethernet"), WIFI("wifi"), EMULATED("emulated");

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
}
