package net.dtm.vendor.openwrt;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.TunnelIntent;

/**
 * Turns the device's view into an intent: the tunnel's outer endpoints, port and VNI and its routes
 * from the UCI configuration; the MTU and the inner address as netifd runs them ({@code ubus call
 * network.device status} for the device the proto creates, {@code ubus call network.interface.<name>_inner
 * status} for the address), so a configuration netifd did not bring up reads back as different (MTU 0, no
 * address) instead of as in sync. Only sections carrying DTM's owner option ({@link UciNames#OWNER}) are
 * DTM's.
 */
final class TunnelState {

    /** VXLAN's IANA port, netifd's default when {@code port} is unset. */
    static final int DEFAULT_PORT = 4789;

    /** What the kernel shows for the tunnel device. */
    record KernelLink(int mtu, List<HostAddress> addresses) {
    }

    /** An address with its prefix length, as configured on an interface. */
    record HostAddress(InetAddress address, int prefixLength) {
    }

    private TunnelState() {
    }

    private static final java.util.Set<String> PROTOS = java.util.Set.of("vxlan", "vxlan6", "gre", "grev6", "ipip");

    /** True if {@code section} is a tunnel interface of a proto this adapter builds. */
    static boolean isTunnel(UciShow.Section section) {
        return section.type().equals("interface") && PROTOS.contains(section.get("proto").orElse(""));
    }

    /** True if DTM created {@code section}: it carries the owner option. */
    static boolean isOwned(UciShow.Section section) {
        return UciNames.OWNER_VALUE.equals(section.get(UciNames.OWNER).orElse(""));
    }

    /**
     * The intent of tunnel {@code name}, empty when there is no such section.
     *
     * @param kernel the device as the kernel shows it; empty if there is no such device
     * @throws ConfigException (not rejected) if the sections cannot be read as a DTM tunnel
     */
    static Optional<TunnelIntent> decode(UciShow uci, String name, TunnelIntent.Role role, Optional<KernelLink> kernel)
            throws ConfigException {
        Optional<UciShow.Section> found = uci.section(UciNames.tunnel(name));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        UciShow.Section t = found.get();
        if (!isOwned(t)) {
            return Optional.empty();
        }
        if (!isTunnel(t)) {
            throw new ConfigException("network." + name + " exists but is not a tunnel interface (type " + t.type()
                    + ", proto " + t.get("proto").orElse("none") + "): DTM does not own it", false);
        }
        try {
            String proto = t.get("proto").orElseThrow();
            boolean six = proto.endsWith("6");
            TunnelType type = proto.startsWith("vxlan") ? TunnelType.VXLAN : proto.startsWith("gre") ? TunnelType.GRE : TunnelType.IPIP;
            InetAddress local = Cidr.parseLiteral(required(t, six ? "ip6addr" : "ipaddr"));
            InetAddress remote = Cidr.parseLiteral(required(t, six ? "peer6addr" : "peeraddr"));
            int port = type == TunnelType.VXLAN ? t.get("port").map(Integer::parseInt).orElse(DEFAULT_PORT) : 0;
            long vni = switch (type) {
                case VXLAN -> Long.parseLong(required(t, "vid"));
                case GRE -> greKey(t);
                default -> 0;
            };
            Optional<UciShow.Section> inner = uci.section(UciNames.inner(name));
            Optional<HostAddress> configured = inner.flatMap(TunnelState::innerAddress);
            InetAddress innerAddress;
            int prefixLength;
            int mtu;
            if (kernel.isPresent()) {
                mtu = kernel.get().mtu();
                boolean innerSix = configured.map(c -> c.address() instanceof Inet6Address).orElse(false);
                Optional<HostAddress> onDevice = kernel.get().addresses().stream()
                        .filter(a -> (a.address() instanceof Inet6Address) == innerSix)
                        .filter(a -> !a.address().isLinkLocalAddress())
                        .filter(a -> configured.isEmpty() || configured.get().equals(a))
                        .findFirst()
                        .or(() -> kernel.get().addresses().stream()
                                .filter(a -> (a.address() instanceof Inet6Address) == innerSix)
                                .filter(a -> !a.address().isLinkLocalAddress()).findFirst());
                innerAddress = onDevice.map(HostAddress::address).orElse(unspecified(innerSix));
                prefixLength = onDevice.map(HostAddress::prefixLength).orElse(0);
            } else {
                mtu = 0;
                innerAddress = unspecified(configured.map(c -> c.address() instanceof Inet6Address).orElse(false));
                prefixLength = 0;
            }
            List<Cidr> routes = new ArrayList<>();
            InetAddress gateway = null;
            for (UciShow.Section s : uci.sections()) {
                if (!UciNames.isRouteOf(name, s.name())
                        || !s.get("interface").orElse("").equals(UciNames.inner(name))) {
                    continue;
                }
                if (s.type().equals("route")) {
                    String mask = s.get("netmask").orElse("255.255.255.255");
                    routes.add(Cidr.parse(required(s, "target") + "/" + Netmasks.length(mask)));
                } else if (s.type().equals("route6")) {
                    String target = required(s, "target");
                    routes.add(Cidr.parse(target.contains("/") ? target : target + "/128"));
                } else {
                    continue;
                }
                if (gateway == null && s.get("gateway").isPresent()) {
                    gateway = Cidr.parseLiteral(s.get("gateway").get());
                }
            }
            InetAddress peerInner = gateway != null ? gateway : unspecified(innerAddress instanceof Inet6Address);
            return Optional.of(new TunnelIntent(name, role, type, local,
                    new InetSocketAddress(remote, port), vni, innerAddress, prefixLength, peerInner, routes, mtu,
                    Optional.empty(), 0));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("cannot read tunnel " + name + " from the UCI configuration: " + e.getMessage(), false, e);
        }
    }

