package net.dtm.vendor.mikrotik;

import static net.dtm.vendor.mikrotik.RouterOsSyntax.address;
import static net.dtm.vendor.mikrotik.RouterOsSyntax.comment;
import static net.dtm.vendor.mikrotik.RouterOsSyntax.quote;
import static net.dtm.vendor.mikrotik.RouterOsSyntax.tag;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.TunnelInterfaceBehaviour;

/**
 * The tunnel interface on RouterOS 7: {@code /interface vxlan} with one static VTEP
 * ({@code /interface vxlan vteps}, found by its interface), {@code /interface gre} and
 * {@code /interface ipip}. The intent's remote port goes on the VXLAN interface's {@code port}, which
 * RouterOS 7 uses both ways (where it listens and where it sends); a VTEP has only {@code interface},
 * {@code remote-ip} and {@code comment} ({@code port=} there is "expected end of command"). The port
 * is always written, never left to the release's default. A change of type re-creates the
 * interface; the rest is changed in place.
 */
final class MikrotikTunnelInterfaces implements TunnelInterfaceBehaviour {

    /** The menus of the tunnel types, in the order reads look through them. */
    static final List<String> TUNNEL_MENUS = List.of("/interface vxlan", "/interface gre", "/interface ipip");

    @Override
    public Set<TunnelType> types() {
        return Set.of(TunnelType.VXLAN, TunnelType.GRE, TunnelType.IPIP);
    }

    @Override
    public List<String> validate(TunnelIntent intent) {
        List<String> problems = new ArrayList<>();
        boolean v6 = intent.localOuter() instanceof Inet6Address;
        switch (intent.type()) {
            case GRE -> {
                if (intent.key() != 0) {
                    problems.add("RouterOS GRE interfaces have no key: tunnel " + intent.name() + " needs key 0, got "
                            + intent.key());
                }
                if (v6) {
                    problems.add("tunnel " + intent.name() + ": GRE over IPv6 (gre6) is not supported by the mikrotik "
                            + "adapter; use an IPv4 outer address or VXLAN");
                }
            }
            case IPIP -> {
                if (v6) {
                    problems.add("tunnel " + intent.name() + ": IPIP over IPv6 (ipipv6) is not supported by the mikrotik "
                            + "adapter; use an IPv4 outer address or VXLAN");
                }
            }
            case VXLAN -> {
                // IPv4 or IPv6 VTEPs (vteps-ip-version, RouterOS 7.6 and later); the core checked the VNI.
            }
            default -> problems.add("the mikrotik adapter does not support " + intent.type().name().toLowerCase());
        }
        return problems;
    }

    @Override
    public List<String> create(TunnelIntent i) {
        String name = i.name();
        return switch (i.type()) {
            case VXLAN -> {
                String version = i.localOuter() instanceof Inet6Address ? " vteps-ip-version=ipv6" : "";
                yield List.of(
                        "/interface vxlan add name=" + name + " vni=" + i.key() + " port=" + i.remoteOuter().getPort()
                                + " local-address=" + address(i.localOuter()) + version + " " + comment(name),
                        vtepAdd(i));
            }
            case GRE -> List.of("/interface gre add name=" + name + " local-address=" + address(i.localOuter())
                    + " remote-address=" + address(i.remoteOuter().getAddress()) + " " + comment(name));
            case IPIP -> List.of("/interface ipip add name=" + name + " local-address=" + address(i.localOuter())
                    + " remote-address=" + address(i.remoteOuter().getAddress()) + " " + comment(name));
            default -> throw new IllegalArgumentException("the mikrotik adapter does not support " + i.type());
        };
    }

    @Override
    public List<String> update(TunnelIntent wanted, TunnelIntent running) {
        if (recreates(wanted, running)) {
            List<String> out = new ArrayList<>(delete(wanted.name()));
            out.addAll(create(wanted));
            return out;
        }
        String find = "[find where name=" + wanted.name() + "]";
        String local = " local-address=" + address(wanted.localOuter());
        return switch (wanted.type()) {
            case VXLAN -> List.of(
                    "/interface vxlan set " + find + " vni=" + wanted.key() + " port=" + wanted.remoteOuter().getPort() + local,
                    // replaced rather than set, so a missing or extra VTEP is repaired too
                    "/interface vxlan vteps remove [find where interface=" + wanted.name() + "]",
                    vtepAdd(wanted));
            case GRE, IPIP -> List.of("/interface " + wanted.type().name().toLowerCase() + " set " + find + local
                    + " remote-address=" + address(wanted.remoteOuter().getAddress()));
            default -> throw new IllegalArgumentException("the mikrotik adapter does not support " + wanted.type());
        };
    }

    @Override
    public boolean recreates(TunnelIntent wanted, TunnelIntent running) {
        // vteps-ip-version cannot follow an outer address family change in place either.
        return wanted.type() != running.type()
                || (wanted.localOuter() instanceof Inet6Address) != (running.localOuter() instanceof Inet6Address);
    }

    /**
     * Removes routes, addresses, the VTEP and the interface of {@code name}, as one line of
     * {@code ;}-separated commands (RouterOS runs them in order and stops at the first failure). Each
     * names its objects with {@code [find ...]}, which matches nothing (and changes nothing) where an
     * object does not exist, so one line serves every type and a half-removed tunnel.
     */
    @Override
    public List<String> delete(String name) {
        String tagged = "[find where comment=" + quote(tag(name)) + "]";
        return List.of(String.join("; ",
                "/ip route remove " + tagged,
                "/ipv6 route remove " + tagged,
                "/ip address remove [find where interface=" + name + "]",
                "/ipv6 address remove [find where interface=" + name + "]",
                "/interface vxlan vteps remove [find where interface=" + name + "]",
                "/interface vxlan remove [find where name=" + name + "]",
                "/interface gre remove [find where name=" + name + "]",
                "/interface ipip remove [find where name=" + name + "]"));
    }

    /** The VTEP carries no comment (not every RouterOS 7 release has one there): it is found by its interface. */
    private static String vtepAdd(TunnelIntent i) {
        return "/interface vxlan vteps add interface=" + i.name() + " remote-ip=" + address(i.remoteOuter().getAddress());
    }
}
