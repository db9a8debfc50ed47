package net.dtm.shell;

import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import net.dtm.api.Cidr;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.api.PoolStats;
import net.dtm.api.TunnelType;

/** Pools, their stats and leases as rows of the pool and lease commands (JSON keys in insertion order). */
final class PoolRows {

    private PoolRows() {
    }

    /** What a device gets: {@code address}, or {@code /64 prefix}. */
    static String handsOut(Pool pool) {
        return pool.delegatesPrefixes() ? "/" + pool.delegatedLength() + " prefix" : "address";
    }

    /** The selection rule in words, e.g. {@code devices bus-*; types vxlan} or {@code any device, any type}. */
    static String selection(Pool pool) {
        String devices = pool.devicePatterns().isEmpty() ? "any device" : "devices " + String.join(",", pool.devicePatterns());
        String types = pool.tunnelTypes().isEmpty() ? "any type" : "types " + String.join(",", types(pool));
        return devices + (pool.devicePatterns().isEmpty() ? ", " : "; ") + types;
    }

    static List<String> types(Pool pool) {
        return pool.tunnelTypes().stream().map(TunnelType::name).map(n -> n.toLowerCase(java.util.Locale.ROOT)).toList();
    }

    static List<String> ranges(Pool pool) {
        return pool.excluded().stream().map(Object::toString).toList();
    }

    /** One line of {@code pool:list}. */
    static Map<String, Object> listRow(Pool pool, PoolStats stats, boolean json) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", pool.name());
        row.put("prefix", pool.prefix().toString());
        row.put("leaseSeconds", pool.leaseSeconds());
        row.put("capacity", stats.capacity());
        row.put("used", stats.used());
        row.put("handsOut", handsOut(pool));
        row.put("utilisationPercent", json ? (Object) PoolCommand.percentValue(stats.utilisation())
                : PoolCommand.percent(stats.utilisation()));
        row.put("selection", selection(pool));
        if (json) {
            row.put("delegatedLength", pool.delegatedLength());
            row.put("devicePatterns", pool.devicePatterns());
            row.put("tunnelTypes", types(pool));
        }
        return row;
    }

    /** The full definition of a pool ({@code pool:show}). */
    static Map<String, Object> definition(Pool pool, boolean json) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", pool.name());
        row.put("prefix", pool.prefix().toString());
        row.put("handsOut", handsOut(pool));
        row.put("delegatedLength", pool.delegatedLength());
        row.put("gateway", Cidr.format(pool.gateway()));
        row.put("firstAssignable", pool.describe(pool.addressAt(pool.firstHostOffset())));
        row.put("lastAssignable", pool.describe(pool.addressAt(pool.endHostOffset() - 1)));
        row.put("leaseSeconds", pool.leaseSeconds());
        row.put("excludedRanges", json ? ranges(pool) : orNone(ranges(pool), "none"));
        row.put("devicePatterns", json ? pool.devicePatterns() : orNone(pool.devicePatterns(), "any device"));
        row.put("tunnelTypes", json ? types(pool) : orNone(types(pool), "any type"));
        row.put("selection", selection(pool));
        row.put("specificity", pool.specificity());
        return row;
    }

    /** A pool's occupancy ({@code pool:stats}, and the stats part of {@code pool:show}). */
    static Map<String, Object> stats(PoolStats s, boolean json) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("capacity", s.capacity());
        row.put("excluded", s.excluded());
        row.put("locked", s.locked());
        row.put("bound", s.bound());
        row.put("quarantined", s.quarantined());
        row.put("reclaimable", s.reclaimable());
        row.put("reserved", s.reserved());
        row.put("used", s.used());
        row.put("free", s.free());
        row.put("utilisationPercent", json ? (Object) PoolCommand.percentValue(s.utilisation()) : PoolCommand.percent(s.utilisation()));
        row.put("exhaustedEpisodes", s.exhaustedEpisodes());
        row.put("exhaustedSince", s.exhaustedSince().map(i -> json ? i.toString() : DtmCommand.time(i)).orElse(json ? null : ""));
        row.put("refusals", s.refusals());
        return row;
    }

    /** One lease; {@code pool} may be null if the pool is gone (the address is then shown as stored). */
    static Map<String, Object> lease(Lease lease, Pool pool, Instant now, boolean json) {
        boolean expired = !lease.isActiveAt(now);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("pool", lease.pool());
        row.put("device", lease.device().value());
        row.put("address", json || pool == null ? Cidr.format(lease.address()) : pool.describe(lease.address()));
        row.put("state", json || !expired || lease.state() == net.dtm.api.LeaseState.RELEASED ? lease.state().name()
                : lease.state().name() + " (expired)");
        row.put("sequence", lease.sequence());
        row.put("expires", json ? lease.expiresAt().toString() : time(lease.expiresAt()));
        row.put("node", lease.nodeId());
        row.put("reserved", json ? (Object) lease.reserved() : lease.reserved() ? "yes" : "no");
        row.put("expired", expired);
        if (json && pool != null && pool.delegatesPrefixes()) {
            row.put("delegatedPrefix", pool.describe(lease.address()));
        }
        return row;
    }

    /** What the device gets on its end of the tunnel for this lease (for {@code lease:show}). */
    static void tunnelEnd(Map<String, Object> row, Lease lease, Pool pool) {
        InetAddress inner = pool.innerAddress(lease.address());
        row.put("innerAddress", Cidr.format(inner) + "/" + pool.innerPrefixLength());
        row.put("gateway", Cidr.format(pool.gateway()));
    }

    private static String time(Instant i) {
        return DtmCommand.time(i);
    }

    private static String orNone(List<String> items, String none) {
        return items.isEmpty() ? none : items.stream().collect(Collectors.joining(", "));
    }
}
