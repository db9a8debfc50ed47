package net.dtm.vendor.huaweivrp;

import java.net.Inet6Address;
import java.net.InetAddress;

import net.dtm.api.Cidr;

/**
 * VRP's spelling of addresses and masks, and of DTM's mark on its tunnels. Rendered lines name the
 * tunnel by its real interface ({@code Tunnel0/0/4007}, see {@link TunnelNumbers}): the lines the
 * core records in its history are the lines sent.
 */
final class VrpSyntax {

    /** Prefix of the description that marks a tunnel interface as DTM's. */
    static final String OWNER_PREFIX = "dtm:";
    /** Interface type and slot of VRP tunnel interfaces. */
    static final String TUNNEL_PREFIX = "Tunnel0/0/";

    private VrpSyntax() {
    }

    /** The description that marks the tunnel of intent {@code name}. */
    static String description(String name) {
        return OWNER_PREFIX + name;
    }

    /** An address as VRP prints it. */
    static String address(InetAddress a) {
        return Cidr.format(a);
    }

    /** True for an IPv6 address. */
    static boolean isIpv6(InetAddress a) {
        return a instanceof Inet6Address;
    }

    /** The dotted IPv4 mask of {@code length} bits, e.g. 30 → {@code 255.255.255.252}. */
    static String mask(int length) {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("IPv4 prefix length " + length + " is outside 0..32");
        }
        long m = length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
        return (m >> 24 & 0xff) + "." + (m >> 16 & 0xff) + "." + (m >> 8 & 0xff) + "." + (m & 0xff);
    }

    /**
     * The prefix length of a dotted mask.
     *
     * @throws IllegalArgumentException if {@code mask} is not a contiguous IPv4 mask
     */
    static int maskLength(String mask) {
        InetAddress a = Cidr.parseLiteral(mask);
        byte[] b = a.getAddress();
        if (b.length != 4) {
            throw new IllegalArgumentException("'" + mask + "' is not an IPv4 mask");
        }
        long v = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
        int length = Long.bitCount(v);
        if (!mask(length).equals(mask.trim())) {
            throw new IllegalArgumentException("'" + mask + "' is not a contiguous mask");
        }
        return length;
    }
}
