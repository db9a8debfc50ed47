package net.dtm.examples.vendor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;

/**
 * One tunnel interface of the EXR router, as its file {@code interfaces/<name>.conf} holds it:
 * <pre>
 * # EXR tunnel interface (example-files adapter)
 * type = vxlan
 * local = 192.0.2.1
 * remote = 198.51.100.1:4789
 * key = 4711
 * address = 10.64.0.2/16
 * mtu = 1400
 * route = 10.0.0.0/8 via 10.64.0.1
 * </pre>
 * The EXR holds at most one address per tunnel interface, and a freshly created interface has the
 * default MTU {@value #DEFAULT_MTU}.
 *
 * @param name         interface name (the file name without {@code .conf})
 * @param type         encapsulation
 * @param local        outer source address
 * @param remote       outer destination and port
 * @param key          VNI or GRE key, 0 = none
 * @param address      inner address, if set
 * @param prefixLength prefix length of {@code address} (0 when none)
 * @param mtu          inner MTU
 * @param routes       routes into the tunnel, sorted by prefix, one per prefix
 */
record InterfaceFile(String name, TunnelType type, InetAddress local, InetSocketAddress remote, long key,
                     Optional<InetAddress> address, int prefixLength, int mtu, List<Route> routes) {

    /** MTU of an interface nobody set one on. */
    static final int DEFAULT_MTU = 1500;

    /** One route into the tunnel. */
    record Route(Cidr prefix, InetAddress via) {
        Route {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(via, "via");
        }
    }

    InterfaceFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(address, "address");
        routes = routes.stream().sorted(Comparator.comparing(r -> r.prefix().toString())).toList();
    }

    /** A new interface: no address, default MTU, no routes. */
    static InterfaceFile created(String name, TunnelType type, InetAddress local, InetSocketAddress remote, long key) {
        return new InterfaceFile(name, type, local, remote, key, Optional.empty(), 0, DEFAULT_MTU, List.of());
    }

    InterfaceFile withTunnel(TunnelType t, InetAddress l, InetSocketAddress r, long k) {
        return new InterfaceFile(name, t, l, r, k, address, prefixLength, mtu, routes);
    }

    InterfaceFile withAddress(Optional<InetAddress> a, int length) {
        return new InterfaceFile(name, type, local, remote, key, a, a.isPresent() ? length : 0, mtu, routes);
    }

    InterfaceFile withMtu(int m) {
        return new InterfaceFile(name, type, local, remote, key, address, prefixLength, m, routes);
    }

    InterfaceFile withRoutes(List<Route> r) {
        return new InterfaceFile(name, type, local, remote, key, address, prefixLength, mtu, r);
    }

    /** The route to {@code prefix}, if any. */
    Optional<Route> route(Cidr prefix) {
        return routes.stream().filter(r -> r.prefix().equals(prefix)).findFirst();
    }

    /** The file's text. */
    String format() {
        StringBuilder b = new StringBuilder("# EXR tunnel interface (example-files adapter)\n");
        b.append("type = ").append(type.name().toLowerCase(Locale.ROOT)).append('\n');
        b.append("local = ").append(Literals.address(local)).append('\n');
        b.append("remote = ").append(Literals.endpoint(remote)).append('\n');
        b.append("key = ").append(key).append('\n');
        address.ifPresent(a -> b.append("address = ").append(Literals.interfaceAddress(a, prefixLength)).append('\n'));
        b.append("mtu = ").append(mtu).append('\n');
        for (Route r : routes) {
            b.append("route = ").append(r.prefix()).append(" via ").append(Literals.address(r.via())).append('\n');
        }
        return b.toString();
    }

    /**
     * Parses the text of {@code name}'s file.
     *
     * @throws IllegalArgumentException naming the line that is wrong
     */
    static InterfaceFile parse(String name, String text) {
        TunnelType type = null;
        InetAddress local = null;
        InetSocketAddress remote = null;
        long key = 0;
        Optional<InetAddress> address = Optional.empty();
        int length = 0;
        int mtu = DEFAULT_MTU;
        List<Route> routes = new ArrayList<>();
        int n = 0;
        for (String raw : text.split("\n", -1)) {
            n++;
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(name + ".conf line " + n + ": no '=' in '" + line + "'");
            }
            String k = line.substring(0, eq).trim();
            String v = line.substring(eq + 1).trim();
            try {
                switch (k) {
                    case "type" -> type = TunnelType.parse(v);
                    case "local" -> local = Literals.parseAddress(v);
                    case "remote" -> remote = Literals.parseEndpoint(v);
                    case "key" -> key = Long.parseLong(v);
                    case "address" -> {
                        int slash = v.indexOf('/');
                        if (slash < 0) {
                            throw new IllegalArgumentException("address '" + v + "' has no /length");
                        }
                        address = Optional.of(Literals.parseAddress(v.substring(0, slash)));
                        length = Integer.parseInt(v.substring(slash + 1).trim());
                    }
                    case "mtu" -> mtu = Integer.parseInt(v);
                    case "route" -> {
                        String[] parts = v.split("\\s+");
                        if (parts.length != 3 || !parts[1].equals("via")) {
                            throw new IllegalArgumentException("route '" + v + "' is not '<prefix> via <address>'");
                        }
                        routes.add(new Route(Cidr.parse(parts[0]), Literals.parseAddress(parts[2])));
                    }
                    default -> throw new IllegalArgumentException("unknown key '" + k + "'");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ".conf line " + n + ": " + e.getMessage(), e);
            }
        }
        if (type == null || local == null || remote == null) {
            throw new IllegalArgumentException(name + ".conf lacks " + (type == null ? "type" : local == null ? "local" : "remote"));
        }
        return new InterfaceFile(name, type, local, remote, key, address, length, mtu, routes);
    }
}
