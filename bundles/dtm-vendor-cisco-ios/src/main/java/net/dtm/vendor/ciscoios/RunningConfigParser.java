package net.dtm.vendor.ciscoios;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;

/**
 * Parses what IOS prints from its running configuration into the intent vocabulary. Holds no state;
 * every method takes the text the device printed. IOS leaves defaults out of the running
 * configuration, so an absent {@code tunnel mode} is GRE over IPv4 and an absent {@code ip mtu} is
 * the transport-derived default ({@link IosSyntax#defaultMtu}).
 */
final class RunningConfigParser {

    /** A static route into a tunnel. */
    record Route(Cidr prefix, InetAddress nextHop) {
    }

    /**
     * The tunnel interfaces in the output of
     * {@code show running-config | include ^interface |^ description|^!}, each with its description
     * ({@code ""} when it has none), in the device's order. A description belongs to the interface
     * line above it only: any other interface line or top-level line (a {@code !}, a route) ends the
     * tunnel, so the description of the interface after the last tunnel is never taken for the
     * tunnel's. The listing must keep every interface line, not only the tunnels'.
     */
    Map<String, String> tunnels(String output) {
        Map<String, String> out = new LinkedHashMap<>();
        String current = null;
        for (String raw : output.split("\\R")) {
            String line = stripEnd(raw);
            if (line.startsWith("interface ")) {
                String name = line.substring("interface ".length()).trim();
                current = name.startsWith("Tunnel") ? name : null;
                if (current != null) {
                    out.put(current, "");
                }
            } else if (current != null && line.startsWith(" description ")) {
                out.put(current, line.substring(" description ".length()));
            } else if (!line.startsWith(" ")) {
                current = null;
            }
        }
        return out;
    }

    /**
     * The static routes through {@code tunnel} in the output of
     * {@code show running-config | include ^ip route|^ipv6 route}: routes that name the interface and a
     * next hop; others are not DTM's and are left out.
     */
    List<Route> routes(String output, String tunnel) {
        List<Route> out = new ArrayList<>();
        for (String raw : output.split("\\R")) {
            String[] t = stripEnd(raw).trim().split("\\s+");
            try {
                if (t.length >= 5 && t[0].equals("ip") && t[1].equals("route") && t[4].equals(tunnel) && t.length >= 6) {
                    int length = IosSyntax.prefixLength(t[3]);
                    out.add(new Route(Cidr.parse(Cidr.format(Cidr.parseLiteral(t[2])) + "/" + length), Cidr.parseLiteral(t[5])));
                } else if (t.length >= 5 && t[0].equals("ipv6") && t[1].equals("route") && t[3].equals(tunnel)) {
                    out.add(new Route(Cidr.parse(normalPrefix(t[2])), Cidr.parseLiteral(t[4])));
                }
            } catch (IllegalArgumentException notARouteOfOurs) {
                // a route in a shape DTM never writes (e.g. a name or tag where the next hop goes)
            }
        }
        return out;
    }

