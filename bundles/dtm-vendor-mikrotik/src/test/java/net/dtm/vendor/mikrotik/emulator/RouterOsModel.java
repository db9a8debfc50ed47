package net.dtm.vendor.mikrotik.emulator;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import net.dtm.api.Cidr;

/**
 * The configuration of an emulated RouterOS 7 router: identity, release, interfaces (ethernet,
 * vxlan with vteps, gre, ipip), IPv4/IPv6 addresses (static, and dynamic ones the router added
 * itself) and static routes, with RouterOS's property schemas, defaults, value checks and error
 * texts. As in the current RouterOS 7 documentation a VTEP has interface, remote-ip and comment
 * only (no port: "expected end of command"), and the VXLAN interface's port defaults to 4789 (8472
 * can be chosen, as older releases had it). Exports leave out properties at their default (routes
 * print their v7 defaults, addresses their network) and dynamic items; {@code export verbose}
 * prints defaults too; {@code print terse} prints every item with its flags (X, D). Not checked
 * against a real router: the exact column layout of {@code print terse}, the order of properties
 * and which unset values verbose export prints as {@code ""}. Not thread-safe: the emulator
 * serialises access.
 */
final class RouterOsModel {

    /** A refused command; the message is RouterOS's text. */
    static final class CliError extends Exception {
        private static final long serialVersionUID = 1L;

        CliError(String message) {
            super(message);
        }
    }

    enum Kind { NAME, INT, IP, PREFIX, ADDRESS, ENUM, TEXT, IFACE, VXLAN_IFACE, GATEWAY, MTU_AUTO }

    record Prop(String name, Kind kind, String dflt, boolean required, boolean always, long min, long max,
                List<String> choices) {
    }

    /** One configured object. */
    static final class Item {
        final String id;
        final String menu;
        final Map<String, String> props;
        /** Added by the router itself (DHCP client, LTE, PPP): printed with flag D, never exported. */
        boolean dynamic;

        Item(String id, String menu, Map<String, String> props) {
            this.id = id;
            this.menu = menu;
            this.props = new LinkedHashMap<>(props);
        }

        /** The flags {@code print} shows: X disabled, D dynamic. */
        String flags() {
            return ("yes".equals(props.get("disabled")) ? "X" : "") + (dynamic ? "D" : "");
        }

        String get(String key) {
            return props.getOrDefault(key, "");
        }
    }

    static final String VXLAN = "/interface vxlan";
    static final String VTEPS = "/interface vxlan vteps";
    static final String GRE = "/interface gre";
    static final String IPIP = "/interface ipip";
    static final String ETHERNET = "/interface ethernet";
    static final String IP_ADDRESS = "/ip address";
    static final String IPV6_ADDRESS = "/ipv6 address";
    static final String IP_ROUTE = "/ip route";
    static final String IPV6_ROUTE = "/ipv6 route";
    static final List<String> INTERFACE_MENUS = List.of(ETHERNET, VXLAN, GRE, IPIP);
    /** Every menu holding items, in export order. */
    static final List<String> MENUS = List.of(ETHERNET, VXLAN, VTEPS, GRE, IPIP, IP_ADDRESS, IPV6_ADDRESS, IP_ROUTE,
            IPV6_ROUTE);
    /** Menus that exist but hold no items of their own (commands on them act on their children). */
    static final List<String> GROUPS = List.of("/interface", "/ip", "/ipv6", "/system", "/system identity");

    static final Map<String, Map<String, Prop>> SCHEMAS = new LinkedHashMap<>();

