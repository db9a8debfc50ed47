package net.dtm.vendor.huaweivrp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;

/**
 * One interface as the running configuration shows it ({@code display current-configuration
 * interface}), parsed line by line; values VRP leaves out because they are its defaults read as
 * those defaults (MTU 1500, no key, protocol none). Every interface of the device is parsed, the
 * operator's too, so a line that does not parse never fails the whole parse: it is set aside in
 * {@code unreadable} (by its first word only, the rest may be a secret), and only reading an
 * interface DTM owns fails on it ({@link RunningConfigReader#read}).
 *
 * <p>VRP 8 shows a GRE key as {@code gre key plain K} when it was entered so, and as
 * {@code gre key cipher %^%#...%^%#} otherwise (the default): that key is
 * {@link #UNREADABLE_KEY}.
 *
 * @param name        interface name, e.g. {@code Tunnel0/0/4007}
 * @param description the description, empty if none
 * @param protocol    {@code gre}, {@code ipv4-ipv4}, ... or {@code none}
 * @param source      source address as written, empty if none (VRP also takes an interface name here)
 * @param destination destination address as written, empty if none
 * @param greKey      GRE key, 0 if none, {@link #UNREADABLE_KEY} if it cannot be read back
 * @param addressPrefix inner prefix, if any
 * @param address     inner address, if any
 * @param mtu         MTU
 * @param unreadable  the first word of each line that did not parse
 * @param secondary   the secondary IPv4 addresses ({@code ip address A MASK sub}), as VRP prints them
 */
