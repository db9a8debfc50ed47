package net.dtm.spi.store;

import java.util.Locale;
import java.util.Map;

/**
 * The store selection: PID {@value #PID}, key {@value #KEY} names the one store that serves. Every
 * store implementation reads it and serves only when it names that store (registering its
 * services with {@link LeaseStore#PROP_STORE_TYPE} = its name); the default store also serves
 * when the key is blank or absent. No store needs to know the names of the others.
 */
public final class StoreSelection {

    /** The PID holding the selection. */
    public static final String PID = "net.dtm.store";
    /** The key naming the store. */
    public static final String KEY = "type";

    private StoreSelection() {
    }

    /** The configured store name, trimmed and lower case; empty if absent or blank (the default store). */
    public static String configuredType(Map<String, ?> properties) {
        Object v = properties == null ? null : properties.get(KEY);
        return v == null ? "" : String.valueOf(v).trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether the store named {@code self} serves with {@code properties} (the configuration of
     * {@value #PID}): the configured name is {@code self}, or none is configured and {@code self}
     * is the default store.
     */
    public static boolean selects(Map<String, ?> properties, String self, boolean isDefault) {
        String type = configuredType(properties);
        return type.isEmpty() ? isDefault : type.equals(self);
    }
}