    static {
        Map<String, Prop> vx = schema(VXLAN);
        put(vx, "name", Kind.NAME, null, true, false);
        put(vx, "vni", Kind.INT, null, true, false, 1, 16777215);
        // the interface's port is where it listens and where it sends (4789 by default in current
        // RouterOS 7 releases; older ones used 8472: see vxlanDefaultPort)
        put(vx, "port", Kind.INT, "4789", false, false, 1, 65535);
        put(vx, "mtu", Kind.INT, "1500", false, false, 68, 65535);
        put(vx, "local-address", Kind.IP, null, false, false);
        put(vx, "vteps-ip-version", Kind.ENUM, "ipv4", false, false, "ipv4", "ipv6");
        put(vx, "learning", Kind.ENUM, "yes", false, false, "yes", "no");
        put(vx, "disabled", Kind.ENUM, "no", false, false, "yes", "no");
        put(vx, "comment", Kind.TEXT, null, false, false);
        Map<String, Prop> vt = schema(VTEPS);
        put(vt, "interface", Kind.VXLAN_IFACE, null, true, false);
        put(vt, "remote-ip", Kind.IP, null, true, false);
        // a VTEP has no port of its own in RouterOS 7: "port=" there is "expected end of command"
        put(vt, "comment", Kind.TEXT, null, false, false);
        for (String menu : List.of(GRE, IPIP)) {
            Map<String, Prop> t = schema(menu);
            put(t, "name", Kind.NAME, null, true, false);
            put(t, "local-address", Kind.IP, null, false, false);
            put(t, "remote-address", Kind.IP, null, true, false);
            put(t, "mtu", Kind.MTU_AUTO, "auto", false, false, 68, 65535);
            put(t, "keepalive", Kind.TEXT, null, false, false);
            put(t, "clamp-tcp-mss", Kind.ENUM, "yes", false, false, "yes", "no");
            put(t, "disabled", Kind.ENUM, "no", false, false, "yes", "no");
            put(t, "comment", Kind.TEXT, null, false, false);
        }
        Map<String, Prop> eth = schema(ETHERNET);
        put(eth, "name", Kind.NAME, null, true, false);
        put(eth, "mtu", Kind.INT, "1500", false, false, 68, 9000);
        put(eth, "disabled", Kind.ENUM, "no", false, false, "yes", "no");
        put(eth, "comment", Kind.TEXT, null, false, false);
        for (String menu : List.of(IP_ADDRESS, IPV6_ADDRESS)) {
            Map<String, Prop> a = schema(menu);
            put(a, "address", Kind.ADDRESS, null, true, false);
            put(a, "interface", Kind.IFACE, null, true, false);
            if (menu.equals(IP_ADDRESS)) {
                put(a, "network", Kind.IP, null, false, true);
            } else {
                put(a, "advertise", Kind.ENUM, "yes", false, false, "yes", "no");
            }
            put(a, "disabled", Kind.ENUM, "no", false, false, "yes", "no");
            put(a, "comment", Kind.TEXT, null, false, false);
        }
        for (String menu : List.of(IP_ROUTE, IPV6_ROUTE)) {
            Map<String, Prop> r = schema(menu);
            put(r, "dst-address", Kind.PREFIX, menu.equals(IP_ROUTE) ? "0.0.0.0/0" : "::/0", false, true);
            put(r, "gateway", Kind.GATEWAY, null, true, false);
            put(r, "distance", Kind.INT, "1", false, true, 1, 255);
            put(r, "routing-table", Kind.TEXT, "main", false, true);
            put(r, "scope", Kind.INT, "30", false, true, 0, 255);
            put(r, "target-scope", Kind.INT, "10", false, true, 0, 255);
            put(r, "suppress-hw-offload", Kind.ENUM, "no", false, true, "yes", "no");
            put(r, "disabled", Kind.ENUM, "no", false, true, "yes", "no");
            put(r, "comment", Kind.TEXT, null, false, false);
        }
    }

    private final Map<String, List<Item>> items = new LinkedHashMap<>();
    private int nextId = 1;
    private String identity = "MikroTik";
    private String version = "7.16.1";
    private String vxlanDefaultPort = "4789";

    RouterOsModel() {
        MENUS.forEach(m -> items.put(m, new ArrayList<>()));
    }

