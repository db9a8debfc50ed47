package net.dtm.vendor.linux;

import java.net.InetAddress;
import java.util.List;

import net.dtm.api.Cidr;
import net.dtm.spi.config.RouteBehaviour;

/**
 * Routes into the tunnel: {@code ip route replace PREFIX via PEER dev NAME onlink} (idempotent;
 * {@code onlink} because the peer's inner address need not lie in this end's inner prefix, as with
 * a /32 on a point-to-point tunnel) and {@code ip route del PREFIX dev NAME}.
 */
final class LinuxRoutes implements RouteBehaviour {

    @Override
    public List<String> addRoute(String name, Cidr prefix, InetAddress nextHop) {
        return List.of("ip route replace " + prefix + " via " + IpSyntax.address(nextHop) + " dev " + name + " onlink");
    }

    @Override
    public List<String> removeRoute(String name, Cidr prefix) {
        return List.of("ip route del " + prefix + " dev " + name);
    }
}
