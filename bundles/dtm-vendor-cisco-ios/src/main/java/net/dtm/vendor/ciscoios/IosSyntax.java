package net.dtm.vendor.ciscoios;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;

/** How IOS writes addresses, masks and tunnel modes, both ways. */
final class IosSyntax {

    private IosSyntax() {
    }

    /** The dotted mask of an IPv4 prefix length, e.g. 30 → {@code 255.255.255.252}. */
    static String mask(int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("IPv4 prefix length " + prefixLength + " must be 0..32");
        }
        long m = prefixLength == 0 ? 0 : (0xffffffffL << (32 - prefixLength)) & 0xffffffffL;
        return ((m >> 24) & 0xff) + "." + ((m >> 16) & 0xff) + "." + ((m >> 8) & 0xff) + "." + (m & 0xff);
    }

    /**
     * The prefix length of a dotted mask.
     *
     * @throws IllegalArgumentException if it is not a contiguous IPv4 mask
     */
    static int prefixLength(String mask) {
        InetAddress a = Cidr.parseLiteral(mask);
        if (!(a instanceof Inet4Address)) {
            throw new IllegalArgumentException("'" + mask + "' is not an IPv4 mask");
        }
        byte[] b = a.getAddress();
        long m = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
        int length = Long.numberOfLeadingZeros(~m & 0xffffffffL) - 32;
        if (mask(length).equals(mask.trim())) {
            return length;
        }
        throw new IllegalArgumentException("'" + mask + "' is not a contiguous mask");
    }

    /** An address as typed into IOS (IPv6 compressed). */
    static String address(InetAddress a) {
        return Cidr.format(a);
    }

    /** True for an IPv6 address. */
    static boolean isV6(InetAddress a) {
        return a instanceof Inet6Address;
    }

    /** The {@code tunnel mode} arguments for {@code type} over an outer address like {@code outer}. */
    static String tunnelMode(TunnelType type, InetAddress outer) {
        return switch (type) {
            case GRE -> isV6(outer) ? "gre ipv6" : "gre ip";
            case IPIP -> "ipip";
            default -> throw new IllegalArgumentException("IOS tunnels do not support " + type.name().toLowerCase(Locale.ROOT));
        };
    }

    /**
     * The IP MTU IOS gives a tunnel that has no {@code ip mtu} / {@code ipv6 mtu} of its own, over
     * a 1500-byte transport: the transport MTU less the outer header, GRE header and key.
     */
    static int defaultMtu(TunnelType type, boolean ipv6Outer, long key) {
        int outer = ipv6Outer ? 40 : 20;
        int gre = type == TunnelType.GRE ? 4 + (key != 0 ? 4 : 0) : 0;
        return 1500 - outer - gre;
    }
}