    /**
     * The tunnel of {@code name} from the output of {@code show running-config interface TunnelN},
     * with {@code routes} (those through the tunnel) giving the routes and the peer's inner address.
     *
     * @throws IllegalArgumentException if the interface is in a shape DTM cannot describe (another
     *                                  tunnel mode, an outer endpoint that is not an address)
     */
    TunnelIntent tunnel(String output, String name, TunnelIntent.Role role, List<Route> routes) {
        InetAddress ip = null;
        int ipLength = 0;
        InetAddress ip6 = null;
        int ip6Length = 0;
        Integer ipMtu = null;
        Integer ip6Mtu = null;
        String mode = "gre ip";
        InetAddress source = null;
        InetAddress destination = null;
        long key = 0;
        boolean inside = false;
        for (String raw : output.split("\\R")) {
            String line = stripEnd(raw);
            if (line.startsWith("interface ")) {
                inside = true;
                continue;
            }
            if (!inside || !line.startsWith(" ")) {
                if (inside && !line.isBlank()) {
                    inside = false;
                }
                continue;
            }
            String l = line.trim();
            String[] t = l.split("\\s+");
            if (l.startsWith("ip address ") && t.length >= 4 && !l.endsWith(" secondary")) {
                ip = Cidr.parseLiteral(t[2]);
                ipLength = IosSyntax.prefixLength(t[3]);
            } else if (l.startsWith("ipv6 address ") && t.length == 3 && t[2].contains("/") && ip6 == null) {
                int slash = t[2].indexOf('/');
                ip6 = Cidr.parseLiteral(t[2].substring(0, slash));
                ip6Length = Integer.parseInt(t[2].substring(slash + 1));
            } else if (l.startsWith("ip mtu ")) {
                ipMtu = Integer.parseInt(t[2]);
            } else if (l.startsWith("ipv6 mtu ")) {
                ip6Mtu = Integer.parseInt(t[2]);
            } else if (l.startsWith("tunnel mode ")) {
                mode = l.substring("tunnel mode ".length()).trim();
            } else if (l.startsWith("tunnel source ")) {
                source = outerAddress(t[2]);
            } else if (l.startsWith("tunnel destination ")) {
                destination = outerAddress(t[2]);
            } else if (l.startsWith("tunnel key ")) {
                key = Long.parseLong(t[2]);
            }
        }
        TunnelType type = switch (mode) {
            case "gre ip", "gre ipv6" -> TunnelType.GRE;
            case "ipip" -> TunnelType.IPIP;
            default -> throw new IllegalArgumentException("the tunnel of " + name + " runs 'tunnel mode " + mode
                    + "', which DTM does not manage (only gre ip, gre ipv6 and ipip)");
        };
        boolean v6Outer = mode.equals("gre ipv6");
        InetAddress none = unspecified(v6Outer);
        boolean v6Inner = ip == null && ip6 != null;
        InetAddress inner = v6Inner ? ip6 : ip != null ? ip : unspecified(false);
        int length = v6Inner ? ip6Length : ip != null ? ipLength : 0;
        Integer explicitMtu = v6Inner ? ip6Mtu : ipMtu;
        int mtu = explicitMtu != null ? explicitMtu : IosSyntax.defaultMtu(type, v6Outer, key);
        Set<Cidr> prefixes = new LinkedHashSet<>();
        InetAddress peer = unspecified(v6Inner);
        for (Route r : routes) {
            if (prefixes.isEmpty()) {
                peer = r.nextHop();
            }
            prefixes.add(r.prefix());
        }
        return new TunnelIntent(name, role, type, source != null ? source : none,
                new InetSocketAddress(destination != null ? destination : none, 0), key, inner, length, peer,
                List.copyOf(prefixes), mtu, Optional.empty(), 0);
    }

    /**
     * The addresses interfaces use now, from {@code show ip interface brief} (the IP-Address column of
     * each row) or {@code show ipv6 interface brief} (the indented lines under each interface);
     * {@code unassigned}, headers and states are skipped.
     */
    Set<InetAddress> briefAddresses(String output) {
        Set<InetAddress> out = new LinkedHashSet<>();
        for (String raw : output.split("\\R")) {
            String[] t = raw.trim().split("\\s+");
            String candidate = raw.startsWith(" ") ? t[0] : t.length >= 2 ? t[1] : "";
            try {
                out.add(Cidr.parseLiteral(candidate));
            } catch (IllegalArgumentException notAnAddress) {
                // "unassigned", "IP-Address", "[up/up]", a blank line
            }
        }
        return out;
    }

    /**
     * The static secondary IPv4 addresses ({@code  ip address A M secondary}) in a running-configuration
     * listing: {@code show ip interface brief} shows only the primary one.
     */
    Set<InetAddress> secondaryAddresses(String output) {
        Set<InetAddress> out = new LinkedHashSet<>();
        for (String raw : output.split("\\R")) {
            String[] t = raw.trim().split("\\s+");
            if (raw.startsWith(" ip address ") && t.length == 5 && t[4].equals("secondary")) {
                try {
                    out.add(Cidr.parseLiteral(t[2]));
                } catch (IllegalArgumentException e) {
                    // not an address: nothing to compare with
                }
            }
        }
        return out;
    }

    private static InetAddress outerAddress(String text) {
        try {
            return Cidr.parseLiteral(text);
        } catch (IllegalArgumentException e) {
            // "tunnel source GigabitEthernet0/0": reported unspecified, so it shows as a change and DTM writes the address
            return null;
        }
    }

    private static String normalPrefix(String text) {
        int slash = text.indexOf('/');
        return Cidr.format(Cidr.parseLiteral(text.substring(0, slash))) + text.substring(slash);
    }

    private static InetAddress unspecified(boolean v6) {
        return Cidr.parseLiteral(v6 ? "::" : "0.0.0.0");
    }

    private static String stripEnd(String s) {
        return s.stripTrailing();
    }
}
