package net.dtm.vendor.linux;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import net.dtm.api.Cidr;

/** How addresses are written in the adapter's command lines and read from the tools' output. */
final class IpSyntax {

    private IpSyntax() {
    }

    /** An address as iproute2 and wg print it (IPv6 in RFC 5952 short form). */
    static String address(InetAddress a) {
        return Cidr.format(a);
    }

    /** {@code 192.0.2.1:51820} or {@code [2001:db8::1]:51820}, as {@code wg} writes endpoints. */
    static String endpoint(InetSocketAddress e) {
        InetAddress a = e.getAddress();
        if (a == null) {
            throw new IllegalArgumentException("endpoint " + e.getHostString() + " is not an IP address");
        }
        return (a instanceof Inet6Address ? "[" + address(a) + "]" : address(a)) + ":" + e.getPort();
    }

    /** True for an IPv6 address. */
    static boolean isIpv6(InetAddress a) {
        return a instanceof Inet6Address;
    }

    /** {@code 0.0.0.0} or {@code ::}. */
    static InetAddress unspecified(boolean ipv6) {
        try {
            return InetAddress.getByAddress(new byte[ipv6 ? 16 : 4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The host prefix of {@code a}: {@code /32} or {@code /128}. */
    static Cidr hostPrefix(InetAddress a) {
        return Cidr.parse(address(a) + "/" + (isIpv6(a) ? 128 : 32));
    }

    /**
     * Parses an address printed by a tool ({@code any} is iproute2's word for the unspecified
     * address of a tunnel end).
     *
     * @throws JsonFields.UnexpectedOutputException if it is not an address
     */
    static InetAddress parseAddress(String text, boolean ipv6IfAny, String source) {
        if ("any".equals(text)) {
            return unspecified(ipv6IfAny);
        }
        try {
            return Cidr.parseLiteral(text);
        } catch (IllegalArgumentException e) {
            throw new JsonFields.UnexpectedOutputException(source + ": '" + text + "' is not an IP address");
        }
    }

    /**
     * Parses a prefix as {@code ip route} prints it: {@code default}, a bare host address, or
     * {@code address/length}.
     */
    static Cidr parsePrefix(String text, boolean ipv6, String source) {
        String t = text;
        if ("default".equals(t)) {
            t = ipv6 ? "::/0" : "0.0.0.0/0";
        } else if (!t.contains("/")) {
            t = t + (t.contains(":") ? "/128" : "/32");
        }
        try {
            return Cidr.parse(t);
        } catch (IllegalArgumentException e) {
            throw new JsonFields.UnexpectedOutputException(source + ": '" + text + "' is not a prefix: " + e.getMessage());
        }
    }

    /**
     * Parses an endpoint as {@code wg} prints it: {@code a.b.c.d:port} or {@code [v6]:port}.
     */
    static InetSocketAddress parseEndpoint(String text, String source) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new JsonFields.UnexpectedOutputException(source + ": endpoint '" + text + "' has no port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new JsonFields.UnexpectedOutputException(source + ": IPv6 endpoint '" + text + "' lacks brackets");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new JsonFields.UnexpectedOutputException(source + ": endpoint '" + text + "' has a malformed port");
        }
        if (port < 0 || port > 65535) {
            throw new JsonFields.UnexpectedOutputException(source + ": endpoint '" + text + "' has port out of range");
        }
        return new InetSocketAddress(parseAddress(host, false, source), port);
    }
}
