package net.dtm.vendor.linux;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import net.dtm.api.Cidr;

/**
 * A route with a next hop, as {@code ip -j route show dev NAME} prints it: the only kind of route
 * an intent puts on a tunnel interface (the connected route of the inner prefix has no gateway and
 * belongs to the kernel).
 *
 * @param prefix  destination
 * @param gateway next hop
 */
record GatewayRoute(Cidr prefix, InetAddress gateway) {

    GatewayRoute {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(gateway, "gateway");
    }

    /**
     * Parses the output of {@code ip [-4|-6] -j route show dev NAME}, keeping the routes with a
     * gateway (multipath routes, which have their gateways in {@code nexthops}, are not an intent's).
     *
     * @param ipv6 the family the listing was asked for (decides what {@code default} means)
     * @throws JsonFields.UnexpectedOutputException if it is not what iproute2 prints
     */
    static List<GatewayRoute> parse(String json, boolean ipv6, String source) {
        List<GatewayRoute> out = new ArrayList<>();
        for (Map<String, Object> r : JsonFields.objects(json, source)) {
            Optional<String> gateway = JsonFields.string(r, "gateway", source);
            if (gateway.isEmpty()) {
                continue;
            }
            String dst = JsonFields.requiredString(r, "dst", source);
            out.add(new GatewayRoute(IpSyntax.parsePrefix(dst, ipv6, source), IpSyntax.parseAddress(gateway.get(), ipv6, source)));
        }
        return out;
    }

    /**
     * The outgoing interface in the output of {@code ip -j route get ADDRESS}.
     *
     * @throws JsonFields.UnexpectedOutputException if it is not what iproute2 prints
     */
    static Optional<String> lookupDevice(String json, String source) {
        List<Map<String, Object>> routes = JsonFields.objects(json, source);
        return routes.isEmpty() ? Optional.empty() : JsonFields.string(routes.get(0), "dev", source);
    }
}
