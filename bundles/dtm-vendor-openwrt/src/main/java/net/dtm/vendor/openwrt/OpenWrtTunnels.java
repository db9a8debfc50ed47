package net.dtm.vendor.openwrt;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.TunnelInterfaceBehaviour;

/**
 * The tunnel interface {@code network.<name>} as a netifd proto: {@code vxlan}/{@code vxlan6}
 * (package vxlan: {@code ipaddr}/{@code peeraddr} or {@code ip6addr}/{@code peer6addr},
 * {@code port}, {@code vid}; the device is named after the section), {@code gre}/{@code grev6}
 * (package gre: the same address options, {@code ikey}/{@code okey}; device {@code gre4-<name>} or
 * {@code gre6-<name>}) and {@code ipip} (package ipip, IPv4 outer only; device {@code ipip-<name>}).
 * A {@code static} interface {@code <name>_inner} on that device carries the inner address. Every
 * section is created with DTM's owner option ({@link UciNames#OWNER}). The tunnel section gets
 * {@code zone} {@value #ZONE}: netifd's protos hand that zone to the firewall and gre.sh and ipip.sh
 * would otherwise put the tunnel into {@code wan} (input and forward rejected, masquerading on).
 * DTM writes the zone at creation only and never reads it back, so an operator may move a tunnel to
 * another zone with {@code uci set network.<name>.zone=...} and DTM keeps it. GRE keys are at most
 * {@value #MAX_GRE_KEY}: gre.sh declares {@code ikey}/{@code okey} as int32.
 * WireGuard is not offered: it needs peer sections and key files this adapter does not write yet.
 */
final class OpenWrtTunnels implements TunnelInterfaceBehaviour {

    /** The firewall zone a tunnel is created in. */
    static final String ZONE = "lan";
    /** Largest GRE key netifd's gre proto takes (its ikey/okey are int32). */
    static final long MAX_GRE_KEY = Integer.MAX_VALUE;

    @Override
    public Set<TunnelType> types() {
        return Set.of(TunnelType.VXLAN, TunnelType.GRE, TunnelType.IPIP);
    }

    @Override
    public List<String> validate(TunnelIntent intent) {
        List<String> problems = new ArrayList<>(UciNames.problems(intent.name()));
        if (!types().contains(intent.type())) {
            problems.add("the OpenWrt adapter builds vxlan, gre and ipip tunnels, not " + lower(intent.type()));
            return problems;
        }
        boolean six = v6(intent.localOuter());
        if (intent.remoteOuter().isUnresolved() || intent.remoteOuter().getAddress() == null) {
            problems.add("remote outer endpoint " + intent.remoteOuter().getHostString() + " is not an IP address");
        } else if (six != v6(intent.remoteOuter().getAddress())) {
            problems.add("local outer " + Cidr.format(intent.localOuter()) + " and remote outer "
                    + Cidr.format(intent.remoteOuter().getAddress()) + " are of different address families");
        }
        if (intent.type() == TunnelType.IPIP && six) {
            problems.add("OpenWrt's ipip proto carries IPv4 outer addresses only; use gre or vxlan over IPv6");
        }
        if (intent.type() == TunnelType.GRE && intent.key() > MAX_GRE_KEY) {
            problems.add("GRE key " + intent.key() + " is above " + MAX_GRE_KEY + ", the largest OpenWrt's gre proto takes"
                    + " (netifd declares ikey and okey as 32-bit signed integers)");
        }
        if (intent.type() == TunnelType.VXLAN && (intent.remoteOuter().getPort() < 1 || intent.remoteOuter().getPort() > 65535)) {
            problems.add("VXLAN destination port " + intent.remoteOuter().getPort() + " is outside 1..65535");
        }
        String device = device(intent.name(), proto(intent));
        if (UciNames.problems(intent.name()).isEmpty() && device.length() > UciNames.MAX_NAME) {
            problems.add("interface name '" + intent.name() + "' is too long for a " + lower(intent.type())
                    + " tunnel on OpenWrt: netifd names its device " + device + ", over the 15-character limit");
        }
        return problems;
    }

