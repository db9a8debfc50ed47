package net.dtm.vendor.linux;

import java.util.Optional;
import java.util.Set;

import net.dtm.api.TunnelType;

/** The kernel link kinds ({@code linkinfo.info_kind}) this adapter builds, and the tunnel type each is. */
final class TunnelKinds {

    /** A WireGuard interface of wireguard-go is a plain TUN device. */
    static final String TUN = "tun";

    /** Every kind {@link #type(String)} knows, plus {@link #TUN}. */
    static final Set<String> MANAGED = Set.of("vxlan", "gre", "ip6gre", "ipip", "ip6tnl", "wireguard", TUN);

    private TunnelKinds() {
    }

    /** The tunnel type of a kernel link kind; empty for {@link #TUN} (WireGuard only if wg knows it) and others. */
    static Optional<TunnelType> type(String kind) {
        return Optional.ofNullable(switch (kind) {
            case "vxlan" -> TunnelType.VXLAN;
            case "gre", "ip6gre" -> TunnelType.GRE;
            case "ipip", "ip6tnl" -> TunnelType.IPIP;
            case "wireguard" -> TunnelType.WIREGUARD;
            default -> null;
        });
    }

    /** The kernel module that provides the encapsulation of {@code type} over IPv4 or IPv6. */
    static String module(TunnelType type, boolean ipv6Outer) {
        return switch (type) {
            case VXLAN -> "vxlan";
            case GRE -> ipv6Outer ? "ip6_gre" : "ip_gre";
            case IPIP -> ipv6Outer ? "ip6_tunnel" : "ipip";
            case WIREGUARD -> "wireguard";
        };
    }
}
