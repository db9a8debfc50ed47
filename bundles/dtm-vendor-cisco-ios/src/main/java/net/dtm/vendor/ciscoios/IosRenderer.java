package net.dtm.vendor.ciscoios;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.AddressingBehaviour;
import net.dtm.spi.config.LinkSettingsBehaviour;
import net.dtm.spi.config.RouteBehaviour;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.TunnelInterfaceBehaviour;

/**
 * Renders IOS configuration lines. Every block that touches the interface starts with
 * {@code interface TunnelN}, so blocks can be put together in any order; none ends with {@code exit},
 * since IOS runs a global command typed in interface mode (the next {@code interface} or
 * {@code ip route}) in global mode, and every line is a round trip. Static routes name the tunnel interface as
 * well as the next hop ({@code ip route P MASK TunnelN NEXTHOP}): that ties a route to its tunnel,
 * lets a route be removed without knowing its next hop, and lets {@code no interface} take the
 * routes with it.
 */
final class IosRenderer implements TunnelInterfaceBehaviour, AddressingBehaviour, RouteBehaviour, LinkSettingsBehaviour {

    private static final Set<TunnelType> TYPES = EnumSet.of(TunnelType.GRE, TunnelType.IPIP);
    private static final int IPV6_MINIMUM_MTU = 1280;

    private final TunnelNumbers numbers;

    IosRenderer(TunnelNumbers numbers) {
        this.numbers = numbers;
    }

    @Override
    public Set<TunnelType> types() {
        return TYPES;
    }

    @Override
    public List<String> validate(TunnelIntent intent) {
        List<String> problems = new ArrayList<>(numbers.problems(intent.name()));
        switch (intent.type()) {
            case VXLAN -> problems.add("cisco-ios does not build VXLAN tunnels: IOS VXLAN is an NVE/EVPN overlay, not a"
                    + " point-to-point tunnel interface; use gre or ipip");
            case WIREGUARD -> problems.add("cisco-ios does not build WireGuard tunnels: IOS has no WireGuard; use gre or ipip");
            case IPIP -> {
                if (IosSyntax.isV6(intent.localOuter())) {
                    problems.add("IOS 'tunnel mode ipip' runs over IPv4 only; outer address " + Cidr.format(intent.localOuter())
                            + " is IPv6: use gre");
                }
                if (IosSyntax.isV6(intent.innerAddress())) {
                    problems.add("IOS 'tunnel mode ipip' carries IPv4 only; inner address "
                            + Cidr.format(intent.innerAddress()) + " is IPv6: use gre");
                }
            }
            default -> {
            }
        }
        return problems;
    }

    @Override
    public List<String> create(TunnelIntent intent) {
        List<String> out = new ArrayList<>();
        out.add(interfaceLine(intent.name()));
        out.add("description " + TunnelNumbers.description(intent.name()));
        endpoints(out, intent);
        return out;
    }

    @Override
    public List<String> update(TunnelIntent wanted, TunnelIntent running) {
        List<String> out = new ArrayList<>();
        out.add(interfaceLine(wanted.name()));
        endpoints(out, wanted);
        if (wanted.key() == 0 && running.key() != 0) {
            out.add("no tunnel key");
        }
        return out;
    }

    /** IOS changes mode, endpoints and key in place. */
    @Override
    public boolean recreates(TunnelIntent wanted, TunnelIntent running) {
        return false;
    }

    @Override
    public List<String> delete(String name) {
        return List.of("no " + interfaceLine(name));
    }

    @Override
    public List<String> addAddress(String name, InetAddress address, int prefixLength) {
        String line = IosSyntax.isV6(address)
                ? "ipv6 address " + IosSyntax.address(address) + "/" + prefixLength
                : "ip address " + IosSyntax.address(address) + " " + IosSyntax.mask(prefixLength);
        return List.of(interfaceLine(name), line);
    }

    @Override
    public List<String> removeAddress(String name, InetAddress address, int prefixLength) {
        String line;
        if (!IosSyntax.isV6(address)) {
            line = "no ip address";
        } else if (address.isAnyLocalAddress()) {
            line = "no ipv6 address";
        } else {
            line = "no ipv6 address " + IosSyntax.address(address) + "/" + prefixLength;
        }
        return List.of(interfaceLine(name), line);
    }

    @Override
    public List<String> addRoute(String name, Cidr prefix, InetAddress nextHop) {
        return List.of(route(name, prefix) + " " + IosSyntax.address(nextHop));
    }

    @Override
    public List<String> removeRoute(String name, Cidr prefix) {
        return List.of("no " + route(name, prefix));
    }

    /**
     * Sets the IPv4 MTU, and the IPv6 MTU as well where IPv6 allows it (1280 and up), so the inner
     * MTU holds whichever family the inner address is; below 1280 the IPv6 MTU goes back to its default.
     */
    @Override
    public List<String> setMtu(String name, int mtu) {
        return List.of(interfaceLine(name), "ip mtu " + mtu,
                mtu >= IPV6_MINIMUM_MTU ? "ipv6 mtu " + mtu : "no ipv6 mtu");
    }

    private String interfaceLine(String name) {
        return "interface " + numbers.interfaceName(name);
    }

    private String route(String name, Cidr prefix) {
        String tunnel = numbers.interfaceName(name);
        return prefix.isIpv4()
                ? "ip route " + IosSyntax.address(prefix.network()) + " " + IosSyntax.mask(prefix.prefixLength()) + " " + tunnel
                : "ipv6 route " + prefix + " " + tunnel;
    }

    private static void endpoints(List<String> out, TunnelIntent intent) {
        out.add("tunnel mode " + IosSyntax.tunnelMode(intent.type(), intent.localOuter()));
        out.add("tunnel source " + IosSyntax.address(intent.localOuter()));
        out.add("tunnel destination " + IosSyntax.address(intent.remoteOuter().getAddress()));
        if (intent.key() != 0) {
            out.add("tunnel key " + intent.key());
        }
    }
}
