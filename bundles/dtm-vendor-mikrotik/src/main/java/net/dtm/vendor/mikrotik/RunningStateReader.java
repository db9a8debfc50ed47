package net.dtm.vendor.mikrotik;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.TunnelIntent;

/**
 * Reads a tunnel back from terse exports into the intent vocabulary. Exports leave out properties
 * at their default, so a missing property reads as RouterOS's default: VXLAN {@code mtu} 1500 and
 * {@code port} 8472, GRE {@code mtu} 1476 and IPIP 1480 (their {@code auto} over a 1500 link). The
 * peer inner address comes from the gateway of the tunnel's tagged routes, the unspecified address
 * when there are none. A VXLAN interface without its VTEP, or whose listening port differs from the
 * VTEP's, reads with an unspecified or zero remote endpoint, so the core's diff repairs it.
 */
final class RunningStateReader {

    static final int VXLAN_DEFAULT_PORT = 8472;

    /** The menus read: each tunnel menu (VXLAN's export includes its VTEPs), addresses and routes. */
    static final List<String> MENUS = List.of("/interface vxlan", "/interface gre", "/interface ipip", "/ip address",
            "/ipv6 address", "/ip route", "/ipv6 route");

    /** Runs the exports of {@code menus} (on one line, to spare round trips) and returns the output. */
    interface Exporter {
        String export(List<String> menus) throws ConfigException;
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

    /** The addresses configured on the device (any interface), without their prefix lengths. */
    List<InetAddress> addresses() throws ConfigException {
        List<InetAddress> out = new ArrayList<>();
        List<ExportParser.Entry> all = fetch();
        for (String menu : List.of("/ip address", "/ipv6 address")) {
            for (ExportParser.Entry e : entries(all, menu)) {
                e.get("address").ifPresent(a -> out.add(Cidr.parseLiteral(a.substring(0, a.indexOf('/') < 0 ? a.length()
                        : a.indexOf('/')))));
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
                    key = Long.parseLong(itf.get("vni").orElse("0"));
                    mtu = Integer.parseInt(itf.get("mtu").orElse("1500"));
                    Optional<ExportParser.Entry> vtep = entries(all, "/interface vxlan vteps").stream()
                            .filter(e -> e.get("interface").orElse("").equals(name)).findFirst();
                    local = itf.get("local-address").map(Cidr::parseLiteral)
                            .orElse(unspecified("ipv6".equals(itf.get("vteps-ip-version").orElse("ipv4"))));
                    if (vtep.isEmpty()) {
                        // Half built or half removed: reads as no peer, so the core's update puts the VTEP back.
                        remote = new InetSocketAddress(unspecified(local instanceof Inet6Address), 0);
                    } else {
                        InetAddress remoteIp = Cidr.parseLiteral(vtep.get().get("remote-ip").orElse("0.0.0.0"));
                        String port = vtep.get().get("port").orElse(Integer.toString(VXLAN_DEFAULT_PORT));
                        String listens = itf.get("port").orElse(Integer.toString(VXLAN_DEFAULT_PORT));
                        // DTM gives the interface (where it listens) and the VTEP (where it sends) the same
                        // port; when they differ the device does not match any intent: read port 0.
                        remote = new InetSocketAddress(remoteIp, port.equals(listens) ? Integer.parseInt(port) : 0);
                    }
                }
                case "/interface gre", "/interface ipip" -> {
                    type = menu.endsWith("gre") ? TunnelType.GRE : TunnelType.IPIP;
                    key = 0;
                    String auto = type == TunnelType.GRE ? "1476" : "1480";
                    String m = itf.get("mtu").orElse(auto);
                    mtu = Integer.parseInt(m.equals("auto") ? auto : m);
                    InetAddress remoteIp = Cidr.parseLiteral(itf.get("remote-address").orElse("0.0.0.0"));
                    remote = new InetSocketAddress(remoteIp, 0);
                    local = itf.get("local-address").map(Cidr::parseLiteral)
                            .orElse(unspecified(remoteIp instanceof Inet6Address));
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

    /** Every entry of {@link #MENUS}, read in one round trip. */
    List<ExportParser.Entry> fetch() throws ConfigException {
        return ExportParser.parse(exporter.export(MENUS));
    }

    private static List<ExportParser.Entry> entries(List<ExportParser.Entry> all, String menu) {
        return all.stream().filter(e -> e.menu().equals(menu)).toList();
    }

    private static InetAddress unspecified(boolean v6) {
        return Cidr.parseLiteral(v6 ? "::" : "0.0.0.0");
    }
}
