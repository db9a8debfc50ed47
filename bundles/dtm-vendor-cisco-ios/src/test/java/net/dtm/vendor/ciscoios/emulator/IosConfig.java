package net.dtm.vendor.ciscoios.emulator;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The running configuration of an emulated IOS device: a model, not text. {@link #blocks()} renders
 * it the way IOS prints it (defaults left out, IPv6 in upper case, interfaces in IOS order).
 */
final class IosConfig {

    /** One interface. */
    static final class Interface {
        final String name;
        String description;
        /** Static primary IPv4 address and mask, or null. */
        String ipAddress;
        String ipMask;
        /** Static secondary IPv4 addresses, each "ADDRESS MASK". */
        final List<String> secondaries = new ArrayList<>();
        /** {@code dhcp} or {@code negotiated} ({@code ip address dhcp|negotiated}), or null. */
        String ipDynamic;
        /** The address DHCP or IPCP gave an {@link #ipDynamic} interface, or null while it has none. */
        String leased;
        final List<String> ipv6 = new ArrayList<>();
        /** {@code ipv6 address autoconfig}. */
        boolean ipv6Autoconfig;
        /** Addresses SLAAC gave an {@link #ipv6Autoconfig} interface (IOS's upper case, no length). */
        final List<String> ipv6Learned = new ArrayList<>();
        Integer ipMtu;
        Integer ipv6Mtu;
        String mode = "gre ip";
        String source;
        String destination;
        Long key;
        boolean shutdown;

        Interface(String name) {
            this.name = name;
        }

        boolean isTunnel() {
            return name.startsWith("Tunnel");
        }

        /** The IPv4 address in use: the static primary, or what DHCP / IPCP gave; null when unassigned. */
        String addressInUse() {
            return ipDynamic != null ? leased : ipAddress;
        }

        /** The IPv6 addresses in use (link-local first when IPv6 is on), as {@code show ipv6 interface brief} lists them. */
        List<String> ipv6InUse(int index) {
            List<String> out = new ArrayList<>();
            if (ipv6.isEmpty() && !ipv6Autoconfig) {
                return out;
            }
            out.add(String.format("FE80::5054:FF:FE00:%X", index));
            out.addAll(ipv6Learned);
            ipv6.forEach(a -> out.add(a.substring(0, a.indexOf('/'))));
            return out;
        }

        /** {@code Status} and {@code Protocol} as the brief listings show them. */
        String[] state() {
            if (shutdown) {
                return new String[] {"administratively down", "down"};
            }
            boolean protocolUp = isTunnel() ? source != null && destination != null : ipDynamic == null || leased != null;
            return new String[] {"up", protocolUp ? "up" : "down"};
        }

        Interface copy() {
            Interface c = new Interface(name);
            c.description = description;
            c.ipAddress = ipAddress;
            c.ipMask = ipMask;
            c.secondaries.addAll(secondaries);
            c.ipDynamic = ipDynamic;
            c.leased = leased;
            c.ipv6.addAll(ipv6);
            c.ipv6Autoconfig = ipv6Autoconfig;
            c.ipv6Learned.addAll(ipv6Learned);
            c.ipMtu = ipMtu;
            c.ipv6Mtu = ipv6Mtu;
            c.mode = mode;
            c.source = source;
            c.destination = destination;
            c.key = key;
            c.shutdown = shutdown;
            return c;
        }

        List<String> lines() {
            List<String> out = new ArrayList<>();
            if (description != null) {
                out.add(" description " + description);
            }
            if (ipDynamic != null) {
                out.add(" ip address " + ipDynamic);
            } else if (ipAddress == null) {
                out.add(" no ip address");
            } else {
                // IOS prints the secondary addresses before the primary
                secondaries.forEach(a -> out.add(" ip address " + a + " secondary"));
                out.add(" ip address " + ipAddress + " " + ipMask);
            }
            if (ipMtu != null) {
                out.add(" ip mtu " + ipMtu);
            }
            if (ipv6Autoconfig) {
                out.add(" ipv6 address autoconfig");
            }
            ipv6.forEach(a -> out.add(" ipv6 address " + a));
            if (ipv6Mtu != null) {
                out.add(" ipv6 mtu " + ipv6Mtu);
            }
            if (shutdown) {
                out.add(" shutdown");
            }
            if (isTunnel()) {
                if (source != null) {
                    out.add(" tunnel source " + source);
                }
                if (destination != null) {
                    out.add(" tunnel destination " + destination);
                }
                if (!mode.equals("gre ip")) {
                    out.add(" tunnel mode " + mode);
                }
                if (key != null) {
                    out.add(" tunnel key " + key);
                }
            }
            return out;
        }
    }

    /** A static route; {@code iface} or {@code nextHop} may be null. */
    record Route(boolean v6, String prefix, String mask, String iface, String nextHop) {
        String line() {
            StringBuilder b = new StringBuilder(v6 ? "ipv6 route " + prefix : "ip route " + prefix + " " + mask);
            if (iface != null) {
                b.append(' ').append(iface);
            }
            if (nextHop != null) {
                b.append(' ').append(nextHop);
            }
            return b.toString();
        }
    }

    /** A top-level line and the lines under it. */
    record Block(String header, List<String> children) {
    }

    String hostname;
    /** The {@code archive} section is present. */
    boolean archive;
    /** {@code path} under {@code archive}: where archives go; without it there is no archive to revert to. */
    String archivePath;
    /** {@code maximum} under {@code archive}, or null (IOS keeps 10). */
    Integer archiveMaximum;
    final Map<String, Interface> interfaces = new TreeMap<>(IosConfig::interfaceOrder);
    final List<Route> routes = new ArrayList<>();

    IosConfig(String hostname) {
        this.hostname = hostname;
    }

    /** True when archives can be written: the revert timer and {@code show archive} need it. */
    boolean archiveReady() {
        return archive && archivePath != null;
    }

    int archiveLimit() {
        return archiveMaximum != null ? archiveMaximum : 10;
    }

    /** Takes the archive settings of {@code other} (a rollback restores the configuration, not the archive's own settings). */
    void archiveFrom(IosConfig other) {
        archive = other.archive;
        archivePath = other.archivePath;
        archiveMaximum = other.archiveMaximum;
    }

    IosConfig copy() {
        IosConfig c = new IosConfig(hostname);
        c.archive = archive;
        c.archivePath = archivePath;
        c.archiveMaximum = archiveMaximum;
        interfaces.forEach((k, v) -> c.interfaces.put(k, v.copy()));
        c.routes.addAll(routes);
        return c;
    }

    /** The configuration as IOS prints it, block by block. */
    List<Block> blocks() {
        List<Block> out = new ArrayList<>();
        out.add(new Block("version 17.9", List.of()));
        out.add(new Block("service timestamps debug datetime msec", List.of()));
        out.add(new Block("hostname " + hostname, List.of()));
        if (archive) {
            List<String> children = new ArrayList<>();
            if (archivePath != null) {
                children.add(" path " + archivePath);
            }
            if (archiveMaximum != null) {
                children.add(" maximum " + archiveMaximum);
            }
            out.add(new Block("archive", children));
        }
        for (Interface i : interfaces.values()) {
            out.add(new Block("interface " + i.name, i.lines()));
        }
        routes.stream().filter(r -> !r.v6()).sorted(Comparator.comparing(IosConfig::routeOrder))
                .forEach(r -> out.add(new Block(r.line(), List.of())));
        routes.stream().filter(Route::v6).sorted(Comparator.comparing(IosConfig::routeOrder))
                .forEach(r -> out.add(new Block(r.line(), List.of())));
        return out;
    }

    /** The full running configuration, with the "!" separators, without the header. */
    List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("!");
        for (Block b : blocks()) {
            boolean section = !b.children().isEmpty() || b.header().startsWith("interface ");
            out.add(b.header());
            out.addAll(b.children());
            if (section) {
                out.add("!");
            }
        }
        out.add("!");
        out.add("end");
        return out;
    }

    /** The blocks by header, for the archive differences. */
    Map<String, Block> blockMap() {
        Map<String, Block> m = new LinkedHashMap<>();
        blocks().forEach(b -> m.put(b.header(), b));
        return m;
    }

    private static String routeOrder(Route r) {
        return String.format("%040x", number(r.prefix()));
    }

    /**
     * The order IOS prints interfaces in: loopbacks, port-channels and tunnels first (each by number,
     * numerically: Tunnel2 before Tunnel10), then the physical interfaces by slot/subslot/port
     * (GigabitEthernet0/0, GigabitEthernet0/1, Cellular0/1/0), slotless ones such as the management
     * GigabitEthernet0 after them, and the interfaces made from others last (Vlan, Dialer,
     * Virtual-Template). So the last DTM tunnel is followed by the first physical interface.
     */
    static int interfaceOrder(String a, String b) {
        String ta = a.replaceAll("[\\d/.:]+$", "");
        String tb = b.replaceAll("[\\d/.:]+$", "");
        int c = Integer.compare(rank(ta, a), rank(tb, b));
        if (c != 0) {
            return c;
        }
        if (!ta.equals(tb) && rank(ta, a) != 3) {
            return ta.compareTo(tb);
        }
        c = compareNumbers(a.substring(ta.length()), b.substring(tb.length()));
        return c != 0 ? c : ta.compareTo(tb);
    }

    private static int rank(String type, String name) {
        return switch (type) {
            case "Loopback" -> 0;
            case "Port-channel" -> 1;
            case "Tunnel" -> 2;
            case "Vlan", "Dialer", "Virtual-Template", "BVI" -> 5;
            default -> name.contains("/") ? 3 : 4;
        };
    }

    /** Slot paths such as 0/1/0 compared number by number; a shorter path that is a prefix comes first. */
    private static int compareNumbers(String a, String b) {
        String[] pa = a.split("[/.:]");
        String[] pb = b.split("[/.:]");
        for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
            int c = pa[i].matches("\\d+") && pb[i].matches("\\d+") ? Long.compare(Long.parseLong(pa[i]), Long.parseLong(pb[i]))
                    : pa[i].compareTo(pb[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(pa.length, pb.length);
    }

    // ------------------------------------------------------------------ address helpers

    /** An IPv4 literal (strict dotted quad), or null. */
    static Inet4Address v4(String text) {
        if (text == null || !text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return null;
        }
        for (String o : text.split("\\.")) {
            if (Integer.parseInt(o) > 255) {
                return null;
            }
        }
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An IPv6 literal, or null. */
    static Inet6Address v6(String text) {
        if (text == null || !text.contains(":") || !text.matches("[0-9A-Fa-f:.]+")) {
            return null;
        }
        try {
            InetAddress a = InetAddress.getByName(text);
            return a instanceof Inet6Address six ? six : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Prefix length of a contiguous mask, or -1. */
    static int maskLength(String mask) {
        Inet4Address m = v4(mask);
        if (m == null) {
            return -1;
        }
        long v = number(mask).longValue();
        for (int len = 0; len <= 32; len++) {
            long want = len == 0 ? 0 : (0xffffffffL << (32 - len)) & 0xffffffffL;
            if (want == v) {
                return len;
            }
        }
        return -1;
    }

    /** IOS's way of printing an IPv6 address: compressed, upper case. */
    static String ios6(Inet6Address a) {
        return net.dtm.api.Cidr.format(a).toUpperCase(Locale.ROOT);
    }

    static BigInteger number(String address) {
        String a = address.contains("/") ? address.substring(0, address.indexOf('/')) : address;
        InetAddress i = v4(a) != null ? v4(a) : v6(a);
        return new BigInteger(1, Objects.requireNonNull(i, a).getAddress());
    }

    /** True if {@code address} has bits set outside a prefix of {@code length}. */
    static boolean hostBits(InetAddress address, int length) {
        int bits = address.getAddress().length * 8;
        BigInteger host = BigInteger.ONE.shiftLeft(bits - length).subtract(BigInteger.ONE);
        return !new BigInteger(1, address.getAddress()).and(host).equals(BigInteger.ZERO);
    }
}
