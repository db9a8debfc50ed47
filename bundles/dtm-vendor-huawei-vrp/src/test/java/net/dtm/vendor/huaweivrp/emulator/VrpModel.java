package net.dtm.vendor.huaweivrp.emulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The configuration of the emulated VRP device: sysname, interfaces and IPv4 static routes, as
 * data (not text). The running configuration and every session's candidate are instances; the
 * display commands render it the way VRP prints it (default values left out).
 */
public final class VrpModel {

    /** VRP's MTU of a tunnel interface without an {@code mtu} line. */
    static final int DEFAULT_MTU = 1500;

    /** One interface. */
    static final class Iface {
        final String name;
        String description = "";
        String protocol = "none";
        String source = "";
        String destination = "";
        /** GRE key; meaningful only when {@link #keyed}. */
        long greKey;
        boolean keyed;
        /** True when entered as {@code gre key plain K}: stored and shown in clear; else stored as cipher text. */
        boolean keyPlain;
        /** The cipher text VRP shows for a key not entered as plain (salted: the same key gives another text each time). */
        String keyCipher = "";
        String address = "";
        /** {@code dhcp-alloc} or {@code ppp-negotiate} when the address is dynamic; {@link #leased} is what it got. */
        String dynamic = "";
        String leased = "";
        /** Secondary addresses as {@code A MASK}: shown as {@code ip address A MASK sub}, not in the interface brief. */
        final List<String> subs = new ArrayList<>();
        String mask = "";
        int mtu = DEFAULT_MTU;
        boolean shutdown;
        boolean ipv6;
        /** IPv6 address and length as VRP prints it, e.g. {@code FD00::1/64}; empty if none. */
        String ipv6Address = "";

        Iface(String name) {
            this.name = name;
        }

        Iface copy() {
            Iface c = new Iface(name);
            c.description = description;
            c.protocol = protocol;
            c.source = source;
            c.destination = destination;
            c.greKey = greKey;
            c.keyed = keyed;
            c.keyPlain = keyPlain;
            c.keyCipher = keyCipher;
            c.dynamic = dynamic;
            c.leased = leased;
            c.subs.addAll(subs);
            c.address = address;
            c.mask = mask;
            c.mtu = mtu;
            c.shutdown = shutdown;
            c.ipv6 = ipv6;
            c.ipv6Address = ipv6Address;
            return c;
        }

        boolean tunnel() {
            return name.startsWith("Tunnel");
        }

        List<String> lines() {
            List<String> l = new ArrayList<>();
            if (!description.isEmpty()) {
                l.add("description " + description);
            }
            if (shutdown) {
                l.add("shutdown");
            } else if (!tunnel()) {
                l.add("undo shutdown");
            }
            if (tunnel() && mtu != DEFAULT_MTU) {
                l.add("mtu " + mtu);
            }
            if (!address.isEmpty()) {
                l.add("ip address " + address + " " + mask);
            }
            for (String sub : subs) {
                l.add("ip address " + sub + " sub");
            }
            if (!dynamic.isEmpty()) {
                l.add("ip address " + dynamic);
            }
            if (ipv6) {
                l.add("ipv6 enable");
            }
            if (!ipv6Address.isEmpty()) {
                l.add("ipv6 address " + ipv6Address);
            }
            if (tunnel() && !protocol.equals("none")) {
                l.add("tunnel-protocol " + protocol);
            }
            if (!source.isEmpty()) {
                l.add("source " + source);
            }
            if (!destination.isEmpty()) {
                l.add("destination " + destination);
            }
            if (keyed) {
                l.add(keyPlain ? "gre key plain " + greKey : "gre key cipher " + keyCipher);
            }
            return l;
        }
    }

    /**
     * One static route; {@code iface} and {@code nextHop} may be empty, not both. IPv6 routes carry
     * a length in {@code mask} and are printed in capitals, as VRP does.
     */
    record Route(String prefix, String mask, String iface, String nextHop) {
        boolean ipv6() {
            return prefix.contains(":");
        }

        String line() {
            return (ipv6() ? "ipv6" : "ip") + " route-static " + prefix + " " + mask + (iface.isEmpty() ? "" : " " + iface)
                    + (nextHop.isEmpty() ? "" : " " + nextHop);
        }
    }

