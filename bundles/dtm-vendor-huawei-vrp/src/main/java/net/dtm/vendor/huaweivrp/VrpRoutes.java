package net.dtm.vendor.huaweivrp;

import java.net.InetAddress;
import java.util.List;

import net.dtm.api.Cidr;
import net.dtm.spi.config.RouteBehaviour;

/**
 * Static routes into the tunnel: {@code ip route-static P MASK Tunnel0/0/N NEXTHOP}, for IPv6
 * {@code ipv6 route-static P LEN Tunnel0/0/N NEXTHOP}. The outgoing
 * interface is named as well as the next hop, so the route belongs to one tunnel unambiguously
 * (that is how {@code read} tells which routes are the tunnel's) and does not depend on the next
 * hop lying inside the tunnel's inner prefix. {@code undo ip route-static P MASK Tunnel0/0/N} removes
 * the route through that tunnel, whatever its next hop ({@code undo ipv6 route-static P LEN Tunnel0/0/N}).
 */
final class VrpRoutes implements RouteBehaviour {

    private final TunnelNumbers numbers;

    VrpRoutes(TunnelNumbers numbers) {
        this.numbers = numbers;
    }

    @Override
    public List<String> addRoute(String name, Cidr prefix, InetAddress nextHop) {
        return List.of(destination(prefix) + " " + numbers.interfaceOf(name) + " " + VrpSyntax.address(nextHop));
    }

    @Override
    public List<String> removeRoute(String name, Cidr prefix) {
        return List.of("undo " + destination(prefix) + " " + numbers.interfaceOf(name));
    }

    /** {@code ip route-static P MASK} or {@code ipv6 route-static P LEN}. */
    static String destination(Cidr prefix) {
        return prefix.isIpv4()
                ? "ip route-static " + VrpSyntax.address(prefix.network()) + " " + VrpSyntax.mask(prefix.prefixLength())
                : "ipv6 route-static " + VrpSyntax.address(prefix.network()) + " " + prefix.prefixLength();
    }
}
