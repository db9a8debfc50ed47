package net.dtm.store.zookeeper;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import net.dtm.api.AddressRange;
import net.dtm.api.Cidr;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.EnrolmentKey;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;

/**
 * The text encoding of what DTM keeps in znodes: UTF-8 lines, the first naming the record kind and
 * its version ({@code pool 1}, {@code lease 2} (and {@code lease 1} read), {@code device 1} to {@code device 3},
 * {@code enrolment-key 1}, {@code node 1}), then one field
 * per line; {@code %} and line breaks inside a field are written {@code %25} and {@code %0A}. Lists
 * are comma-separated inside their field (none of their items can hold a comma). A record of an
 * unknown kind or version is refused with a message saying so, never guessed at.
 */
final class Codec {

    private Codec() {
    }

    /** A pool definition with its generation (which names its bindings' subtree). */
    record StoredPool(Pool pool, String generation) {
    }

    /** A node's registration record. */
    record NodeRecord(String id, String site, List<InetSocketAddress> endpoints, long leasesServed, Instant startedAt) {
        NodeRecord {
            endpoints = List.copyOf(endpoints);
        }

        NodeRecord withEndpoints(List<InetSocketAddress> e) {
            return new NodeRecord(id, site, e, leasesServed, startedAt);
        }

        NodeRecord withLeasesServed(long n) {
            return new NodeRecord(id, site, endpoints, n, startedAt);
        }
    }

    // ------------------------------------------------------------------ pool

    static byte[] pool(Pool p, String generation) {
        return join("pool 1", generation, p.name(), p.prefix().toString(), Integer.toString(p.leaseSeconds()),
                Integer.toString(p.delegatedLength()), list(p.excluded().stream().map(AddressRange::toString).toList()),
                list(p.devicePatterns()), list(p.tunnelTypes().stream().map(Enum::name).sorted().toList()));
    }