    static final Comparator<String> INTERFACE_ORDER = Comparator.comparing((String n) -> n.replaceAll("[0-9/].*$", ""))
            .thenComparing(VrpModel::numbers, (a, b) -> {
                for (int i = 0; i < Math.min(a.length, b.length); i++) {
                    int c = Integer.compare(a[i], b[i]);
                    if (c != 0) {
                        return c;
                    }
                }
                return Integer.compare(a.length, b.length);
            });

    String sysname = "HUAWEI";
    final Map<String, Iface> interfaces = new TreeMap<>(INTERFACE_ORDER);
    final TreeSet<Route> routes = new TreeSet<>(Comparator.comparing(Route::line));

    /** A deep copy. */
    VrpModel copy() {
        VrpModel c = new VrpModel();
        c.sysname = sysname;
        interfaces.forEach((k, v) -> c.interfaces.put(k, v.copy()));
        c.routes.addAll(routes);
        return c;
    }

    /** The configuration as sections: header line → indented body lines, in display order. */
    Map<String, List<String>> sections() {
        Map<String, List<String>> s = new LinkedHashMap<>();
        s.put("sysname " + sysname, List.of());
        for (Iface i : interfaces.values()) {
            s.put("interface " + i.name, i.lines());
        }
        for (Route r : routes) {
            s.put(r.line(), List.of());
        }
        return s;
    }

    /** {@code display current-configuration}. */
    String render() {
        StringBuilder b = new StringBuilder("!Software Version V800R021C10SPC100 (emulated)\n");
        String previousKind = "";
        for (Map.Entry<String, List<String>> e : sections().entrySet()) {
            String kind = e.getKey().startsWith("ip route-static") ? "route" : e.getKey();
            if (!kind.equals("route") || !previousKind.equals("route")) {
                b.append("#\n");
            }
            previousKind = kind;
            b.append(e.getKey()).append('\n');
            e.getValue().forEach(l -> b.append(' ').append(l).append('\n'));
        }
        return b.append("#\nreturn").toString();
    }

    /** {@code display current-configuration interface ...} for the interfaces whose names {@code matches}. */
    String renderInterfaces(java.util.function.Predicate<String> matches) {
        StringBuilder b = new StringBuilder();
        for (Iface i : interfaces.values()) {
            if (matches.test(i.name)) {
                b.append("#\ninterface ").append(i.name).append('\n');
                i.lines().forEach(l -> b.append(' ').append(l).append('\n'));
            }
        }
        return b.append("#\nreturn").toString();
    }

    /** What {@code display configuration candidate changes} prints for the change from {@code running} to this. */
    String changesFrom(VrpModel running) {
        Map<String, List<String>> before = running.sections();
        Map<String, List<String>> after = sections();
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, List<String>> e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                b.append("#\n-").append(e.getKey()).append('\n');
                e.getValue().forEach(l -> b.append("- ").append(l).append('\n'));
            }
        }
        for (Map.Entry<String, List<String>> e : after.entrySet()) {
            List<String> old = before.get(e.getKey());
            if (old == null) {
                b.append("#\n+").append(e.getKey()).append('\n');
                e.getValue().forEach(l -> b.append("+ ").append(l).append('\n'));
            } else if (!old.equals(e.getValue())) {
                b.append("#\n").append(e.getKey()).append('\n');
                old.stream().filter(l -> !e.getValue().contains(l)).forEach(l -> b.append("- ").append(l).append('\n'));
                e.getValue().stream().filter(l -> !old.contains(l)).forEach(l -> b.append("+ ").append(l).append('\n'));
            }
        }
        return b.length() == 0 ? "" : "Building configuration\n" + b.append("#");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VrpModel m && m.render().equals(render());
    }

    @Override
    public int hashCode() {
        return Objects.hash(render());
    }

    private static int[] numbers(String name) {
        String digits = name.replaceAll("^[A-Za-z-]+", "");
        if (digits.isEmpty()) {
            return new int[0];
        }
        String[] parts = digits.split("/");
        int[] n = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                n[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                n[i] = 0;
            }
        }
        return n;
    }
}
