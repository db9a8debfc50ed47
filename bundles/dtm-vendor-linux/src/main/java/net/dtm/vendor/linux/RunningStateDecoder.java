package net.dtm.vendor.linux;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.WireGuardKeys;

/**
 * Turns what the tools printed about one interface into the intent vocabulary, field by field as
 * the renderers set them, so that an interface built from an intent reads back equal to it.
 *
 * <p>Fields the kernel does not hold are read by these rules:
 * <ul>
 * <li>{@code peerInner}: the gateway of the interface's routes; for WireGuard without routes, the
 * peer's allowed host prefix that is not a route; otherwise (GRE, IPIP or VXLAN without routes) it
 * cannot be read and is the unspecified address ({@code 0.0.0.0} or {@code ::}, in the family of the
 * inner address). The core compares {@code peerInner} only when both sides have routes.</li>
 * <li>No global address on the interface: {@code innerAddress} is {@code 0.0.0.0} with prefix 0
 * (and {@link LinuxAddressing#removeAddress} renders nothing for it).</li>
 * <li>WireGuard's local outer address and a listen port of 0 come from the interface alias
 * ({@link WireGuardAlias}); without that alias the local outer address is unspecified.</li>
 * <li>The WireGuard private key file cannot be read back: it is the empty path.</li>
 * <li>WireGuard with several peers: their public keys joined by {@code ,}, which matches no intent,
 * so the core re-renders the peer and that replaces them.</li>
 * <li>GRE whose input and output keys differ: key -1, which matches no intent, so the core
 * re-creates the interface.</li>
 * <li>GRE and IPIP have no port: the remote outer port reads as 0.</li>
 * </ul>
 */
final class RunningStateDecoder {

    private RunningStateDecoder() {
    }

    /** What is known about interface {@code link}, and its WireGuard state when it is one. */
    static TunnelIntent decode(TunnelIntent.Role role, LinkState link, List<AddressEntry> addresses, List<GatewayRoute> routes,
                               Optional<WireGuardState> wireGuard) throws ConfigException {
        String name = link.name();
        String source = "ip -j -d link show dev " + name;
        String kind = link.kind().orElse("");
        TunnelType type;
        if (TunnelKinds.TUN.equals(kind)) {
            if (wireGuard.isEmpty()) {
                throw new ConfigException("interface " + name + " is a TUN device that wg does not know, not a WireGuard "
                        + "interface: the linux adapter does not manage it; remove it or choose another name", true);
            }
            type = TunnelType.WIREGUARD;
        } else {
            type = TunnelKinds.type(kind).orElseThrow(() -> new ConfigException("interface " + name + " exists as a "
                    + (kind.isEmpty() ? "non-virtual" : "'" + kind + "'") + " link, not a tunnel the linux adapter manages; "
                    + "remove it or choose another name", true));
        }
        if (type == TunnelType.WIREGUARD && wireGuard.isEmpty()) {
            throw new ConfigException("interface " + name + " is WireGuard but its peer state was not read", false);
        }

        Optional<AddressEntry> inner = addresses.stream().filter(a -> a.device().equals(name) && a.global()).findFirst();
        InetAddress innerAddress = inner.map(AddressEntry::address).orElse(IpSyntax.unspecified(false));
        int prefixLength = inner.map(AddressEntry::prefixLength).orElse(0);
        List<Cidr> routePrefixes = routes.stream().map(GatewayRoute::prefix).toList();

        Map<String, Object> data = link.infoData();
        InetAddress local;
        InetSocketAddress remote;
        long key = 0;
        Optional<WireGuardKeys> keys = Optional.empty();
        int keepalive = 0;
        Optional<InetAddress> wireGuardPeerInner = Optional.empty();
        switch (kind) {
            case "vxlan" -> {
                boolean v6 = data.containsKey("remote6") || data.containsKey("local6");
                InetAddress r = address(data, v6 ? "remote6" : "remote", v6, source);
                local = address(data, v6 ? "local6" : "local", v6, source);
                remote = new InetSocketAddress(r, (int) JsonFields.integer(data, "port", source).orElse(0));
                key = JsonFields.requiredInteger(data, "id", source);
            }
            case "gre", "ip6gre" -> {
                boolean v6 = kind.equals("ip6gre");
                local = address(data, "local", v6, source);
                remote = new InetSocketAddress(address(data, "remote", v6, source), 0);
                key = greKey(data, source);
            }
            case "ipip", "ip6tnl" -> {
                boolean v6 = kind.equals("ip6tnl");
                local = address(data, "local", v6, source);
                remote = new InetSocketAddress(address(data, "remote", v6, source), 0);
            }
            default -> { // WireGuard, in the kernel or wireguard-go's TUN device
                WireGuardState wg = wireGuard.get();
                Optional<WireGuardState.Peer> first = wg.peers().stream().findFirst();
                Optional<WireGuardAlias> alias = link.alias().flatMap(WireGuardAlias::parse);
                remote = first.flatMap(WireGuardState.Peer::endpoint).orElse(new InetSocketAddress(IpSyntax.unspecified(false), 0));
                local = alias.map(WireGuardAlias::localOuter).orElse(IpSyntax.unspecified(IpSyntax.isIpv6(remote.getAddress())));
                int listenPort = alias.filter(a -> a.listenPort() == 0).isPresent() ? 0 : wg.listenPort();
                // every peer, sorted: wg lists them in its hash order, and a read must not depend on it
                String peerKey = wg.peers().stream().map(WireGuardState.Peer::publicKey).sorted()
                        .collect(Collectors.joining(","));
                keys = Optional.of(new WireGuardKeys(Path.of(""), peerKey, listenPort));
                keepalive = first.map(WireGuardState.Peer::persistentKeepalive).orElse(0);
                wireGuardPeerInner = first.flatMap(p -> p.allowedIps().stream()
                        .filter(c -> c.prefixLength() == c.addressBits() && !routePrefixes.contains(c))
                        .map(Cidr::network).findFirst());
            }
        }

        Optional<InetAddress> fromAllowedIps = wireGuardPeerInner;
        InetAddress peerInner = routes.stream().map(GatewayRoute::gateway).findFirst()
                .or(() -> fromAllowedIps)
                .orElse(IpSyntax.unspecified(IpSyntax.isIpv6(innerAddress)));
        return new TunnelIntent(name, role, type, local, remote, key, innerAddress, prefixLength, peerInner, routePrefixes,
                link.mtu(), keys, keepalive);
    }

    private static InetAddress address(Map<String, Object> data, String field, boolean ipv6, String source) {
        return JsonFields.string(data, field, source).map(s -> IpSyntax.parseAddress(s, ipv6, source))
                .orElse(IpSyntax.unspecified(ipv6));
    }

    /** GRE keys are printed as dotted quads ({@code 0.0.0.42}); a number is accepted too. */
    private static long greKey(Map<String, Object> data, String source) {
        long ikey = greKeyField(data, "ikey", source);
        long okey = greKeyField(data, "okey", source);
        return ikey == okey ? ikey : -1;
    }

    private static long greKeyField(Map<String, Object> data, String field, String source) {
        Object v = data.get(field);
        if (v == null) {
            return 0;
        }
        if (v instanceof Long l) {
            return l;
        }
        String s = v.toString();
        try {
            if (s.matches("\\d+")) {
                return Long.parseLong(s);
            }
            byte[] b = Cidr.parseLiteral(s).getAddress();
            if (b.length == 4) {
                return ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below
        }
        throw new JsonFields.UnexpectedOutputException(source + ": GRE " + field + " '" + s + "' is neither a number nor a dotted quad");
    }
}
