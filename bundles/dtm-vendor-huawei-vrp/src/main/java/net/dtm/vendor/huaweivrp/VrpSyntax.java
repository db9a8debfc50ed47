package net.dtm.vendor.huaweivrp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.dtm.api.Cidr;

/**
 * VRP's spelling of addresses and masks, and the interface placeholder of rendered lines.
 *
 * <p>Rendered lines name a tunnel as {@code {NAME}} (the intent name in braces), not as
 * {@code Tunnel0/0/N}: the behaviours render without knowing the device, and the tunnel number
 * depends on the device's {@code tunnel.base} option. The session replaces the placeholder with
 * the device's interface just before sending ({@link #resolve}).
 */
final class VrpSyntax {

    /** Prefix of the description that marks a tunnel interface as DTM's. */
    static final String OWNER_PREFIX = "dtm:";
    /** Interface type and slot of VRP tunnel interfaces. */
    static final String TUNNEL_PREFIX = "Tunnel0/0/";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.-]{1,15})\\}");

    private VrpSyntax() {
    }

    /** The placeholder for the tunnel of intent {@code name}. */
    static String tunnel(String name) {
        return "{" + name + "}";
    }

    /** The description that marks the tunnel of intent {@code name}. */
    static String description(String name) {
        return OWNER_PREFIX + name;
    }

    /** {@code line} with every placeholder replaced by the interface {@code numbers} maps it to. */
    static String resolve(String line, TunnelNumbers numbers) {
        Matcher m = PLACEHOLDER.matcher(line);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(numbers.interfaceOf(m.group(1))));
        }
        m.appendTail(b);
        return b.toString();
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
