package net.dtm.vendor.ciscoios;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;

/** Intents for the tests. */
final class Samples {

    private Samples() {
    }

    static TunnelIntent intent(String name, TunnelType type, String local, String remote, long key, String inner, int length,
                               String peer, int mtu, String... routes) {
        return new TunnelIntent(name, TunnelIntent.Role.DEVICE, type, Cidr.parseLiteral(local),
                new InetSocketAddress(Cidr.parseLiteral(remote), 0), key, Cidr.parseLiteral(inner), length,
                Cidr.parseLiteral(peer), Arrays.stream(routes).map(Cidr::parse).toList(), mtu, Optional.empty(), 0);
    }

    /** GRE with a key, IPv4 inner, two routes, on 192.0.2.1 (the lab's outer address). */
    static TunnelIntent gre(String name) {
        return intent(name, TunnelType.GRE, IosLab.OUTER, "198.51.100.7", 4711, "10.220.0.1", 30, "10.220.0.2", 1400,
                "10.221.0.0/16", "172.16.8.0/24");
    }

    static TunnelIntent ipip(String name) {
        return intent(name, TunnelType.IPIP, IosLab.OUTER, "198.51.100.7", 0, "10.220.0.1", 30, "10.220.0.2", 1400,
                "10.221.0.0/16");
    }

    static TunnelIntent greV6Inner(String name) {
        return intent(name, TunnelType.GRE, IosLab.OUTER, "198.51.100.7", 0, "fd00:220::1", 64, "fd00:220::2", 1400,
                "2001:db8:100::/48");
    }

    static List<TunnelType> types() {
        return List.of(TunnelType.GRE, TunnelType.IPIP);
    }
}
