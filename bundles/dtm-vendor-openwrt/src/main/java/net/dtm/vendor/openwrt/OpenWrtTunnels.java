package net.dtm.vendor.openwrt;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.TunnelInterfaceBehaviour;

/**
 * The tunnel interface as netifd's {@code vxlan} (IPv4 outer) or {@code vxlan6} (IPv6 outer) proto
 * of package vxlan: options {@code ipaddr}/{@code peeraddr} (or {@code ip6addr}/{@code peer6addr}),
 * {@code port} and {@code vid}; netifd names the device after the section. A {@code static}
 * interface {@code <name>_inner} on that device carries the inner address. Only VXLAN is offered:
 * netifd's gre and ipip protos name their devices {@code gre4-<name>} and {@code ipip-<name>}, and
 * WireGuard needs peer sections this adapter does not write yet.
 */
final class OpenWrtTunnels implements TunnelInterfaceBehaviour {

    @Override
    public Set<TunnelType> types() {
        return Set.of(TunnelType.VXLAN);
    }

    @Override
    public List<String> validate(TunnelIntent intent) {
        List<String> problems = new ArrayList<>(UciNames.problems(intent.name()));
        if (intent.type() != TunnelType.VXLAN) {
            problems.add("OpenWrt adapter builds vxlan tunnels only, not " + intent.type().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (intent.remoteOuter().isUnresolved() || intent.remoteOuter().getAddress() == null) {
            problems.add("remote outer endpoint " + intent.remoteOuter().getHostString() + " is not an IP address");
        } else if (v6(intent.localOuter()) != v6(intent.remoteOuter().getAddress())) {
            problems.add("local outer " + Cidr.format(intent.localOuter()) + " and remote outer "
                    + Cidr.format(intent.remoteOuter().getAddress()) + " are of different address families");
        }
        if (intent.remoteOuter().getPort() < 1 || intent.remoteOuter().getPort() > 65535) {
            problems.add("VXLAN destination port " + intent.remoteOuter().getPort() + " is outside 1..65535");
        }
        return problems;
    }

    @Override
    public List<String> create(TunnelIntent intent) {
        String s = UciNames.tunnel(intent.name());
        String inner = UciNames.inner(intent.name());
        List<String> out = new ArrayList<>();
        out.add(UciLine.section(s, "interface"));
        out.addAll(outer(intent));
        out.add(UciLine.section(inner, "interface"));
        out.add(UciLine.set(inner, "proto", "static"));
        out.add(UciLine.set(inner, "device", intent.name()));
        return out;
    }

    @Override
    public List<String> update(TunnelIntent wanted, TunnelIntent running) {
        String s = UciNames.tunnel(wanted.name());
        List<String> out = new ArrayList<>();
        if (v6(wanted.localOuter()) != v6(running.localOuter())) {
            out.add(UciLine.delete(s, localOption(running)));
            out.add(UciLine.delete(s, peerOption(running)));
            out.addAll(outer(wanted));
            return out;
        }
        if (!wanted.localOuter().equals(running.localOuter())) {
            out.add(UciLine.set(s, localOption(wanted), Cidr.format(wanted.localOuter())));
        }
        if (!wanted.remoteOuter().getAddress().equals(running.remoteOuter().getAddress())) {
            out.add(UciLine.set(s, peerOption(wanted), Cidr.format(wanted.remoteOuter().getAddress())));
        }
        if (wanted.remoteOuter().getPort() != running.remoteOuter().getPort()) {
            out.add(UciLine.set(s, "port", Integer.toString(wanted.remoteOuter().getPort())));
        }
        if (wanted.key() != running.key()) {
            out.add(UciLine.set(s, "vid", Long.toString(wanted.key())));
        }
        return out;
    }

    @Override
    public boolean recreates(TunnelIntent wanted, TunnelIntent running) {
        return false;
    }

    @Override
    public List<String> delete(String name) {
        // The route sections of the tunnel are added to the batch by the session, which reads them.
        return List.of(UciLine.delete(UciNames.inner(name)), UciLine.delete(UciNames.tunnel(name)));
    }

    private static List<String> outer(TunnelIntent intent) {
        String s = UciNames.tunnel(intent.name());
        return List.of(
                UciLine.set(s, "proto", v6(intent.localOuter()) ? "vxlan6" : "vxlan"),
                UciLine.set(s, localOption(intent), Cidr.format(intent.localOuter())),
                UciLine.set(s, peerOption(intent), Cidr.format(intent.remoteOuter().getAddress())),
                UciLine.set(s, "port", Integer.toString(intent.remoteOuter().getPort())),
                UciLine.set(s, "vid", Long.toString(intent.key())));
    }

    static String localOption(TunnelIntent i) {
        return v6(i.localOuter()) ? "ip6addr" : "ipaddr";
    }

    static String peerOption(TunnelIntent i) {
        return v6(i.localOuter()) ? "peer6addr" : "peeraddr";
    }

    static boolean v6(InetAddress a) {
        return a instanceof Inet6Address;
    }
}
