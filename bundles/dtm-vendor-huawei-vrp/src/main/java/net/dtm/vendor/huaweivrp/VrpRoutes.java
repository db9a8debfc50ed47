package net.dtm.vendor.huaweivrp;

import java.net.InetAddress;
import java.util.List;

import net.dtm.api.Cidr;
import net.dtm.spi.config.RouteBehaviour;

/**
 * Static routes into the tunnel: {@code ip route-static P MASK {NAME} NEXTHOP}. The outgoing
 * interface is named as well as the next hop, so the route belongs to one tunnel unambiguously
 * (that is how {@code read} tells which routes are the tunnel's) and does not depend on the next
 * hop lying inside the tunnel's inner prefix. {@code undo ip route-static P MASK {NAME}} removes
 * the route through that tunnel, whatever its next hop.
 */
final class VrpRoutes implements RouteBehaviour {

    @Override
    public List<String> addRoute(String name, Cidr prefix, InetAddress nextHop) {
        return List.of("ip route-static " + VrpSyntax.address(prefix.network()) + " " + VrpSyntax.mask(prefix.prefixLength())
                + " " + VrpSyntax.tunnel(name) + " " + VrpSyntax.address(nextHop));
    }

    @Override
    public List<String> removeRoute(String name, Cidr prefix) {
        return List.of("undo ip route-static " + VrpSyntax.address(prefix.network()) + " "
                + VrpSyntax.mask(prefix.prefixLength()) + " " + VrpSyntax.tunnel(name));
    }
}
