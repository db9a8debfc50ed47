package net.dtm.vendor.mikrotik;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.TunnelIntent;

/**
 * Reads a tunnel back into the intent vocabulary, in one round trip: the tunnel menus as
 * {@code export verbose terse}, which prints every property including those at their default, so
 * the read-back never assumes a default (VXLAN's {@code port} went from 8472 to 4789 across
 * releases, and a plain export leaves a value at the default out); addresses and routes as
 * {@code export terse} (DTM's objects, found by their tag); and {@code /ip address print terse} and
 * {@code /ipv6 address print terse}, which unlike export include dynamic addresses (DHCP client,
 * LTE, PPP: flag D), for the local outer check. GRE's and IPIP's {@code mtu=auto} reads as 1476 and
 * 1480 (auto over a 1500 link). The VXLAN remote endpoint is the VTEP's {@code remote-ip} and the
 * interface's {@code port} (RouterOS 7 uses it both ways); a VXLAN interface without its VTEP reads
 * with an unspecified remote endpoint and port 0, so the core's diff repairs it. The peer inner
 * address comes from the gateway of the tunnel's tagged routes, the unspecified address when there
 * are none.
 */
final class RunningStateReader {

    /** The commands run (joined by {@code ;} on one line), in this order. */
    static final List<String> READS = List.of("/interface vxlan export verbose terse",
            "/interface gre export verbose terse", "/interface ipip export verbose terse", "/ip address export terse",
            "/ipv6 address export terse", "/ip route export terse", "/ipv6 route export terse",
            "/ip address print terse", "/ipv6 address print terse");

    /** A {@code print terse} item: its number at the start of a line. */
    private static final Pattern PRINTED = Pattern.compile("^\\s*(\\d+)\\s+(.*)$");
    /** Flags after the number: X disabled, I invalid, D dynamic... */
    private static final Pattern FLAGS = Pattern.compile("^([A-Z]+)\\s");
    private static final Pattern ADDRESS = Pattern.compile("(?:^|\\s)address=(\\S+)");

    /** Runs {@code commands} (on one line, to spare round trips) and returns the output. */
    interface Exporter {
        String export(List<String> commands) throws ConfigException;
    }

    private final Exporter exporter;

    RunningStateReader(Exporter exporter) {
        this.exporter = exporter;
    }

    /** The tunnel named {@code name}, or empty. */
    Optional<TunnelIntent> read(String name, TunnelIntent.Role role) throws ConfigException {
        List<ExportParser.Entry> all = fetch();
        for (String menu : MikrotikTunnelInterfaces.TUNNEL_MENUS) {
            Optional<ExportParser.Entry> itf = entries(all, menu).stream()
                    .filter(e -> e.get("name").orElse("").equals(name)).findFirst();
            if (itf.isPresent()) {
                return Optional.of(decode(all, name, role, menu, itf.get()));
            }
        }
        return Optional.empty();
    }

    /** Names of DTM's tunnel interfaces (tagged {@code dtm:}) starting with {@code prefix}. */
    List<String> list(String prefix) throws ConfigException {
        List<String> out = new ArrayList<>();
        List<ExportParser.Entry> all = fetch();
        for (String menu : MikrotikTunnelInterfaces.TUNNEL_MENUS) {
            for (ExportParser.Entry e : entries(all, menu)) {
                String name = e.get("name").orElse("");
                if (name.startsWith(prefix) && e.get("comment").orElse("").startsWith(RouterOsSyntax.TAG_PREFIX)) {
                    out.add(name);
                }
            }
        }
        return out.stream().sorted().toList();
    }

