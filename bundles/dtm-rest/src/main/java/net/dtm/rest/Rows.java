package net.dtm.rest;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceCredential;
import net.dtm.api.Lease;
import net.dtm.api.LinkInfo;
import net.dtm.api.NodeInfo;
import net.dtm.api.Pool;
import net.dtm.api.PoolStats;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelStatus;
import net.dtm.api.TunnelType;

/**
 * The JSON shape of each DTM object (keys in insertion order, the names of the shell's {@code -j}
 * output); instants as ISO-8601 text. A device's key never appears here.
 */
final class Rows {

    private Rows() {
    }

    static Map<String, Object> pool(Pool pool) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", pool.name());
        row.put("prefix", pool.prefix().toString());
        row.put("handsOut", pool.delegatesPrefixes() ? "/" + pool.delegatedLength() + " prefix" : "address");
        row.put("delegatedLength", pool.delegatedLength());
        row.put("gateway", Cidr.format(pool.gateway()));
        row.put("firstAssignable", pool.describe(pool.addressAt(pool.firstHostOffset())));
        row.put("lastAssignable", pool.describe(pool.addressAt(pool.endHostOffset() - 1)));
        row.put("leaseSeconds", pool.leaseSeconds());
        row.put("exclude", pool.excluded().stream().map(Object::toString).toList());
        row.put("devices", pool.devicePatterns());
        row.put("tunnelTypes", types(pool));
        row.put("specificity", pool.specificity());
        return row;
    }

    static List<String> types(Pool pool) {
        return pool.tunnelTypes().stream().map(TunnelType::name).map(n -> n.toLowerCase(Locale.ROOT)).sorted().toList();
    }

    static Map<String, Object> stats(PoolStats s) {
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
        row.put("utilisation", s.utilisation());
        row.put("exhaustedEpisodes", s.exhaustedEpisodes());
        row.put("exhaustedSince", s.exhaustedSince().map(Instant::toString).orElse(null));
        row.put("refusals", s.refusals());
        return row;
    }

    /** One lease; {@code pool} may be null if the pool is gone. */
    static Map<String, Object> lease(Lease lease, Pool pool, Instant now) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("pool", lease.pool());
        row.put("device", lease.device().value());
        row.put("address", Cidr.format(lease.address()));
        row.put("state", lease.state().name());
        row.put("sequence", lease.sequence());
        row.put("expires", lease.expiresAt().toString());
        row.put("expired", !lease.isActiveAt(now));
        row.put("node", lease.nodeId());
        row.put("reserved", lease.reserved());
        if (pool != null) {
            if (pool.delegatesPrefixes()) {
                row.put("delegatedPrefix", pool.describe(lease.address()));
            }
            row.put("innerAddress", Cidr.format(pool.innerAddress(lease.address())) + "/" + pool.innerPrefixLength());
            row.put("gateway", Cidr.format(pool.gateway()));
        }
        return row;
    }

    /** A device without its keys. */
    static Map<String, Object> device(DeviceCredential c) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", c.device().value());
        row.put("enrolledAt", c.enrolledAt().toString());
        row.put("disabled", c.disabled());
        row.put("selfEnrolled", c.routerKey() != null);
        row.put("previousKeyUntil", c.previousKeyUntil() == null ? null : c.previousKeyUntil().toString());
        row.put("reenrolUntil", c.reenrolUntil() == null ? null : c.reenrolUntil().toString());
        return row;
    }

    static Map<String, Object> node(NodeInfo n) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", n.id());
        row.put("site", n.site());
        row.put("state", n.state().name().toLowerCase(Locale.ROOT));
        row.put("leader", n.leader());
        row.put("leasesServed", n.leasesServed());
        row.put("lastSeen", n.lastSeen().toString());
        row.put("endpoints", n.endpoints().stream().map(Rows::endpoint).toList());
        return row;
    }

    private static String endpoint(InetSocketAddress a) {
        return (a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress()) + ":" + a.getPort();
    }

    static Map<String, Object> link(LinkInfo l) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", l.id());
        row.put("kind", l.kind());
        row.put("state", l.state());
        row.put("enabled", l.enabled());
        row.put("metered", l.metered());
        row.put("local", l.localAddress().orElse(null));
        row.put("public", l.publicAddress().orElse(null));
        row.put("rttMs", millis(l.srtt()));
        row.put("rtoMs", millis(l.rto()));
        row.put("lossPercent", l.lossEstimate() * 100);
        row.put("copies", l.copies());
        row.put("datagramsSent", l.datagramsSent());
        row.put("bytesSent", l.bytesSent());
        row.put("datagramsReceived", l.datagramsReceived());
        row.put("bytesReceived", l.bytesReceived());
        row.put("duplicates", l.duplicates());
        return row;
    }

    static Map<String, Object> tunnel(TunnelStatus s) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("device", s.device() == null ? null : s.device().value());
        row.put("state", s.state().name());
        row.put("address", s.parameters().map(TunnelParameters::innerAddress).map(Cidr::format).orElse(null));
        row.put("prefixLength", s.parameters().map(TunnelParameters::prefixLength).orElse(null));
        row.put("gateway", s.parameters().map(TunnelParameters::gateway).map(Cidr::format).orElse(null));
        row.put("type", s.parameters().map(p -> p.type().name().toLowerCase(Locale.ROOT)).orElse(null));
        row.put("mtu", s.parameters().map(TunnelParameters::mtu).orElse(null));
        row.put("serverNode", s.parameters().map(TunnelParameters::serverNodeId).orElse(null));
        row.put("server", s.server().orElse(null));
        row.put("establishedAt", s.establishedAt().map(Instant::toString).orElse(null));
        row.put("lastEstablishMs", s.lastEstablishMs());
        row.put("expires", s.expiresAt().map(Instant::toString).orElse(null));
        return row;
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1_000_000.0;
    }
}
