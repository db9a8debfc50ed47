package net.dtm.examples.vendor;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import net.dtm.api.Cidr;

/** How the EXR writes addresses and endpoints: literals only, never a DNS name. */
final class Literals {

    private Literals() {
    }

    /** An address as written in files and commands, e.g. {@code 10.0.0.1}, {@code 2001:db8::1}. */
    static String address(InetAddress a) {
        return Cidr.format(a);
    }

    /** {@code 192.0.2.1:4789} or {@code [2001:db8::1]:4789}. */
    static String endpoint(InetSocketAddress e) {
        String host = address(e.getAddress());
        return (e.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + e.getPort();
    }

    /** @throws IllegalArgumentException if {@code text} is not an address literal */
    static InetAddress parseAddress(String text) {
        return Cidr.parseLiteral(text);
    }

    /** @throws IllegalArgumentException if {@code text} is not {@code address:port} or {@code [v6]:port} */
    static InetSocketAddress parseEndpoint(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("endpoint '" + text + "' is not address:port");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("endpoint '" + text + "': write an IPv6 address as [address]:port");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("endpoint '" + text + "' has a malformed port");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("endpoint '" + text + "': port out of 0..65535");
        }
        return new InetSocketAddress(parseAddress(host), port);
    }

    /** {@code address/length}, the host bits kept. */
    static String interfaceAddress(InetAddress a, int prefixLength) {
        return address(a) + "/" + prefixLength;
    }

    /** The unspecified address of the family of {@code like}: {@code 0.0.0.0} or {@code ::}. */
    static InetAddress unspecified(InetAddress like) {
        return parseAddress(like instanceof Inet6Address ? "::" : "0.0.0.0");
    }
}