    /** A deep copy (what safe mode restores). */
    RouterOsModel copy() {
        RouterOsModel c = new RouterOsModel();
        items.forEach((m, list) -> list.forEach(i -> {
            Item copy = new Item(i.id, i.menu, i.props);
            copy.dynamic = i.dynamic;
            c.items.get(m).add(copy);
        }));
        c.nextId = nextId;
        c.identity = identity;
        c.version = version;
        c.vxlanDefaultPort = vxlanDefaultPort;
        return c;
    }

    String identity() {
        return identity;
    }

    void identity(String name) {
        identity = name;
    }

    String version() {
        return version;
    }

    void version(String v) {
        version = v;
    }

    /** The VXLAN port a release uses when none is given (8472 on some older RouterOS 7 releases). */
    void vxlanDefaultPort(int port) {
        vxlanDefaultPort = Integer.toString(port);
    }

    /** The default of {@code p} in {@code menu} on this router's release. */
    String dflt(String menu, Prop p) {
        return menu.equals(VXLAN) && p.name().equals("port") ? vxlanDefaultPort : p.dflt();
    }

    List<Item> items(String menu) {
        return items.get(menu);
    }

    /** The item of any interface menu named {@code name}. */
    Optional<Item> anyInterface(String name) {
        return INTERFACE_MENUS.stream().flatMap(m -> items.get(m).stream()).filter(i -> i.get("name").equals(name))
                .findFirst();
    }

    // ------------------------------------------------------------------ changes

