package net.dtm.vendor.huaweivrp;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;

/** Intents and targets for the tests: the emulated device's GigabitEthernet0/0/1 is 192.0.2.1/24. */
final class Samples {

    private Samples() {
    }

    static TunnelIntent gre(String name, long key) {
        return intent(name, TunnelType.GRE, key, "10.220.0.1", 30, "10.220.0.2", 1400, "10.221.0.0/16");
    }

    static TunnelIntent ipip(String name) {
        return intent(name, TunnelType.IPIP, 0, "10.220.0.1", 30, "10.220.0.2", 1400, "10.221.0.0/16");
    }

    static TunnelIntent intent(String name, TunnelType type, long key, String inner, int prefix, String peer, int mtu,
                               String... routes) {
        return new TunnelIntent(name, TunnelIntent.Role.DEVICE, type, Cidr.parseLiteral("192.0.2.1"),
                new InetSocketAddress(Cidr.parseLiteral("198.51.100.7"), 0), key, Cidr.parseLiteral(inner), prefix,
                Cidr.parseLiteral(peer), Arrays.stream(routes).map(Cidr::parse).toList(), mtu, Optional.empty(), 0);
    }

    static TunnelIntent withRoutes(TunnelIntent i, List<Cidr> routes) {
        return new TunnelIntent(i.name(), i.role(), i.type(), i.localOuter(), i.remoteOuter(), i.key(), i.innerAddress(),
                i.prefixLength(), i.peerInner(), routes, i.mtu(), i.wireGuard(), i.persistentKeepaliveSeconds());
    }

    static TunnelIntent withInner(TunnelIntent i, String inner) {
        return new TunnelIntent(i.name(), i.role(), i.type(), i.localOuter(), i.remoteOuter(), i.key(), Cidr.parseLiteral(inner),
                i.prefixLength(), i.peerInner(), i.routes(), i.mtu(), i.wireGuard(), i.persistentKeepaliveSeconds());
    }

    static DeviceTarget target(String host, int port, Map<String, String> options) {
        return new DeviceTarget(HuaweiVrpAdapter.VENDOR, "", "", host, port, "dtm", Optional.empty(), options);
    }
}