record TunnelConfig(String name, String description, String protocol, String source, String destination, long greKey,
                    Optional<Cidr> addressPrefix, Optional<InetAddress> address, int mtu, List<String> unreadable,
                    List<String> secondary) {

    /** VRP's MTU of a tunnel interface without an {@code mtu} line. */
    static final int DEFAULT_MTU = 1500;
    /**
     * The key of a tunnel whose key VRP shows as cipher text: not a GRE key (0..4294967295), so it
     * never equals an intent's and the core's diff re-applies DTM's plain key.
     */
    static final long UNREADABLE_KEY = -1;

    /** Every interface block of {@code text}, by interface name, in order. */
    static Map<String, TunnelConfig> parseAll(String text) {
        Map<String, TunnelConfig> out = new LinkedHashMap<>();
        String name = null;
        List<String> body = new ArrayList<>();
        for (String raw : text.split("\\r?\\n")) {
            String line = raw.stripTrailing();
            if (line.startsWith("interface ")) {
                if (name != null) {
                    out.put(name, parse(name, body));
                }
                name = line.substring("interface ".length()).strip();
                body = new ArrayList<>();
            } else if (name != null && line.startsWith(" ")) {
                body.add(line.strip());
            } else if (name != null) {
                out.put(name, parse(name, body));
                name = null;
            }
        }
        if (name != null) {
            out.put(name, parse(name, body));
        }
        return out;
    }

    private static TunnelConfig parse(String name, List<String> body) {
        String description = "";
        String protocol = "none";
        String source = "";
        String destination = "";
        long key = 0;
        Optional<InetAddress> address = Optional.empty();
        Optional<Cidr> prefix = Optional.empty();
        int mtu = DEFAULT_MTU;
        List<String> unreadable = new ArrayList<>();
        List<String> secondary = new ArrayList<>();
        for (String line : body) {
            String[] w = line.split("\\s+");
            try {
                if (line.startsWith("description ")) {
                    description = line.substring("description ".length()).strip();
                } else if (w[0].equals("tunnel-protocol") && w.length >= 2) {
                    protocol = w[1];
                } else if (w[0].equals("source") && w.length >= 2) {
                    source = line.substring("source ".length()).strip();
                } else if (w[0].equals("destination") && w.length >= 2) {
                    destination = w[w.length - 1];
                } else if (w[0].equals("gre") && w.length >= 3 && w[1].equals("key")) {
                    key = greKey(w);
                } else if (w[0].equals("mtu") && w.length == 2) {
                    mtu = Integer.parseInt(w[1]);
                } else if (w[0].equals("ip") && w.length == 5 && w[1].equals("address") && w[4].equals("sub")) {
                    secondary.add(Cidr.format(Cidr.parseLiteral(w[2])));
                } else if (w[0].equals("ip") && w.length == 4 && w[1].equals("address")) {
                    InetAddress a = Cidr.parseLiteral(w[2]);
                    int length = VrpSyntax.maskLength(w[3]);
                    address = Optional.of(a);
                    prefix = Optional.of(Cidr.parse(VrpSyntax.address(IntentBits.network(a, length)) + "/" + length));
                } else if (w[0].equals("ipv6") && w.length == 3 && w[1].equals("address") && w[2].contains("/") && address.isEmpty()) {
                    // "ipv6 address FD00::1/64"; link-local, eui-64 and auto forms carry a keyword and are skipped
                    String[] a = w[2].split("/");
                    InetAddress v6 = Cidr.parseLiteral(a[0]);
                    int length = Integer.parseInt(a[1]);
                    address = Optional.of(v6);
                    prefix = Optional.of(new Cidr6(v6, length).cidr());
                }
            } catch (RuntimeException notOurShape) {
                unreadable.add(w[0]);
            }
        }
        return new TunnelConfig(name, description, protocol, source, destination, key, prefix, address, mtu, List.copyOf(unreadable),
                List.copyOf(secondary));
    }

    /**
     * {@code gre key plain K} → K; {@code gre key cipher TEXT} → {@link #UNREADABLE_KEY}; a bare
     * {@code gre key K} (not shown by VRP 8, read for safety) → K.
     *
     * @throws IllegalArgumentException for any other shape
     */
    private static long greKey(String[] w) {
        if (w.length >= 4 && w[2].equals("cipher")) {
            return UNREADABLE_KEY;
        }
        String number = w.length == 4 && w[2].equals("plain") ? w[3] : w.length == 3 ? w[2] : "";
        if (!number.matches("\\d{1,10}") || Long.parseLong(number) > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("not a GRE key");
        }
        return Long.parseLong(number);
    }

    /** An IPv6 prefix from an address and length (host bits cleared). */
    private record Cidr6(InetAddress address, int length) {
        Cidr cidr() {
            byte[] b = address.getAddress();
            for (int i = 0; i < 128; i++) {
                if (i >= length) {
                    b[i / 8] &= (byte) ~(0x80 >> (i % 8));
                }
            }
            try {
                return Cidr.parse(Cidr.format(InetAddress.getByAddress(b)) + "/" + length);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** True if DTM built this interface for intent {@code intentName}. */
    boolean ownedBy(String intentName) {
        return description.equals(VrpSyntax.description(intentName));
    }

    /** The intent name in a DTM description, if this is DTM's. */
    Optional<String> owner() {
        return description.startsWith(VrpSyntax.OWNER_PREFIX) && description.length() > VrpSyntax.OWNER_PREFIX.length()
                ? Optional.of(description.substring(VrpSyntax.OWNER_PREFIX.length()))
                : Optional.empty();
    }

    /**
     * This interface in the intent vocabulary. What VRP does not hold reads as the SPI's
     * conventions say: an unknown endpoint or inner address is {@code 0.0.0.0}, the peer's inner
     * address comes from the routes' next hop (the unspecified address without routes). Only routes
     * of the inner address's family are the tunnel's routes: DTM builds no other through it. A protocol DTM does
     * not build reads as GRE with unspecified endpoints, so the diff shows the interface must be redone.
     */
    TunnelIntent toIntent(String intentName, TunnelIntent.Role role, List<StaticRoute> routes) {
        InetAddress any = IntentBits.ANY4;
        boolean v6 = address.map(VrpSyntax::isIpv6).orElse(false);
        TunnelType type;
        boolean known = true;
        switch (protocol) {
            case "gre" -> type = TunnelType.GRE;
            case "ipv4-ipv4" -> type = TunnelType.IPIP;
            default -> {
                type = TunnelType.GRE;
                known = false;
            }
        }
        InetAddress local = known ? literal(source).orElse(any) : any;
        InetAddress remote = known ? literal(destination).orElse(any) : any;
        List<StaticRoute> ours = routes.stream().filter(r -> r.prefix().isIpv4() != v6).toList();
        List<Cidr> prefixes = ours.stream().map(StaticRoute::prefix).toList();
        InetAddress peer = ours.stream().map(StaticRoute::nextHop).flatMap(Optional::stream)
                .filter(h -> VrpSyntax.isIpv6(h) == v6).findFirst().orElse(v6 ? IntentBits.ANY6 : any);
        return new TunnelIntent(intentName, role, type, local, new InetSocketAddress(remote, 0),
                type == TunnelType.GRE ? greKey : 0, address.orElse(any), addressPrefix.map(Cidr::prefixLength).orElse(0),
                peer, prefixes, mtu, Optional.empty(), 0);
    }

    private static Optional<InetAddress> literal(String text) {
        try {
            return text.isEmpty() ? Optional.empty() : Optional.of(Cidr.parseLiteral(text));
        } catch (IllegalArgumentException notAnAddress) {
            return Optional.empty();
        }
    }
}
