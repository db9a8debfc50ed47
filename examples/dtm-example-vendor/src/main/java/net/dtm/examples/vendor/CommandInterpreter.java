package net.dtm.examples.vendor;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;

/**
 * Runs a batch of EXR commands against a working copy of the router's interfaces: nothing is
 * written until every line has been accepted, so a refused line leaves the router exactly as it
 * was (the EXR applies a batch all or nothing).
 */
final class CommandInterpreter {

    /** A line the EXR refuses, with the router's own error text. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private final RouterDirectory router;
    /** The working copy: interfaces read so far, with the batch's changes (absent = deleted). */
    private final Map<String, Optional<InterfaceFile>> working = new LinkedHashMap<>();
    private final java.util.Set<String> changed = new java.util.LinkedHashSet<>();

    CommandInterpreter(RouterDirectory router) {
        this.router = router;
    }

    /** Runs the lines in order; the changes, per interface, for {@link RouterDirectory#commit}. */
    Map<String, Optional<InterfaceFile>> run(List<String> lines) throws Refused, IOException {
        int n = 0;
        for (String line : lines) {
            n++;
            try {
                one(line.trim().split("\\s+"));
            } catch (Refused | IllegalArgumentException e) {
                throw new Refused("% line " + n + " '" + line + "': " + e.getMessage());
            }
        }
        Map<String, Optional<InterfaceFile>> out = new LinkedHashMap<>();
        for (String name : changed) {
            out.put(name, working.get(name));
        }
        return out;
    }

    private void one(String[] w) throws Refused, IOException {
        if (w.length < 3 || !w[0].equals("interface")) {
            throw new Refused("unknown command");
        }
        String name = w[1];
        String verb = w[2];
        if (verb.equals("create")) {
            if (current(name).isPresent()) {
                throw new Refused("interface " + name + " exists");
            }
            Tunnel t = tunnel(w);
            put(InterfaceFile.created(name, t.type, t.local, t.remote(), t.key));
            return;
        }
        InterfaceFile i = current(name).orElseThrow(() -> new Refused("no interface " + name));
        switch (verb) {
            case "set" -> {
                Tunnel t = tunnel(w);
                put(i.withTunnel(t.type, t.local, t.remote(), t.key));
            }
            case "delete" -> {
                words(w, 3);
                working.put(name, Optional.empty());
                changed.add(name);
            }
            case "mtu" -> {
                words(w, 4);
                int mtu = Integer.parseInt(w[3]);
                if (mtu < 68 || mtu > ExrCommands.MAX_MTU) {
                    throw new Refused("mtu " + mtu + " out of 68.." + ExrCommands.MAX_MTU);
                }
                put(i.withMtu(mtu));
            }
            case "address" -> address(i, w);
            case "route" -> route(i, w);
            default -> throw new Refused("unknown command '" + verb + "'");
        }
    }

    private void address(InterfaceFile i, String[] w) throws Refused {
        words(w, 5);
        int slash = w[4].indexOf('/');
        if (slash < 0) {
            throw new Refused("address " + w[4] + " has no /length");
        }
        InetAddress a = Literals.parseAddress(w[4].substring(0, slash));
        int length = Integer.parseInt(w[4].substring(slash + 1));
        if (length < 0 || length > a.getAddress().length * 8) {
            throw new Refused("address " + w[4] + ": prefix length out of range");
        }
        switch (w[3]) {
            case "add" -> {
                if (i.address().isPresent()) {
                    throw new Refused(i.name() + " already has address "
                            + Literals.interfaceAddress(i.address().get(), i.prefixLength()) + " (one per interface)");
                }
                put(i.withAddress(Optional.of(a), length));
            }
            case "remove" -> {
                if (!i.address().equals(Optional.of(a)) || i.prefixLength() != length) {
                    throw new Refused(i.name() + " has no address " + w[4]);
                }
                put(i.withAddress(Optional.empty(), 0));
            }
            default -> throw new Refused("address add or address remove, not '" + w[3] + "'");
        }
    }

    private void route(InterfaceFile i, String[] w) throws Refused {
        if (w.length < 5) {
            throw new Refused("route add <prefix> via <address> or route remove <prefix>");
        }
        Cidr prefix = Cidr.parse(w[4]);
        List<InterfaceFile.Route> routes = new ArrayList<>(i.routes());
        switch (w[3]) {
            case "add" -> {
                words(w, 7);
                if (!w[5].equals("via")) {
                    throw new Refused("route add <prefix> via <address>");
                }
                if (i.route(prefix).isPresent()) {
                    throw new Refused("route to " + prefix + " exists on " + i.name());
                }
                routes.add(new InterfaceFile.Route(prefix, Literals.parseAddress(w[6])));
            }
            case "remove" -> {
                words(w, 5);
                if (!routes.removeIf(r -> r.prefix().equals(prefix))) {
                    throw new Refused("no route to " + prefix + " on " + i.name());
                }
            }
            default -> throw new Refused("route add or route remove, not '" + w[3] + "'");
        }
        put(i.withRoutes(routes));
    }

    private record Tunnel(TunnelType type, InetAddress local, String remoteText, long key) {
        java.net.InetSocketAddress remote() {
            return Literals.parseEndpoint(remoteText);
        }
    }

    /** {@code interface <name> create|set <type> local <addr> remote <endpoint> key <n>} */
    private static Tunnel tunnel(String[] w) throws Refused {
        words(w, 10);
        if (!w[4].equals("local") || !w[6].equals("remote") || !w[8].equals("key")) {
            throw new Refused("expected <type> local <address> remote <address:port> key <n>");
        }
        TunnelType type = TunnelType.parse(w[3]);
        if (type == TunnelType.WIREGUARD) {
            throw new Refused("wireguard is not supported");
        }
        long key = Long.parseLong(w[9]);
        if (key < 0 || key > 0xffffffffL) {
            throw new Refused("key " + key + " out of range");
        }
        Literals.parseEndpoint(w[7]);
        return new Tunnel(type, Literals.parseAddress(w[5]), w[7], key);
    }

    private static void words(String[] w, int n) throws Refused {
        if (w.length != n) {
            throw new Refused("expected " + n + " words, got " + w.length);
        }
    }

    private Optional<InterfaceFile> current(String name) throws IOException {
        Optional<InterfaceFile> known = working.get(name);
        if (known != null) {
            return known;
        }
        Optional<InterfaceFile> read;
        try {
            read = router.read(name);
        } catch (IllegalArgumentException malformed) {
            throw new IOException(malformed.getMessage(), malformed);
        }
        working.put(name, read);
        return read;
    }

    private void put(InterfaceFile i) {
        working.put(i.name(), Optional.of(i));
        changed.add(i.name());
    }
}