    /** The device a tunnel section's proto creates, or empty if {@code section} is not a tunnel. */
    static Optional<String> device(UciShow.Section section) {
        return isTunnel(section) ? Optional.of(OpenWrtTunnels.device(section.name(), section.get("proto").orElseThrow()))
                : Optional.empty();
    }

    /**
     * Device {@code dev} as netifd runs it, or empty if there is no such device.
     *
     * @param devices     what {@code ubus call network.device status} printed: every device by name
     * @param innerStatus what {@code ubus call network.interface.<name>_inner status} printed, or
     *                    null when there is no such interface
     */
    static Optional<KernelLink> kernelLink(String devices, String innerStatus, String dev) {
        if (!(Json.parse(devices) instanceof Map<?, ?> all)) {
            throw new IllegalArgumentException("network.device status printed no object");
        }
        if (!(all.get(dev) instanceof Map<?, ?> d) || Boolean.FALSE.equals(d.get("present"))) {
            return Optional.empty();
        }
        int mtu = d.get("mtu") instanceof Number n ? n.intValue() : 0;
        List<HostAddress> addresses = new ArrayList<>();
        if (innerStatus != null && Json.parse(innerStatus) instanceof Map<?, ?> inner && Boolean.TRUE.equals(inner.get("up"))
                && dev.equals(inner.get("l3_device"))) {
            addresses.addAll(addresses(inner));
        }
        return Optional.of(new KernelLink(mtu, addresses));
    }

    /** The addresses netifd put on logical interface {@code status} ({@code ipv4-address}, {@code ipv6-address}). */
    static List<HostAddress> addresses(Map<?, ?> status) {
        List<HostAddress> out = new ArrayList<>();
        for (String family : List.of("ipv4-address", "ipv6-address")) {
            if (status.get(family) instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof Map<?, ?> a && a.get("address") instanceof String address && a.get("mask") instanceof Number mask) {
                        out.add(new HostAddress(Cidr.parseLiteral(address), mask.intValue()));
                    }
                }
            }
        }
        return out;
    }

    /** The address configured on {@code <name>_inner}, if any. */
    static Optional<HostAddress> configuredInner(UciShow uci, String name) {
        return uci.section(UciNames.inner(name)).flatMap(TunnelState::innerAddress);
    }

    private static long greKey(UciShow.Section t) {
        long in = t.get("ikey").map(Long::parseLong).orElse(0L);
        long out = t.get("okey").map(Long::parseLong).orElse(0L);
        if (in != out) {
            throw new IllegalArgumentException("network." + t.name() + " has ikey " + in + " and okey " + out
                    + ": DTM uses one key both ways");
        }
        return in;
    }

    private static Optional<HostAddress> innerAddress(UciShow.Section inner) {
        Optional<String> v4 = inner.get("ipaddr");
        if (v4.isPresent()) {
            String a = v4.get();
            if (a.contains("/")) {
                return Optional.of(holder(a));
            }
            return Optional.of(new HostAddress(Cidr.parseLiteral(a), Netmasks.length(inner.get("netmask").orElse("255.255.255.255"))));
        }
        return inner.get("ip6addr").map(TunnelState::holder);
    }

    private static HostAddress holder(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            InetAddress a = Cidr.parseLiteral(cidr);
            return new HostAddress(a, a instanceof Inet6Address ? 128 : 32);
        }
        return new HostAddress(Cidr.parseLiteral(cidr.substring(0, slash)), Integer.parseInt(cidr.substring(slash + 1)));
    }

    private static String required(UciShow.Section s, String option) {
        return s.get(option).orElseThrow(() -> new IllegalArgumentException("network." + s.name() + "." + option + " is not set"));
    }

    private static InetAddress unspecified(boolean v6) {
        return Cidr.parseLiteral(v6 ? "::" : "0.0.0.0");
    }
}
