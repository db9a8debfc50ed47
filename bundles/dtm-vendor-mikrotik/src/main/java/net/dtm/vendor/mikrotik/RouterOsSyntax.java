package net.dtm.vendor.mikrotik;

import java.net.Inet6Address;
import java.net.InetAddress;

import net.dtm.api.Cidr;

/**
 * How DTM writes RouterOS command lines: the tag that marks what DTM built, quoting, and the menu of
 * an address family. Every object DTM adds carries {@code comment=dtm:<intent name>}.
 */
final class RouterOsSyntax {

    /** Prefix of the comment every DTM object carries. */
    static final String TAG_PREFIX = "dtm:";

    private RouterOsSyntax() {
    }

    /** The comment value of objects belonging to tunnel {@code name}. */
    static String tag(String name) {
        return TAG_PREFIX + name;
    }

    /** {@code comment="dtm:<name>"}. */
    static String comment(String name) {
        return "comment=" + quote(tag(name));
    }

    /** A value in double quotes, with RouterOS escapes for {@code "}, {@code \} and {@code $}. */
    static String quote(String value) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\' || c == '$') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    /** {@code /ip} for IPv4, {@code /ipv6} for IPv6. */
    static String ipMenu(InetAddress a) {
        return a instanceof Inet6Address ? "/ipv6" : "/ip";
    }

    /** An address as RouterOS prints it. */
    static String address(InetAddress a) {
        return Cidr.format(a);
    }
}
