package net.dtm.examples.vendor;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.AddressingBehaviour;
import net.dtm.spi.config.LinkSettingsBehaviour;
import net.dtm.spi.config.RouteBehaviour;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.TunnelInterfaceBehaviour;

/**
 * The EXR's command language, one line per command, and the behaviours that render it:
 * <pre>
 * interface dtm0 create vxlan local 192.0.2.1 remote 198.51.100.1:4789 key 4711
 * interface dtm0 set gre local 192.0.2.1 remote 198.51.100.1:0 key 0      (type, endpoints, key in place)
 * interface dtm0 delete
 * interface dtm0 address add 10.64.0.2/16      |  address remove 10.64.0.2/16
 * interface dtm0 route add 10.0.0.0/8 via 10.64.0.1   |  route remove 10.0.0.0/8
 * interface dtm0 mtu 1400
 * </pre>
 * VXLAN, GRE and IPIP; no WireGuard on the EXR.
 */
final class ExrCommands implements TunnelInterfaceBehaviour, AddressingBehaviour, RouteBehaviour, LinkSettingsBehaviour {

    /** Longest interface name the EXR accepts. */
    static final int MAX_NAME = 15;
    /** Largest MTU the EXR accepts. */
    static final int MAX_MTU = 9000;

    private static final Set<TunnelType> TYPES = EnumSet.of(TunnelType.VXLAN, TunnelType.GRE, TunnelType.IPIP);

    @Override
    public Set<TunnelType> types() {
        return TYPES;
    }

    @Override
    public List<String> validate(TunnelIntent intent) {
        List<String> problems = new ArrayList<>();
        if (intent.name().length() > MAX_NAME || !intent.name().matches("[A-Za-z0-9_.-]+") || intent.name().startsWith(".")) {
            problems.add("interface name '" + intent.name() + "': the EXR takes 1 to " + MAX_NAME
                    + " characters of A-Z a-z 0-9 _ . - not starting with a dot");
        }
        if (!TYPES.contains(intent.type())) {
            problems.add("the EXR cannot build " + lower(intent.type()) + " tunnels (vxlan, gre, ipip)");
        }
        if (intent.remoteOuter().isUnresolved()) {
            problems.add("remote endpoint " + intent.remoteOuter().getHostString() + ": the EXR takes an address, not a name");
        }
        if (intent.mtu() > MAX_MTU) {
            problems.add("mtu " + intent.mtu() + " is above the EXR's largest, " + MAX_MTU);
        }
        return problems;
    }

    @Override
    public List<String> create(TunnelIntent i) {
        return List.of(prefix(i.name()) + "create " + tunnel(i));
    }

    @Override
    public List<String> update(TunnelIntent wanted, TunnelIntent running) {
        return List.of(prefix(wanted.name()) + "set " + tunnel(wanted));
    }

    /** The EXR changes type, endpoints and key in place: addresses, MTU and routes stay. */
    @Override
    public boolean recreates(TunnelIntent wanted, TunnelIntent running) {
        return false;
    }

    @Override
    public List<String> delete(String name) {
        return List.of(prefix(name) + "delete");
    }

    @Override
    public List<String> addAddress(String name, InetAddress address, int prefixLength) {
        return List.of(prefix(name) + "address add " + Literals.interfaceAddress(address, prefixLength));
    }

    @Override
    public List<String> removeAddress(String name, InetAddress address, int prefixLength) {
        return List.of(prefix(name) + "address remove " + Literals.interfaceAddress(address, prefixLength));
    }

    @Override
    public List<String> addRoute(String name, Cidr prefix, InetAddress nextHop) {
        return List.of(prefix(name) + "route add " + prefix + " via " + Literals.address(nextHop));
    }

    @Override
    public List<String> removeRoute(String name, Cidr prefix) {
        return List.of(prefix(name) + "route remove " + prefix);
    }

    @Override
    public List<String> setMtu(String name, int mtu) {
        return List.of(prefix(name) + "mtu " + mtu);
    }

    private static String prefix(String name) {
        return "interface " + name + " ";
    }

    private static String tunnel(TunnelIntent i) {
        return lower(i.type()) + " local " + Literals.address(i.localOuter()) + " remote " + Literals.endpoint(i.remoteOuter())
                + " key " + i.key();
    }

    private static String lower(TunnelType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }
}