    static StoredPool pool(byte[] data) {
        String[] f = split(data, "pool 1", 9);
        List<AddressRange> excluded = new ArrayList<>();
        for (String r : items(f[6])) {
            excluded.add(AddressRange.parse(r));
        }
        Set<TunnelType> types = EnumSet.noneOf(TunnelType.class);
        for (String t : items(f[8])) {
            types.add(TunnelType.valueOf(t));
        }
        Pool p = new Pool(f[2], Cidr.parse(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]), excluded, items(f[7]), types);
        return new StoredPool(p, f[1]);
    }

    // ------------------------------------------------------------------ lease

    /** {@code lease 2}: version 1's fields, then the device's request mark and the instance. */
    static byte[] lease(Lease l) {
        return join("lease 2", l.pool(), l.device().value(), Cidr.format(l.address()), l.state().name(),
                Long.toString(l.sequence()), Long.toString(l.expiresAt().getEpochSecond()), Integer.toString(l.expiresAt().getNano()),
                l.nodeId(), l.reserved() ? "reserved" : "dynamic", Long.toString(l.deviceSequence()), Long.toString(l.instance()));
    }

    /** A {@code lease 2} record, or a {@code lease 1} one (written before the mark existed: mark and instance 0). */
    static Lease lease(byte[] data) {
        boolean v1 = data != null && new String(data, 0, Math.min(data.length, 8), StandardCharsets.UTF_8).equals("lease 1\n");
        String[] f = v1 ? split(data, "lease 1", 10) : split(data, "lease 2", 12);
        return new Lease(f[1], DeviceId.of(f[2]), Cidr.parseLiteral(f[3]), LeaseState.valueOf(f[4]), Long.parseLong(f[5]),
                Instant.ofEpochSecond(Long.parseLong(f[6]), Integer.parseInt(f[7])), f[8], f[9].equals("reserved"),
                v1 ? 0 : Long.parseLong(f[10]), v1 ? 0 : Long.parseLong(f[11]));
    }

    // ------------------------------------------------------------------ device

    /**
     * The lowest version that holds the record, so nodes of an older version still read every
     * device they can: {@code device 1} (id, key, enrolment) while the device is enabled with one
     * key; {@code device 2} adds the disabled flag and the previous key with the instant until
     * which it is accepted (empty fields when none); {@code device 3} adds the public key of the
     * router that enrolled itself and the instant until which re-enrolment is allowed (empty when none).
     */
    static byte[] device(DeviceCredential c) {
        String id = c.device().value();
        String key = HexFormat.of().formatHex(c.key());
        String sec = Long.toString(c.enrolledAt().getEpochSecond());
        String nano = Integer.toString(c.enrolledAt().getNano());
        boolean selfEnrolment = c.routerKey() != null || c.reenrolUntil() != null;
        if (!c.disabled() && c.previousKey() == null && !selfEnrolment) {
            return join("device 1", id, key, sec, nano);
        }
        Instant until = c.previousKeyUntil();
        String[] v2 = {id, key, sec, nano, c.disabled() ? "disabled" : "enabled", hexOrEmpty(c.previousKey()),
            secondsOrEmpty(until), nanosOrEmpty(until)};
        if (!selfEnrolment) {
            return join("device 2", v2);
        }
        String[] v3 = Arrays.copyOf(v2, v2.length + 3);
        v3[v2.length] = hexOrEmpty(c.routerKey());
        v3[v2.length + 1] = secondsOrEmpty(c.reenrolUntil());
        v3[v2.length + 2] = nanosOrEmpty(c.reenrolUntil());
        return join("device 3", v3);
    }

    /** A {@code device 3}, {@code device 2} or {@code device 1} record. */
    static DeviceCredential device(byte[] data) {
        String header = data == null ? "" : new String(data, 0, Math.min(data.length, 9), StandardCharsets.UTF_8);
        int version = header.equals("device 3\n") ? 3 : header.equals("device 2\n") ? 2 : 1;
        String[] f = split(data, "device " + version, version == 3 ? 12 : version == 2 ? 9 : 5);
        return new DeviceCredential(DeviceId.of(f[1]), HexFormat.of().parseHex(f[2]),
                Instant.ofEpochSecond(Long.parseLong(f[3]), Integer.parseInt(f[4])), version >= 2 && f[5].equals("disabled"),
                version >= 2 ? bytesOrNull(f[6]) : null, version >= 2 ? instantOrNull(f[7], f[8]) : null,
                version >= 3 ? bytesOrNull(f[9]) : null, version >= 3 ? instantOrNull(f[10], f[11]) : null);
    }

    // ------------------------------------------------------------------ enrolment key

    /**
     * {@code enrolment-key 1}: id, verifier (hex), reply key (hex), label, device pattern, pool (empty for the
     * default), max uses, uses, creation and expiry (seconds, nanoseconds each), revoked or active.
     */
    static byte[] enrolmentKey(EnrolmentKey k) {
        return join("enrolment-key 1", k.id(), HexFormat.of().formatHex(k.verifier()),
                HexFormat.of().formatHex(k.replyKey()), k.label(), k.devicePattern(), k.pool(),
                Integer.toString(k.maxUses()), Integer.toString(k.uses()), Long.toString(k.createdAt().getEpochSecond()),
                Integer.toString(k.createdAt().getNano()), Long.toString(k.expiresAt().getEpochSecond()),
                Integer.toString(k.expiresAt().getNano()), k.revoked() ? "revoked" : "active");
    }

    static EnrolmentKey enrolmentKey(byte[] data) {
        String[] f = split(data, "enrolment-key 1", 14);
        return new EnrolmentKey(f[1], HexFormat.of().parseHex(f[2]), HexFormat.of().parseHex(f[3]), f[4], f[5], f[6],
                Integer.parseInt(f[7]), Integer.parseInt(f[8]),
                Instant.ofEpochSecond(Long.parseLong(f[9]), Integer.parseInt(f[10])),
                Instant.ofEpochSecond(Long.parseLong(f[11]), Integer.parseInt(f[12])), f[13].equals("revoked"));
    }

    // ------------------------------------------------------------------ node

    static byte[] node(NodeRecord n) {
        List<String> eps = new ArrayList<>();
        for (InetSocketAddress e : n.endpoints()) {
            eps.add(endpoint(e));
        }
        return join("node 1", n.id(), n.site(), list(eps), Long.toString(n.leasesServed()),
                Long.toString(n.startedAt().toEpochMilli()));
    }

    static NodeRecord node(byte[] data) {
        String[] f = split(data, "node 1", 6);
        List<InetSocketAddress> eps = new ArrayList<>();
        for (String e : items(f[3])) {
            eps.add(endpoint(e));
        }
        return new NodeRecord(f[1], f[2], eps, Long.parseLong(f[4]), Instant.ofEpochMilli(Long.parseLong(f[5])));
    }

    /** {@code host:port}, IPv6 literals in brackets. */
    static String endpoint(InetSocketAddress e) {
        String host = e.getAddress() != null ? Cidr.format(e.getAddress()) : e.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + e.getPort();
    }

    static InetSocketAddress endpoint(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("endpoint '" + text + "' is not host:port");
        }
        String host = text.substring(0, colon);
        int port = Integer.parseInt(text.substring(colon + 1));
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.contains(":") || host.matches("[0-9.]+")) {
            return new InetSocketAddress(Cidr.parseLiteral(host), port); // a literal: no name lookup
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    // ------------------------------------------------------------------ plumbing

    private static String hexOrEmpty(byte[] bytes) {
        return bytes == null ? "" : HexFormat.of().formatHex(bytes);
    }

    private static byte[] bytesOrNull(String hex) {
        return hex.isEmpty() ? null : HexFormat.of().parseHex(hex);
    }

    private static String secondsOrEmpty(Instant t) {
        return t == null ? "" : Long.toString(t.getEpochSecond());
    }

    private static String nanosOrEmpty(Instant t) {
        return t == null ? "" : Integer.toString(t.getNano());
    }

    private static Instant instantOrNull(String seconds, String nanos) {
        return seconds.isEmpty() ? null : Instant.ofEpochSecond(Long.parseLong(seconds), Integer.parseInt(nanos));
    }

    private static String list(List<String> items) {
        for (String i : items) {
            if (i.contains(",")) {
                throw new IllegalArgumentException("list item '" + i + "' contains a comma");
            }
        }
        return String.join(",", items);
    }

    private static List<String> items(String field) {
        return field.isEmpty() ? List.of() : List.of(field.split(",", -1));
    }

    private static byte[] join(String header, String... fields) {
        StringBuilder b = new StringBuilder(header);
        for (String f : fields) {
            b.append('\n').append(f.replace("%", "%25").replace("\n", "%0A"));
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String[] split(byte[] data, String header, int count) {
        if (data == null) {
            throw new IllegalArgumentException("empty record where '" + header + "' was expected");
        }
        String[] lines = new String(data, StandardCharsets.UTF_8).split("\n", -1);
        if (!lines[0].equals(header)) {
            throw new IllegalArgumentException("record of kind/version '" + lines[0] + "' where '" + header
                    + "' was expected (written by a newer DTM?)");
        }
        if (lines.length != count) {
            throw new IllegalArgumentException("'" + header + "' record has " + (lines.length - 1) + " fields, expected "
                    + (count - 1));
        }
        for (int i = 1; i < lines.length; i++) {
            lines[i] = lines[i].replace("%0A", "\n").replace("%25", "%");
        }
        return lines;
    }
}
