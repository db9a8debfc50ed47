package net.dtm.vendor.openwrt;

import java.net.InetAddress;
import java.util.List;

import net.dtm.api.Cidr;
import net.dtm.spi.config.RouteBehaviour;

/**
 * Routes as {@code config route} (IPv4: target, netmask, gateway) and {@code config route6} (IPv6:
 * target in CIDR form, gateway) sections on {@code <name>_inner}, named by {@link UciNames#route}, with
 * DTM's owner option.
 */
final class OpenWrtRoutes implements RouteBehaviour {

    @Override
    public List<String> addRoute(String name, Cidr prefix, InetAddress nextHop) {
        String s = UciNames.route(name, prefix);
        if (prefix.isIpv4()) {
            return List.of(UciLine.section(s, "route"),
                    UciLine.set(s, UciNames.OWNER, UciNames.OWNER_VALUE),
                    UciLine.set(s, "interface", UciNames.inner(name)),
                    UciLine.set(s, "target", Cidr.format(prefix.network())),
                    UciLine.set(s, "netmask", Netmasks.ofLength(prefix.prefixLength())),
                    UciLine.set(s, "gateway", Cidr.format(nextHop)));
        }
        return List.of(UciLine.section(s, "route6"),
                UciLine.set(s, UciNames.OWNER, UciNames.OWNER_VALUE),
                UciLine.set(s, "interface", UciNames.inner(name)),
                UciLine.set(s, "target", prefix.toString()),
                UciLine.set(s, "gateway", Cidr.format(nextHop)));
    }

    @Override
    public List<String> removeRoute(String name, Cidr prefix) {
        return List.of(UciLine.delete(UciNames.route(name, prefix)));
    }
}
