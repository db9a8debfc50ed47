package net.dtm.vendor.linux;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.TunnelInterfaceBehaviour;
import net.dtm.spi.config.WireGuardKeys;

/**
 * The tunnel interface itself, in iproute2 lines:
 * <ul>
 * <li>VXLAN: {@code ip link add name NAME type vxlan id KEY local L remote R dstport P}</li>
 * <li>GRE: {@code ip link add name NAME type gre local L remote R [key K] ttl 64}
 * ({@code ip6gre} for an IPv6 outer path)</li>
 * <li>IPIP: {@code ip link add name NAME type ipip local L remote R}; over IPv6
 * {@code type ip6tnl mode any}, which carries IPv4 and IPv6 inside</li>
 * <li>WireGuard: {@code ip link add name NAME type wireguard} and the peer
 * ({@link LinuxWireGuardPeer}); on a kernel without WireGuard the session runs wireguard-go for that
 * line instead ({@link BatchPlanner})</li>
 * </ul>
 * each followed by {@code ip link set dev NAME up}. An unspecified local address
 * ({@code 0.0.0.0}/{@code ::}) leaves {@code local} out: the kernel then picks the source.
 *
 * <p>Changing the type, an outer endpoint or the key re-creates the interface: {@link #update}
 * renders {@code ip link del} followed by the creation, in the same batch. The kernel changes only
 * some of these in place ({@code ip link set NAME type vxlan remote ...} works, a new VNI or
 * destination port does not, and what GRE accepts differs by kernel version), so re-creating is the
 * one way that works everywhere; the core re-adds address, MTU and routes in the same batch, so the
 * tunnel is down only for the milliseconds the batch takes. WireGuard to WireGuard is the exception:
 * endpoint, local address and ports are peer settings that {@code wg set} changes in place.
 */
final class LinuxTunnelInterfaces implements TunnelInterfaceBehaviour {

    private static final Pattern WIREGUARD_KEY = Pattern.compile("[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=");
    private static final long MAX_GRE_KEY = 0xFFFF_FFFFL;

    private final LinuxWireGuardPeer peer;

    LinuxTunnelInterfaces(LinuxWireGuardPeer peer) {
        this.peer = peer;
    }

    @Override
    public Set<TunnelType> types() {
        return Collections.unmodifiableSet(EnumSet.allOf(TunnelType.class));
    }

    @Override
    public List<String> validate(TunnelIntent intent) {
        List<String> problems = new ArrayList<>(InterfaceNames.problems(intent.name()));
        InetAddress remote = intent.remoteOuter().getAddress();
        InetAddress local = intent.localOuter();
        if (remote == null) {
            problems.add("remote outer '" + intent.remoteOuter().getHostString() + "' is not an IP address");
            return problems;
        }
        if (remote.isAnyLocalAddress() || remote.isMulticastAddress()) {
            problems.add("remote outer " + IpSyntax.address(remote) + " must be a unicast address: DTM tunnels are point to point");
        }
        boolean v6 = IpSyntax.isIpv6(remote);
        if (!local.isAnyLocalAddress() && IpSyntax.isIpv6(local) != v6) {
            problems.add("local outer " + IpSyntax.address(local) + " and remote outer " + IpSyntax.address(remote)
                    + " are of different address families");
        }
        for (Cidr route : intent.routes()) {
            if (route.isIpv4() == IpSyntax.isIpv6(intent.peerInner())) {
                problems.add("route " + route + " and its next hop " + IpSyntax.address(intent.peerInner())
                        + " are of different address families");
            }
        }
        switch (intent.type()) {
            case VXLAN -> {
                if (intent.remoteOuter().getPort() < 1 || intent.remoteOuter().getPort() > 65535) {
                    problems.add("VXLAN needs a destination port 1..65535 (4789 is IANA's; Linux would use 8472 for 0)");
                }
            }
            case GRE -> {
                if (intent.key() < 0 || intent.key() > MAX_GRE_KEY) {
                    problems.add("GRE key " + intent.key() + " is outside 0..4294967295");
                }
            }
            case IPIP -> {
                if (!v6 && IpSyntax.isIpv6(intent.innerAddress())) {
                    problems.add("IPIP over IPv4 (Linux type ipip) carries IPv4 only; use GRE, VXLAN or WireGuard for an IPv6 "
                            + "inner address over IPv4");
                }
            }
            case WIREGUARD -> problems.addAll(wireGuardProblems(intent));
        }
        return problems;
    }

