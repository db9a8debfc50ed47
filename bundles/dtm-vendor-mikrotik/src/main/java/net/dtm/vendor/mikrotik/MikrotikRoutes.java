package net.dtm.vendor.mikrotik;

import static net.dtm.vendor.mikrotik.RouterOsSyntax.address;
import static net.dtm.vendor.mikrotik.RouterOsSyntax.comment;
import static net.dtm.vendor.mikrotik.RouterOsSyntax.ipMenu;
import static net.dtm.vendor.mikrotik.RouterOsSyntax.quote;
import static net.dtm.vendor.mikrotik.RouterOsSyntax.tag;

import java.net.InetAddress;
import java.util.List;

import net.dtm.api.Cidr;
import net.dtm.spi.config.RouteBehaviour;

/**
 * Static routes into the tunnel ({@code /ip route}, {@code /ipv6 route}), tagged with the tunnel's
 * comment so that removing one never touches an operator's route to the same prefix.
 */
final class MikrotikRoutes implements RouteBehaviour {

    @Override
    public List<String> addRoute(String name, Cidr prefix, InetAddress nextHop) {
        return List.of(ipMenu(prefix.network()) + " route add dst-address=" + prefix + " gateway=" + address(nextHop)
                + " " + comment(name));
    }

    @Override
    public List<String> removeRoute(String name, Cidr prefix) {
        return List.of(ipMenu(prefix.network()) + " route remove [find where dst-address=" + prefix + " comment="
                + quote(tag(name)) + "]");
    }
}
