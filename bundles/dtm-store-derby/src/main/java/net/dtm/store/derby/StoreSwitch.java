package net.dtm.store.derby;

import java.util.Locale;
import java.util.Map;

/**
 * The store/cluster mode switch: PID {@value #PID}, key {@value #KEY} = {@code derby} (the
 * default when the file or key is absent) or {@code zookeeper}. Every store component reads it;
 * only the selected one opens its store and registers its services.
 */
public final class StoreSwitch {

    /** The PID holding the mode. */
    public static final String PID = "net.dtm.store";
    /** The key naming the store. */
    public static final String KEY = "type";
    /** The allowed values. */
    public static final String ALLOWED = "derby, zookeeper";

    /** What a store component does with the configured type. */
    public enum Decision {
        /** This store is selected: open it and register its services. */
        ACTIVE,
        /** Another known store is selected: do nothing. */
        IDLE,
        /** The value is none of the allowed ones: neither store registers. */
        INVALID
    }

    private StoreSwitch() {
    }

    /** The configured type, trimmed and lower case; {@code derby} if absent or blank. */
    public static String type(Map<String, ?> properties) {
        Object v = properties == null ? null : properties.get(KEY);
        String s = v == null ? "" : String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        return s.isEmpty() ? "derby" : s;
    }

    /** What the store named {@code self} does with {@code properties}. */
    public static Decision decide(String self, Map<String, ?> properties) {
        String t = type(properties);
        if (t.equals(self)) {
            return Decision.ACTIVE;
        }
        return t.equals("derby") || t.equals("zookeeper") ? Decision.IDLE : Decision.INVALID;
    }
}
