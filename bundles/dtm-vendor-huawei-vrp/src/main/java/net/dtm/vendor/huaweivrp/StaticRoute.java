package net.dtm.vendor.huaweivrp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import net.dtm.api.Cidr;

/**
 * One static route of the running configuration:
 * {@code ip route-static P MASK [INTERFACE] [NEXTHOP] [preference N] [description ...]} or
 * {@code ipv6 route-static P LEN [INTERFACE] [NEXTHOP] ...} (VRP prints IPv6 in capitals).
 *
 * @param prefix       destination prefix
 * @param outInterface outgoing interface, empty if the route names none
 * @param nextHop      next hop, if the route names one
 */
record StaticRoute(Cidr prefix, String outInterface, Optional<InetAddress> nextHop) {

    /** Every static route in {@code text} (lines that are not routes, or routes in a VPN instance, are skipped). */
    static List<StaticRoute> parseAll(String text) {
        List<StaticRoute> out = new ArrayList<>();
        for (String raw : text.split("\\r?\\n")) {
            String[] w = raw.strip().split("\\s+");
            if (w.length < 5 || !(w[0].equals("ip") || w[0].equals("ipv6")) || !w[1].equals("route-static")) {
                continue;
            }
            try {
                int i = 2;
                if (w[i].equals("vpn-instance")) {
                    continue;
                }
                InetAddress network = Cidr.parseLiteral(w[i++]);
                int length = w[i].contains(".") ? VrpSyntax.maskLength(w[i]) : Integer.parseInt(w[i]);
                i++;
                String iface = "";
                if (i < w.length && Character.isLetter(w[i].charAt(0)) && !isKeyword(w[i])) {
                    iface = w[i++];
                }
                Optional<InetAddress> hop = Optional.empty();
                if (i < w.length && !isKeyword(w[i])) {
                    hop = Optional.of(Cidr.parseLiteral(w[i]));
                }
                out.add(new StaticRoute(Cidr.parse(VrpSyntax.address(network) + "/" + length), iface, hop));
            } catch (RuntimeException notARouteWeKnow) {
                // another form: not DTM's
            }
        }
        return out;
    }

    private static boolean isKeyword(String w) {
        return switch (w) {
            case "preference", "tag", "description", "track", "bfd", "permanent", "inherit-cost", "no-advertise" -> true;
            default -> false;
        };
    }
}
