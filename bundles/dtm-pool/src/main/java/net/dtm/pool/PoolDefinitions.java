package net.dtm.pool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.AddressRange;
import net.dtm.api.Cidr;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;

/**
 * Pools defined in configuration, one factory configuration per pool, e.g.
 * {@code etc/net.dtm.pool.define-fleet.cfg}:
 * <pre>
 * name = fleet
 * prefix = 10.80.0.0/16
 * lease.seconds = 3600
 * exclude = 10.80.0.0/24, 10.80.255.200-10.80.255.254
 * devices = bus-*, tram-*
 * tunnel.types = vxlan
 * delegated.length = 64        (IPv6 prefix delegation only)
 * </pre>
 * List values may be comma-separated text or arrays. Parsing and applying are plain functions so
 * they are tested without a container.
 */
public final class PoolDefinitions {

    /** The factory PID of pool definitions. */
    public static final String FACTORY_PID = "net.dtm.pool.define";

    /** Lease time when none is given. */
    public static final int DEFAULT_LEASE_SECONDS = 3600;

    private PoolDefinitions() {
    }

    /**
     * Reads a pool from configuration properties.
     *
     * @throws IllegalArgumentException naming the property that is missing or malformed
     */
    public static Pool parse(Map<String, ?> props) {
        String name = text(props, "name").orElseThrow(() -> new IllegalArgumentException("property 'name' is missing"));
        Cidr prefix = Cidr.parse(text(props, "prefix").orElseThrow(
                () -> new IllegalArgumentException("pool " + name + ": property 'prefix' is missing")));
        int lease = integer(props, name, "lease.seconds").orElse(DEFAULT_LEASE_SECONDS);
        int delegated = integer(props, name, "delegated.length").orElse(prefix.addressBits());
        List<AddressRange> excluded = new ArrayList<>();
        for (String r : list(props, "exclude")) {
            try {
                excluded.add(AddressRange.parse(r));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pool " + name + ": excluded range '" + r + "': " + e.getMessage(), e);
            }
        }
        Set<TunnelType> types = EnumSet.noneOf(TunnelType.class);
        for (String t : list(props, "tunnel.types")) {
            types.add(TunnelType.parse(t));
        }
        return new Pool(name, prefix, lease, delegated, excluded, list(props, "devices"), types);
    }

    /** What {@link #apply} did. */
    public enum Outcome { CREATED, UPDATED, UNCHANGED }

    /**
     * Creates the pool, or updates it if one of that name exists with the same prefix.
     *
     * @throws IllegalArgumentException if it overlaps another pool or would change an existing
     *                                  pool's prefix (nothing changes then)
     */
    public static Outcome apply(AddressPoolAdminService admin, Pool pool) {
        Optional<Pool> existing = admin.pool(pool.name());
        if (existing.isEmpty()) {
            admin.createPool(pool);
            return Outcome.CREATED;
        }
        if (existing.get().equals(pool)) {
            return Outcome.UNCHANGED;
        }
        admin.updatePool(pool);
        return Outcome.UPDATED;
    }

    private static Optional<String> text(Map<String, ?> props, String key) {
        Object v = props.get(key);
        if (v == null || v.toString().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(v.toString().trim());
    }

    private static Optional<Integer> integer(Map<String, ?> props, String pool, String key) {
        Object v = props.get(key);
        if (v == null || v.toString().isBlank()) {
            return Optional.empty();
        }
        if (v instanceof Number n) {
            return Optional.of(n.intValue());
        }
        try {
            return Optional.of(Integer.parseInt(v.toString().trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("pool " + pool + ": property '" + key + "' must be a whole number, got '" + v + "'");
        }
    }

    private static List<String> list(Map<String, ?> props, String key) {
        Object v = props.get(key);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        Iterable<?> items = v instanceof String[] a ? Arrays.asList(a)
                : v instanceof Iterable<?> i ? i : List.of(v.toString().split(","));
        for (Object item : items) {
            for (String part : item.toString().split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }
}