    @Override
    public List<String> create(TunnelIntent intent) {
        String s = UciNames.tunnel(intent.name());
        String inner = UciNames.inner(intent.name());
        List<String> out = new ArrayList<>();
        out.add(UciLine.section(s, "interface"));
        out.add(UciLine.set(s, UciNames.OWNER, UciNames.OWNER_VALUE));
        out.addAll(outer(intent));
        out.add(UciLine.set(s, "zone", ZONE));
        out.add(UciLine.section(inner, "interface"));
        out.add(UciLine.set(inner, UciNames.OWNER, UciNames.OWNER_VALUE));
        out.add(UciLine.set(inner, "proto", "static"));
        out.add(UciLine.set(inner, "device", device(intent.name(), proto(intent))));
        return out;
    }

    @Override
    public List<String> update(TunnelIntent wanted, TunnelIntent running) {
        String s = UciNames.tunnel(wanted.name());
        List<String> out = new ArrayList<>();
        if (!proto(wanted).equals(proto(running))) {
            // another proto: drop the options of the old one (the session leaves out what is absent), write the new
            for (String option : List.of("ipaddr", "peeraddr", "ip6addr", "peer6addr", "port", "vid", "ikey", "okey")) {
                out.add(UciLine.delete(s, option));
            }
            out.addAll(outer(wanted));
            out.add(UciLine.set(UciNames.inner(wanted.name()), "device", device(wanted.name(), proto(wanted))));
            return out;
        }
        if (!wanted.localOuter().equals(running.localOuter())) {
            out.add(UciLine.set(s, localOption(wanted), Cidr.format(wanted.localOuter())));
        }
        if (!wanted.remoteOuter().getAddress().equals(running.remoteOuter().getAddress())) {
            out.add(UciLine.set(s, peerOption(wanted), Cidr.format(wanted.remoteOuter().getAddress())));
        }
        if (wanted.type() == TunnelType.VXLAN && wanted.remoteOuter().getPort() != running.remoteOuter().getPort()) {
            out.add(UciLine.set(s, "port", Integer.toString(wanted.remoteOuter().getPort())));
        }
        if (wanted.key() != running.key()) {
            out.addAll(key(wanted));
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

    /** netifd's proto for {@code intent}. */
    static String proto(TunnelIntent intent) {
        boolean six = v6(intent.localOuter());
        return switch (intent.type()) {
            case VXLAN -> six ? "vxlan6" : "vxlan";
            case GRE -> six ? "grev6" : "gre";
            case IPIP -> "ipip";
            case WIREGUARD -> "wireguard";
        };
    }

    /** The device netifd creates for tunnel section {@code name} of {@code proto}. */
    static String device(String name, String proto) {
        return switch (proto) {
            case "gre" -> "gre4-" + name;
            case "grev6" -> "gre6-" + name;
            case "ipip" -> "ipip-" + name;
            default -> name;
        };
    }

    private static List<String> outer(TunnelIntent intent) {
        String s = UciNames.tunnel(intent.name());
        List<String> out = new ArrayList<>();
        out.add(UciLine.set(s, "proto", proto(intent)));
        out.add(UciLine.set(s, localOption(intent), Cidr.format(intent.localOuter())));
        out.add(UciLine.set(s, peerOption(intent), Cidr.format(intent.remoteOuter().getAddress())));
        if (intent.type() == TunnelType.VXLAN) {
            out.add(UciLine.set(s, "port", Integer.toString(intent.remoteOuter().getPort())));
        }
        if (intent.type() != TunnelType.IPIP && (intent.type() == TunnelType.VXLAN || intent.key() != 0)) {
            out.addAll(key(intent));
        }
        return out;
    }

    private static List<String> key(TunnelIntent intent) {
        String s = UciNames.tunnel(intent.name());
        if (intent.type() == TunnelType.VXLAN) {
            return List.of(UciLine.set(s, "vid", Long.toString(intent.key())));
        }
        if (intent.key() == 0) {
            return List.of(UciLine.delete(s, "ikey"), UciLine.delete(s, "okey"));
        }
        return List.of(UciLine.set(s, "ikey", Long.toString(intent.key())), UciLine.set(s, "okey", Long.toString(intent.key())));
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

    private static String lower(TunnelType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }
}