    private static List<String> wireGuardProblems(TunnelIntent intent) {
        List<String> problems = new ArrayList<>();
        if (intent.wireGuard().isEmpty()) {
            problems.add("a WireGuard intent needs its keys");
            return problems;
        }
        WireGuardKeys keys = intent.wireGuard().get();
        Path file = keys.privateKeyFile();
        if (!file.isAbsolute()) {
            problems.add("WireGuard private key file '" + file + "' must be an absolute path");
        }
        if (file.toString().chars().anyMatch(Character::isWhitespace)) {
            problems.add("WireGuard private key file '" + file + "' must not contain whitespace (it is one word of a wg command)");
        }
        if (!WIREGUARD_KEY.matcher(keys.peerPublicKey()).matches()) {
            problems.add("WireGuard peer public key '" + keys.peerPublicKey() + "' is not a 44-character base64 key");
        }
        if (keys.listenPort() < 0 || keys.listenPort() > 65535) {
            problems.add("WireGuard listen port " + keys.listenPort() + " is outside 0..65535");
        }
        if (intent.remoteOuter().getPort() < 1 || intent.remoteOuter().getPort() > 65535) {
            problems.add("WireGuard needs the peer's endpoint port 1..65535");
        }
        if (intent.persistentKeepaliveSeconds() < 0 || intent.persistentKeepaliveSeconds() > 65535) {
            problems.add("WireGuard persistent keepalive " + intent.persistentKeepaliveSeconds() + " is outside 0..65535");
        }
        return problems;
    }

    @Override
    public List<String> create(TunnelIntent intent) {
        String name = intent.name();
        InetAddress remote = intent.remoteOuter().getAddress();
        boolean v6 = IpSyntax.isIpv6(remote);
        String endpoints = local(intent) + " remote " + IpSyntax.address(remote);
        List<String> lines = new ArrayList<>();
        switch (intent.type()) {
            case VXLAN -> lines.add("ip link add name " + name + " type vxlan id " + intent.key() + endpoints
                    + " dstport " + intent.remoteOuter().getPort());
            case GRE -> lines.add("ip link add name " + name + " type " + (v6 ? "ip6gre" : "gre") + endpoints
                    + (intent.key() != 0 ? " key " + intent.key() : "") + " ttl 64");
            case IPIP -> lines.add("ip link add name " + name + (v6 ? " type ip6tnl mode any" : " type ipip") + endpoints);
            case WIREGUARD -> {
                lines.add("ip link add name " + name + " type wireguard");
                lines.addAll(peer.setPeer(intent));
            }
        }
        lines.add("ip link set dev " + name + " up");
        return lines;
    }

    private static String local(TunnelIntent intent) {
        return intent.localOuter().isAnyLocalAddress() ? "" : " local " + IpSyntax.address(intent.localOuter());
    }

    @Override
    public List<String> update(TunnelIntent wanted, TunnelIntent running) {
        if (!recreates(wanted, running)) {
            return peer.setPeer(wanted);
        }
        List<String> lines = new ArrayList<>(delete(running.name()));
        lines.addAll(create(wanted));
        return lines;
    }

    /** False only from WireGuard to WireGuard (a peer change); every other change re-creates. */
    @Override
    public boolean recreates(TunnelIntent wanted, TunnelIntent running) {
        return !(wanted.type() == TunnelType.WIREGUARD && running.type() == TunnelType.WIREGUARD
                && wanted.name().equals(running.name()));
    }

    @Override
    public List<String> delete(String name) {
        return List.of("ip link del dev " + name);
    }
}