    Item add(String menu, Map<String, String> given) throws CliError {
        Map<String, Prop> schema = SCHEMAS.get(menu);
        Map<String, String> props = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : given.entrySet()) {
            props.put(e.getKey(), check(menu, schema.get(e.getKey()), e.getValue()));
        }
        for (Prop p : schema.values()) {
            if (p.required() && !props.containsKey(p.name())) {
                throw new CliError("failure: " + p.name() + " not specified");
            }
        }
        if (menu.equals(IP_ADDRESS) || menu.equals(IPV6_ADDRESS)) {
            String a = props.get("address");
            if (!a.contains("/")) {
                a = a + (menu.equals(IP_ADDRESS) ? "/32" : "/128");
                props.put("address", a);
            }
            if (menu.equals(IP_ADDRESS) && !props.containsKey("network")) {
                props.put("network", network(a));
            }
            for (Item i : items.get(menu)) {
                if (i.get("address").equals(a) && i.get("interface").equals(props.get("interface"))) {
                    throw new CliError("failure: already have such address");
                }
            }
        }
        checkConsistency(menu, props, null);
        Item item = new Item("*" + Integer.toHexString(nextId++).toUpperCase(), menu, props);
        items.get(menu).add(item);
        return item;
    }

    void set(Item item, Map<String, String> given) throws CliError {
        Map<String, Prop> schema = SCHEMAS.get(item.menu);
        Map<String, String> props = new LinkedHashMap<>(item.props);
        for (Map.Entry<String, String> e : given.entrySet()) {
            props.put(e.getKey(), check(item.menu, schema.get(e.getKey()), e.getValue()));
        }
        checkConsistency(item.menu, props, item);
        String oldName = item.get("name");
        item.props.clear();
        item.props.putAll(props);
        String newName = item.get("name");
        if (INTERFACE_MENUS.contains(item.menu) && !oldName.equals(newName)) {
            renameReferences(oldName, newName);
        }
    }

    void remove(Item item) {
        items.get(item.menu).remove(item);
        if (INTERFACE_MENUS.contains(item.menu)) {
            // RouterOS keeps what pointed at a removed interface, shown by the interface's id.
            renameReferences(item.get("name"), item.id);
        }
    }

    private void renameReferences(String from, String to) {
        for (String menu : List.of(VTEPS, IP_ADDRESS, IPV6_ADDRESS)) {
            for (Item i : items.get(menu)) {
                if (i.get("interface").equals(from)) {
                    i.props.put("interface", to);
                }
            }
        }
    }

    private void checkConsistency(String menu, Map<String, String> props, Item self) throws CliError {
        if (INTERFACE_MENUS.contains(menu)) {
            Optional<Item> same = anyInterface(props.get("name"));
            if (same.isPresent() && same.get() != self) {
                throw new CliError("failure: already have interface with such name");
            }
        }
        if (menu.equals(VXLAN) && props.containsKey("local-address")) {
            boolean v6 = "ipv6".equals(props.getOrDefault("vteps-ip-version", "ipv4"));
            if (isV6(props.get("local-address")) != v6) {
                throw new CliError("failure: local-address does not match vteps-ip-version");
            }
        }
        if (menu.equals(VTEPS)) {
            Item vx = anyInterface(props.get("interface")).orElseThrow();
            boolean v6 = "ipv6".equals(vx.props.getOrDefault("vteps-ip-version", "ipv4"));
            if (isV6(props.get("remote-ip")) != v6) {
                throw new CliError("failure: remote-ip does not match vteps-ip-version of " + vx.get("name"));
            }
        }
        if (menu.equals(IP_ADDRESS) && isV6(props.get("address"))
                || menu.equals(IPV6_ADDRESS) && !isV6(props.get("address"))) {
            throw new CliError("invalid value for argument address");
        }
        if ((menu.equals(IP_ROUTE) || menu.equals(IPV6_ROUTE)) && props.containsKey("dst-address")) {
            boolean v6 = menu.equals(IPV6_ROUTE);
            if (isV6(props.get("dst-address")) != v6) {
                throw new CliError("invalid value for argument dst-address");
            }
            String gw = props.get("gateway");
            String gwAddress = gw.contains("%") ? gw.substring(0, gw.indexOf('%')) : gw;
            if (isIp(gwAddress) && isV6(gwAddress) != v6) {
                throw new CliError("invalid value for argument gateway");
            }
        }
    }

    private String check(String menu, Prop p, String value) throws CliError {
        if (p == null) {
            throw new IllegalStateException("unknown property reached check in " + menu);
        }
        String name = p.name();
        switch (p.kind()) {
            case NAME -> {
                if (value.isEmpty() || value.length() > 63) {
                    throw new CliError("invalid value for argument " + name);
                }
            }
            case INT -> {
                return number(name, value, p);
            }
            case MTU_AUTO -> {
                return value.equals("auto") ? value : number(name, value, p);
            }
            case IP -> {
                if (!isIp(value)) {
                    throw new CliError("invalid value for argument " + name);
                }
                return Cidr.format(Cidr.parseLiteral(value));
            }
            case ADDRESS -> {
                String[] parts = value.split("/", -1);
                if (parts.length > 2 || !isIp(parts[0])) {
                    throw new CliError("invalid value for argument " + name);
                }
                InetAddress a = Cidr.parseLiteral(parts[0]);
                int bits = a.getAddress().length * 8;
                if (parts.length == 2 && !parts[1].matches("\\d{1,3}") || parts.length == 2
                        && Integer.parseInt(parts[1]) > bits) {
                    throw new CliError("invalid value for argument " + name);
                }
                return Cidr.format(a) + (parts.length == 2 ? "/" + parts[1] : "");
            }
            case PREFIX -> {
                try {
                    return Cidr.parse(value).toString();
                } catch (IllegalArgumentException e) {
                    throw new CliError("invalid value for argument " + name);
                }
            }
            case GATEWAY -> {
                String address = value.contains("%") ? value.substring(0, value.indexOf('%')) : value;
                if (isIp(address)) {
                    return Cidr.format(Cidr.parseLiteral(address)) + value.substring(address.length());
                }
                if (anyInterface(value).isEmpty()) {
                    throw new CliError("invalid value for argument gateway");
                }
            }
            case ENUM -> {
                if (!p.choices().contains(value)) {
                    throw new CliError("input does not match any value of " + name);
                }
            }
            case IFACE -> {
                if (anyInterface(value).isEmpty()) {
                    throw new CliError("input does not match any value of " + name);
                }
            }
            case VXLAN_IFACE -> {
                if (items.get(VXLAN).stream().noneMatch(i -> i.get("name").equals(value))) {
                    throw new CliError("input does not match any value of " + name);
                }
            }
            case TEXT -> {
                // anything
            }
            default -> throw new IllegalStateException(p.kind().name());
        }
        return value;
    }

    private static String number(String name, String value, Prop p) throws CliError {
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new CliError("invalid value for argument " + name);
        }
        if (v < p.min() || v > p.max()) {
            throw new CliError("value of " + name + " out of range (" + p.min() + ".." + p.max() + ")");
        }
        return Long.toString(v);
    }

    // ------------------------------------------------------------------ find and export

    /** Items of {@code menu} (and, for the generic /interface menu, every interface menu) matching. */
    List<Item> find(String menu, Predicate<Item> where) {
        List<String> menus = menu.equals("/interface") ? INTERFACE_MENUS : List.of(menu);
        return menus.stream().flatMap(m -> items.get(m).stream()).filter(where).toList();
    }

    /** {@code export}: every item of {@code menu} and its sub-menus, terse or in the wrapped default form. */
    String export(String menu, boolean terse) {
        return export(menu, terse, false);
    }

    /**
     * {@code export}: every static item of {@code menu} and its sub-menus (dynamic ones are never
     * exported), terse or in the wrapped default form; {@code verbose} prints defaults too.
     */
    String export(String menu, boolean terse, boolean verbose) {
        StringBuilder b = new StringBuilder();
        b.append("\u001B[m\u001B[1;30m# 2026-01-01 00:00:00 by RouterOS " + version + "\u001B[m\n");
        b.append("\u001B[1;30m# software id = EMU7-0001\u001B[m\n#\n");
        String prefix = menu.equals("/") ? "/" : menu + " ";
        boolean withIdentity = menu.equals("/") || menu.equals("/system") || menu.equals("/system identity");
        for (String m : MENUS) {
            if (!(m.equals(menu) || (m + " ").startsWith(prefix) || menu.equals("/"))) {
                continue;
            }
            List<Item> list = items.get(m).stream().filter(i -> !i.dynamic).toList();
            if (list.isEmpty() || m.equals(ETHERNET)) {
                continue;
            }
            if (!terse) {
                b.append(m).append('\n');
            }
            for (Item i : list) {
                String line = "add " + (verbose ? verboseProperties(i) : properties(i));
                b.append(terse ? m + " " + line : wrap(line)).append('\n');
            }
        }
        if (withIdentity) {
            b.append(terse ? "/system identity set name=" + value(identity) : "/system identity\nset name=" + value(identity))
                    .append('\n');
        }
        return b.toString();
    }

    /** The printed properties of {@code i}: non-defaults, and the ones RouterOS always prints, sorted. */
    String properties(Item i) {
        Map<String, Prop> schema = SCHEMAS.get(i.menu);
        Map<String, String> shown = new TreeMap<>();
        for (Prop p : schema.values()) {
            String v = i.props.get(p.name());
            String dflt = dflt(i.menu, p);
            if (v == null) {
                if (p.always() && dflt != null) {
                    shown.put(p.name(), dflt);
                }
            } else if (p.always() || p.required() || !v.equals(dflt)) {
                shown.put(p.name(), v);
            }
        }
        List<String> parts = new ArrayList<>();
        shown.forEach((k, v) -> parts.add(k + "=" + value(v)));
        return String.join(" ", parts);
    }

    /** {@code export verbose}: every property, defaults included (an unset one without default as ""). */
    String verboseProperties(Item i) {
        Map<String, String> shown = new TreeMap<>();
        for (Prop p : SCHEMAS.get(i.menu).values()) {
            String v = i.props.get(p.name());
            String dflt = dflt(i.menu, p);
            shown.put(p.name(), v != null ? v : dflt != null ? dflt : "");
        }
        List<String> parts = new ArrayList<>();
        shown.forEach((k, v) -> parts.add(k + "=" + value(v)));
        return String.join(" ", parts);
    }

    /**
     * {@code print terse}: one line an item, its number, its flags (X disabled, D dynamic), the
     * comment as {@code ;;; text}, then every property as {@code key=value}.
     */
    String printTerse(List<Item> list) {
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (Item i : list) {
            String comment = i.props.get("comment");
            Map<String, String> shown = new LinkedHashMap<>();
            for (Prop p : SCHEMAS.get(i.menu).values()) {
                String v = i.props.get(p.name());
                String dflt = dflt(i.menu, p);
                if (!p.name().equals("comment") && !p.name().equals("disabled") && (v != null || dflt != null)) {
                    shown.put(p.name(), v != null ? v : dflt);
                }
            }
            if (i.menu.equals(IP_ADDRESS) || i.menu.equals(IPV6_ADDRESS)) {
                shown.put("actual-interface", i.get("interface"));
            }
            List<String> parts = new ArrayList<>();
            shown.forEach((k, v) -> parts.add(k + "=" + value(v)));
            b.append(String.format("%2d %-2s %s%s%n", n++, i.flags(), comment == null ? "" : ";;; " + comment + " ",
                    String.join(" ", parts)));
        }
        return b.toString();
    }

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:/@%*+-]+");

    static String value(String v) {
        if (PLAIN.matcher(v).matches()) {
            return v;
        }
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$") + "\"";
    }

    /** Wraps a line at 80 columns with RouterOS's trailing backslash and four-space indent. */
    private static String wrap(String line) {
        StringBuilder out = new StringBuilder();
        StringBuilder current = new StringBuilder();
        for (String word : line.split(" ")) {
            if (current.length() > 0 && current.length() + 1 + word.length() > 78) {
                out.append(current).append(" \\\n");
                current = new StringBuilder("    ");
            } else if (current.length() > 0 && !current.toString().isBlank()) {
                current.append(' ');
            }
            current.append(word);
        }
        return out.append(current).toString();
    }

    static boolean isIp(String s) {
        try {
            Cidr.parseLiteral(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean isV6(String s) {
        return s != null && s.contains(":");
    }

    private static String network(String addressWithLength) {
        String[] parts = addressWithLength.split("/");
        InetAddress a = Cidr.parseLiteral(parts[0]);
        int len = Integer.parseInt(parts[1]);
        int bits = a.getAddress().length * 8;
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                .xor(BigInteger.ONE.shiftLeft(bits - len).subtract(BigInteger.ONE));
        BigInteger net = new BigInteger(1, a.getAddress()).and(mask);
        byte[] raw = net.toByteArray();
        byte[] out = new byte[a.getAddress().length];
        int copy = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
        try {
            return Cidr.format(InetAddress.getByAddress(out));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True if {@code peer} lies in the subnet of an address on interface {@code name}. */
    boolean reachableOver(String name, InetAddress peer) {
        for (String menu : List.of(IP_ADDRESS, IPV6_ADDRESS)) {
            for (Item i : items.get(menu)) {
                if (!i.get("interface").equals(name)) {
                    continue;
                }
                String[] parts = i.get("address").split("/");
                InetAddress a = Cidr.parseLiteral(parts[0]);
                if ((a instanceof Inet6Address) != (peer instanceof Inet6Address) || a.equals(peer)) {
                    continue;
                }
                if (Cidr.parse(network(i.get("address")) + "/" + parts[1]).contains(peer)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Map<String, Prop> schema(String menu) {
        Map<String, Prop> m = new LinkedHashMap<>();
        SCHEMAS.put(menu, m);
        return m;
    }

    private static void put(Map<String, Prop> s, String name, Kind kind, String dflt, boolean required, boolean always,
                            String... choices) {
        s.put(name, new Prop(name, kind, dflt, required, always, 0, 0, List.of(choices)));
    }

    private static void put(Map<String, Prop> s, String name, Kind kind, String dflt, boolean required, boolean always,
                            long min, long max) {
        s.put(name, new Prop(name, kind, dflt, required, always, min, max, List.of()));
    }
}
