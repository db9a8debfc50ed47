package net.dtm.vendor.huaweivrp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.TunnelInterfaceBehaviour;

/**
 * The tunnel interface itself, in VRP system-view lines, one interface-view block each:
 * <pre>
 * interface Tunnel0/0/N      (N from the name: {@link TunnelNumbers})
 *  description dtm:NAME
 *  tunnel-protocol gre        (or ipv4-ipv4 for IPIP)
 *  source L
 *  destination R
 *  gre key plain K            (GRE with a key only)
 * quit
 * </pre>
 * The key is sent as {@code gre key plain K}: VRP 8 stores a key given without {@code plain} (or
 * with {@code cipher}) encrypted and shows it as {@code gre key cipher %^%#...%^%#}, which cannot be
 * read back; a plain key reads back as {@code gre key plain K}. A key that reads back as cipher text
 * is {@link TunnelConfig#UNREADABLE_KEY}, which no intent has, so the core's diff re-applies DTM's
 * key; that value is never rendered (a rollback to it leaves the key as it is).
 * GRE and IPIP only: VRP's VXLAN is built from an NVE interface and bridge domains, not a
 * point-to-point tunnel interface, and VRP has no WireGuard. The outer path is IPv4 (this adapter
 * does not render VRP's GRE over IPv6 yet, and {@link #validate} says so); GRE carries an IPv4 or
 * IPv6 inner address, IPIP ({@code ipv4-ipv4}) IPv4 only. VRP changes the protocol, endpoints and
 * key of a tunnel in place, so {@link #update} never re-creates it.
 */
final class VrpTunnelInterfaces implements TunnelInterfaceBehaviour {

    private static final long MAX_GRE_KEY = 0xFFFF_FFFFL;

    private final TunnelNumbers numbers;

    VrpTunnelInterfaces(TunnelNumbers numbers) {
        this.numbers = numbers;
    }

    @Override
    public Set<TunnelType> types() {
        return Collections.unmodifiableSet(EnumSet.of(TunnelType.GRE, TunnelType.IPIP));
    }

    @Override
    public List<String> validate(TunnelIntent intent) {
        List<String> problems = new ArrayList<>(numbers.problems(intent.name()));
        switch (intent.type()) {
            case VXLAN -> problems.add("huawei-vrp does not build VXLAN tunnels: VRP's VXLAN is an NVE interface with bridge "
                    + "domains, not a point-to-point tunnel interface; use gre or ipip");
            case WIREGUARD -> problems.add("huawei-vrp does not build WireGuard tunnels: VRP has no WireGuard; use gre or ipip");
            case GRE -> {
                if (intent.key() < 0 || intent.key() > MAX_GRE_KEY) {
                    problems.add("GRE key " + intent.key() + " is outside 0..4294967295");
                }
            }
            case IPIP -> {
                // nothing more: IPv4 in IPv4 is checked below
            }
        }
        InetAddress remote = intent.remoteOuter().getAddress();
        if (VrpSyntax.isIpv6(intent.localOuter()) || (remote != null && VrpSyntax.isIpv6(remote))) {
            problems.add("huawei-vrp builds tunnels over IPv4 only so far: outer endpoints " + Cidr.format(intent.localOuter())
                    + " -> " + intent.remoteOuter().getHostString() + " are IPv6");
        }
        if (intent.type() == TunnelType.IPIP && VrpSyntax.isIpv6(intent.innerAddress())) {
            problems.add("IPIP on VRP (tunnel-protocol ipv4-ipv4) carries IPv4 only; use gre for the IPv6 inner address "
                    + Cidr.format(intent.innerAddress()));
        }
        return problems;
    }

    @Override
    public List<String> create(TunnelIntent intent) {
        List<String> lines = new ArrayList<>();
        lines.add("interface " + numbers.interfaceOf(intent.name()));
        lines.add("description " + VrpSyntax.description(intent.name()));
        lines.addAll(endpoints(intent));
        if (intent.type() == TunnelType.GRE && settable(intent.key())) {
            lines.add(key(intent.key()));
        }
        lines.add("quit");
        return lines;
    }

    private static List<String> endpoints(TunnelIntent intent) {
        return List.of("tunnel-protocol " + protocol(intent.type()),
                "source " + VrpSyntax.address(intent.localOuter()),
                "destination " + VrpSyntax.address(intent.remoteOuter().getAddress()));
    }

    private static String protocol(TunnelType type) {
        return switch (type) {
            case GRE -> "gre";
            case IPIP -> "ipv4-ipv4";
            default -> throw new IllegalArgumentException("huawei-vrp does not build " + type + " tunnels");
        };
    }

    /** {@code gre key plain K}. */
    static String key(long key) {
        return "gre key plain " + key;
    }

    /** A key DTM can write: 1..4294967295 (0 is none, {@link TunnelConfig#UNREADABLE_KEY} is a key DTM cannot know). */
    private static boolean settable(long key) {
        return key > 0 && key <= MAX_GRE_KEY;
    }

    /**
     * In place: the key is taken off first when it goes away or the protocol changes (a key belongs
     * to GRE), then protocol, source and destination are set again, then the new key. A wanted key
     * DTM cannot know (a snapshot whose key was cipher text) leaves the running key as it is.
     */
    @Override
    public List<String> update(TunnelIntent wanted, TunnelIntent running) {
        List<String> lines = new ArrayList<>();
        lines.add("interface " + numbers.interfaceOf(wanted.name()));
        boolean keep = wanted.type() == TunnelType.GRE && running.type() == TunnelType.GRE
                && wanted.key() == TunnelConfig.UNREADABLE_KEY;
        boolean runningKey = running.type() == TunnelType.GRE && running.key() != 0;
        boolean wantedKey = wanted.type() == TunnelType.GRE && settable(wanted.key());
        if (!keep && runningKey && (!wantedKey || running.key() != wanted.key())) {
            lines.add("undo gre key");
        }
        lines.addAll(endpoints(wanted));
        if (wantedKey && (!runningKey || running.key() != wanted.key())) {
            lines.add(key(wanted.key()));
        }
        lines.add("quit");
        return lines;
    }

    @Override
    public boolean recreates(TunnelIntent wanted, TunnelIntent running) {
        return false;
    }

    /**
     * {@code undo interface}; the session first takes off the static routes through the interface,
     * which VRP keeps in the configuration after the interface is gone.
     */
    @Override
    public List<String> delete(String name) {
        return List.of("undo interface " + numbers.interfaceOf(name));
    }
}
