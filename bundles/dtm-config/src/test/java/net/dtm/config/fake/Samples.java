package net.dtm.config.fake;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.WireGuardKeys;

/** Valid intents of every type for tests. */
public final class Samples {

    /** A valid 32-byte WireGuard public key. */
    public static final String PEER_KEY = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";

    private Samples() {
    }

    /** dtm0 on a router: VXLAN 100 over 192.0.2.10 -> 198.51.100.1:4789, 10.64.0.5/16 via 10.64.0.1, 10.0.0.0/8. */
    public static TunnelIntent vxlan() {
        return new TunnelIntent("dtm0", TunnelIntent.Role.DEVICE, TunnelType.VXLAN, Cidr.parseLiteral("192.0.2.10"),
                new InetSocketAddress(Cidr.parseLiteral("198.51.100.1"), 4789), 100, Cidr.parseLiteral("10.64.0.5"), 16,
                Cidr.parseLiteral("10.64.0.1"), List.of(Cidr.parse("10.0.0.0/8")), 1400, Optional.empty(), 0);
    }

    /** A sample of {@code type}, named {@code name}. */
    public static TunnelIntent of(TunnelType type, String name) {
        TunnelIntent v = vxlan();
        return switch (type) {
            case VXLAN -> rename(v, name);
            case GRE -> new TunnelIntent(name, v.role(), TunnelType.GRE, v.localOuter(), v.remoteOuter(), 7,
                    v.innerAddress(), v.prefixLength(), v.peerInner(), v.routes(), v.mtu(), Optional.empty(), 0);
            case IPIP -> new TunnelIntent(name, v.role(), TunnelType.IPIP, v.localOuter(), v.remoteOuter(), 0,
                    v.innerAddress(), v.prefixLength(), v.peerInner(), v.routes(), v.mtu(), Optional.empty(), 0);
            case WIREGUARD -> new TunnelIntent(name, v.role(), TunnelType.WIREGUARD, v.localOuter(),
                    new InetSocketAddress(v.remoteOuter().getAddress(), 51820), 0, v.innerAddress(), v.prefixLength(),
                    v.peerInner(), v.routes(), 1380, Optional.of(new WireGuardKeys(Path.of("/etc/dtm/wg-" + name + ".key"),
                    PEER_KEY, 51821)), 25);
        };
    }

    /** IPv6 everywhere: GRE over 2001:db8::10 -> 2001:db8:1::1, inner fd00:64::5/64 via fd00:64::1, route fd00:100::/48. */
    public static TunnelIntent ipv6Gre() {
        return new TunnelIntent("dtm6", TunnelIntent.Role.DEVICE, TunnelType.GRE, Cidr.parseLiteral("2001:db8::10"),
                new InetSocketAddress(Cidr.parseLiteral("2001:db8:1::1"), 0), 42, Cidr.parseLiteral("fd00:64::5"), 64,
                Cidr.parseLiteral("fd00:64::1"), List.of(Cidr.parse("fd00:100::/48")), 1400, Optional.empty(), 0);
    }

    /** {@code intent} under another interface name. */
    public static TunnelIntent rename(TunnelIntent i, String name) {
        return new TunnelIntent(name, i.role(), i.type(), i.localOuter(), i.remoteOuter(), i.key(), i.innerAddress(),
                i.prefixLength(), i.peerInner(), i.routes(), i.mtu(), i.wireGuard(), i.persistentKeepaliveSeconds());
    }

    /** {@code intent} with other routes. */
    public static TunnelIntent routes(TunnelIntent i, String... prefixes) {
        return new TunnelIntent(i.name(), i.role(), i.type(), i.localOuter(), i.remoteOuter(), i.key(), i.innerAddress(),
                i.prefixLength(), i.peerInner(), java.util.Arrays.stream(prefixes).map(Cidr::parse).toList(), i.mtu(),
                i.wireGuard(), i.persistentKeepaliveSeconds());
    }

    /** {@code intent} with another key. */
    public static TunnelIntent key(TunnelIntent i, long key) {
        return new TunnelIntent(i.name(), i.role(), i.type(), i.localOuter(), i.remoteOuter(), key, i.innerAddress(),
                i.prefixLength(), i.peerInner(), i.routes(), i.mtu(), i.wireGuard(), i.persistentKeepaliveSeconds());
    }

    /** {@code intent} with another inner address, prefix and peer. */
    public static TunnelIntent inner(TunnelIntent i, String inner, int prefix, String peer) {
        return new TunnelIntent(i.name(), i.role(), i.type(), i.localOuter(), i.remoteOuter(), i.key(),
                Cidr.parseLiteral(inner), prefix, Cidr.parseLiteral(peer), i.routes(), i.mtu(), i.wireGuard(),
                i.persistentKeepaliveSeconds());
    }
}