    /** The menu of a tunnel interface named {@code name} that DTM did not tag as its own, if any. */
    Optional<String> foreign(String name) throws ConfigException {
        List<ExportParser.Entry> all = fetch();
        for (String menu : MikrotikTunnelInterfaces.TUNNEL_MENUS) {
            for (ExportParser.Entry e : entries(all, menu)) {
                if (e.get("name").orElse("").equals(name)
                        && !e.get("comment").orElse("").equals(RouterOsSyntax.tag(name))) {
                    return Optional.of(menu);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The addresses in use on the device (any interface, static or dynamic, not disabled or
     * invalid), without their prefix lengths, from {@code print terse}.
     */
    List<InetAddress> addresses() throws ConfigException {
        List<InetAddress> out = new ArrayList<>();
        List<String> items = new ArrayList<>();
        for (String raw : Ansi.strip(exporter.export(READS)).split("\r?\n")) {
            String line = raw.stripTrailing();
            if (PRINTED.matcher(line).matches()) {
                items.add(line);
            } else if (!items.isEmpty() && !line.isBlank() && !line.trim().startsWith("/") && !line.trim().startsWith("#")
                    && !line.trim().startsWith("add ")) {
                // a property line of the item above (a comment printed on its own line)
                items.set(items.size() - 1, items.get(items.size() - 1) + " " + line.trim());
            }
        }
        for (String item : items) {
            Matcher m = PRINTED.matcher(item);
            m.matches();
            String rest = m.group(2);
            Matcher f = FLAGS.matcher(rest);
            String flags = f.find() ? f.group(1) : "";
            if (flags.contains("X") || flags.contains("I")) {
                continue;
            }
            String address = null;
            Matcher a = ADDRESS.matcher(rest);
            while (a.find()) {
                address = a.group(1); // the last one: a comment comes before the properties
            }
            if (address == null) {
                continue;
            }
            String literal = address.indexOf('/') < 0 ? address : address.substring(0, address.indexOf('/'));
            try {
                out.add(Cidr.parseLiteral(literal));
            } catch (IllegalArgumentException e) {
                // not an address (text in a comment): skip it
            }
        }
        return out;
    }

    private TunnelIntent decode(List<ExportParser.Entry> all, String name, TunnelIntent.Role role, String menu, ExportParser.Entry itf)
            throws ConfigException {
        try {
            TunnelType type;
            InetAddress local;
            InetSocketAddress remote;
            long key;
            int mtu;
            switch (menu) {
                case "/interface vxlan" -> {
                    type = TunnelType.VXLAN;
                    key = Long.parseLong(required(itf, "vni"));
                    mtu = Integer.parseInt(required(itf, "mtu"));
                    int port = Integer.parseInt(required(itf, "port"));
                    Optional<ExportParser.Entry> vtep = entries(all, "/interface vxlan vteps").stream()
                            .filter(e -> e.get("interface").orElse("").equals(name)).findFirst();
                    local = address(itf, "local-address")
                            .orElse(unspecified("ipv6".equals(itf.get("vteps-ip-version").orElse("ipv4"))));
                    if (vtep.isEmpty()) {
                        // Half built or half removed: reads as no peer, so the core's update puts the VTEP back.
                        remote = new InetSocketAddress(unspecified(local instanceof Inet6Address), 0);
                    } else {
                        InetAddress remoteIp = address(vtep.get(), "remote-ip").orElse(unspecified(false));
                        remote = new InetSocketAddress(remoteIp, port);
                    }
                }
                case "/interface gre", "/interface ipip" -> {
                    type = menu.endsWith("gre") ? TunnelType.GRE : TunnelType.IPIP;
                    key = 0;
                    String auto = type == TunnelType.GRE ? "1476" : "1480";
                    String m = required(itf, "mtu");
                    mtu = Integer.parseInt(m.equals("auto") ? auto : m);
                    InetAddress remoteIp = address(itf, "remote-address").orElse(unspecified(false));
                    remote = new InetSocketAddress(remoteIp, 0);
                    local = address(itf, "local-address").orElse(unspecified(remoteIp instanceof Inet6Address));
                }
                default -> throw new IllegalStateException(menu);
            }
            InetAddress inner = unspecified(false);
            int prefixLength = 0;
            String tag = RouterOsSyntax.tag(name);
            List<ExportParser.Entry> addrs = new ArrayList<>(entries(all, "/ip address"));
            addrs.addAll(entries(all, "/ipv6 address"));
            Optional<ExportParser.Entry> addr = addrs.stream()
                    .filter(e -> e.get("interface").orElse("").equals(name))
                    .sorted((a, b) -> Boolean.compare(!tag.equals(a.get("comment").orElse("")),
                            !tag.equals(b.get("comment").orElse(""))))
                    .findFirst();
            if (addr.isPresent()) {
                String a = addr.get().get("address").orElseThrow();
                int slash = a.indexOf('/');
                inner = Cidr.parseLiteral(slash < 0 ? a : a.substring(0, slash));
                prefixLength = slash < 0 ? inner.getAddress().length * 8 : Integer.parseInt(a.substring(slash + 1));
            }
            List<Cidr> routes = new ArrayList<>();
            InetAddress peer = null;
            for (String routeMenu : List.of("/ip route", "/ipv6 route")) {
                for (ExportParser.Entry r : entries(all, routeMenu)) {
                    if (!tag.equals(r.get("comment").orElse(""))) {
                        continue;
                    }
                    routes.add(Cidr.parse(r.get("dst-address").orElseThrow()));
                    String gw = r.get("gateway").orElse("");
                    int pct = gw.indexOf('%');
                    if (peer == null && !gw.isEmpty()) {
                        peer = Cidr.parseLiteral(pct < 0 ? gw : gw.substring(0, pct));
                    }
                }
            }
            if (peer == null) {
                peer = unspecified(inner instanceof Inet6Address);
            }
            return new TunnelIntent(name, role, type, local, remote, key, inner, prefixLength, peer, routes, mtu,
                    Optional.empty(), 0);
        } catch (RuntimeException e) {
            throw new ConfigException("mikrotik: cannot parse the running state of " + name + ": " + e.getMessage(),
                    false, e);
        }
    }

    /** Every exported entry of {@link #READS}, read in one round trip. */
    List<ExportParser.Entry> fetch() throws ConfigException {
        return ExportParser.parse(exporter.export(READS));
    }

    /** A value verbose export always prints; its absence means the read cannot be trusted. */
    private static String required(ExportParser.Entry e, String key) {
        return e.get(key).filter(v -> !v.isEmpty()).orElseThrow(() -> new IllegalStateException(
                e.menu() + " export verbose shows no " + key));
    }

    /** An address property; unset ({@code ""} in verbose export, or left out) is empty. */
    private static Optional<InetAddress> address(ExportParser.Entry e, String key) {
        return e.get(key).filter(v -> !v.isEmpty()).map(Cidr::parseLiteral);
    }

    private static List<ExportParser.Entry> entries(List<ExportParser.Entry> all, String menu) {
        return all.stream().filter(e -> e.menu().equals(menu)).toList();
    }

    private static InetAddress unspecified(boolean v6) {
        return Cidr.parseLiteral(v6 ? "::" : "0.0.0.0");
    }
}
