package net.dtm.config;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.WireGuardKeys;

/**
 * The field-by-field difference between a parsed running state and a wanted intent (either may be
 * absent: no interface). Empty means in sync. Compared: type, outer endpoints (the remote port only
 * for VXLAN and WireGuard, which use it), key, inner address and prefix, MTU, routes (as a set), the
 * WireGuard peer key, listen port and persistent keepalive, and the peer's inner address when both
 * sides have routes (only routes reveal it). Never compared: the role (the device does not store
 * it) and the WireGuard private key file (it cannot be read back).
 */
public final class IntentDiff {

    /** The interface appears or disappears. */
    public static final String INTERFACE = "interface";
    /** Encapsulation. */
    public static final String TYPE = "type";
    /** Outer source address. */
    public static final String LOCAL_OUTER = "local outer";
    /** Outer peer endpoint. */
    public static final String REMOTE_OUTER = "remote outer";
    /** VNI or GRE key. */
    public static final String KEY = "key";
    /** Inner address and prefix length. */
    public static final String INNER = "inner";
    /** Inner MTU. */
    public static final String MTU = "mtu";
    /** One route, added or removed. */
    public static final String ROUTE = "route";
    /** The next hop of the routes. */
    public static final String PEER_INNER = "peer inner";
    /** WireGuard peer public key. */
    public static final String WG_PEER = "wireguard peer";
    /** WireGuard listen port. */
    public static final String WG_PORT = "wireguard listen port";
    /** WireGuard persistent keepalive. */
    public static final String KEEPALIVE = "keepalive";

    /** The fields that only {@code TunnelInterfaceBehaviour.update} can change. */
    static final Set<String> INTERFACE_FIELDS = Set.of(TYPE, LOCAL_OUTER, REMOTE_OUTER, KEY);

    private final List<FieldChange> changes;

    private IntentDiff(List<FieldChange> changes) {
        this.changes = List.copyOf(changes);
    }

    /** What must change to turn {@code running} into {@code wanted}. */
    public static IntentDiff between(Optional<TunnelIntent> running, Optional<TunnelIntent> wanted) {
        List<FieldChange> out = new ArrayList<>();
        if (running.isEmpty() && wanted.isEmpty()) {
            return new IntentDiff(out);
        }
        if (running.isEmpty()) {
            out.add(new FieldChange(INTERFACE, "absent", wanted.get().describe()));
            return new IntentDiff(out);
        }
        if (wanted.isEmpty()) {
            out.add(new FieldChange(INTERFACE, running.get().describe(), "absent"));
            return new IntentDiff(out);
        }
        TunnelIntent r = running.get();
        TunnelIntent w = wanted.get();
        compare(out, TYPE, lower(r.type()), lower(w.type()));
        compare(out, LOCAL_OUTER, Cidr.format(r.localOuter()), Cidr.format(w.localOuter()));
        compare(out, REMOTE_OUTER, endpoint(r.remoteOuter(), w.type()), endpoint(w.remoteOuter(), w.type()));
        compare(out, KEY, Long.toString(r.key()), Long.toString(w.key()));
        compare(out, INNER, Cidr.format(r.innerAddress()) + "/" + r.prefixLength(),
                Cidr.format(w.innerAddress()) + "/" + w.prefixLength());
        compare(out, MTU, Integer.toString(r.mtu()), Integer.toString(w.mtu()));
        if (!r.routes().isEmpty() && !w.routes().isEmpty()) {
            compare(out, PEER_INNER, Cidr.format(r.peerInner()), Cidr.format(w.peerInner()));
        }
        Set<Cidr> removed = new TreeSet<>(IntentDiff::byText);
        removed.addAll(r.routes());
        w.routes().forEach(removed::remove);
        Set<Cidr> added = new TreeSet<>(IntentDiff::byText);
        added.addAll(w.routes());
        r.routes().forEach(added::remove);
        removed.forEach(c -> out.add(new FieldChange(ROUTE, c.toString(), "")));
        added.forEach(c -> out.add(new FieldChange(ROUTE, "", c.toString())));
        if (w.type() == TunnelType.WIREGUARD || r.type() == TunnelType.WIREGUARD) {
            compare(out, WG_PEER, r.wireGuard().map(WireGuardKeys::peerPublicKey).orElse("none"),
                    w.wireGuard().map(WireGuardKeys::peerPublicKey).orElse("none"));
            compare(out, WG_PORT, r.wireGuard().map(k -> Integer.toString(k.listenPort())).orElse("none"),
                    w.wireGuard().map(k -> Integer.toString(k.listenPort())).orElse("none"));
            compare(out, KEEPALIVE, Integer.toString(r.persistentKeepaliveSeconds()),
                    Integer.toString(w.persistentKeepaliveSeconds()));
        }
        return new IntentDiff(out);
    }

    /** The changes, in field order, removed routes before added ones. */
    public List<FieldChange> changes() {
        return changes;
    }

    /** True when running and wanted agree. */
    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** True if {@code field} changes. */
    public boolean has(String field) {
        return changes.stream().anyMatch(c -> c.field().equals(field));
    }

    /** True if any field only {@code TunnelInterfaceBehaviour.update} can change differs. */
    public boolean touchesInterface() {
        return changes.stream().anyMatch(c -> INTERFACE_FIELDS.contains(c.field()));
    }

    /** The changes as operators read them, e.g. {@code mtu: 1500 -> 1400}. */
    public List<String> lines() {
        return changes.stream().map(FieldChange::toString).toList();
    }

    @Override
    public String toString() {
        return changes.isEmpty() ? "in sync" : String.join(", ", lines());
    }

    private static void compare(List<FieldChange> out, String field, String from, String to) {
        if (!from.equals(to)) {
            out.add(new FieldChange(field, from, to));
        }
    }

    private static String endpoint(InetSocketAddress a, TunnelType wantedType) {
        String host = IntentCodec.host(a);
        if (wantedType != TunnelType.VXLAN && wantedType != TunnelType.WIREGUARD) {
            return host;
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static String lower(TunnelType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }

    private static int byText(Cidr a, Cidr b) {
        return a.toString().compareTo(b.toString());
    }
}
