package net.dtm.shell;

import java.net.Inet6Address;
import java.net.InetAddress;

import net.dtm.api.AddressRange;
import net.dtm.api.Cidr;
import net.dtm.api.Pool;

/**
 * Addresses as operators write them: IPv6 in the short form of RFC 5952 ({@code 2001:db8:100::}
 * rather than Java's {@code 2001:db8:100:0:0:0:0:0}); IPv4 unchanged.
 */
final class Ip {

    private Ip() {
    }

    static String text(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // The longest run of two or more zero groups (the first of equal runs) becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8;) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    static String text(Cidr prefix) {
        return text(prefix.network()) + "/" + prefix.prefixLength();
    }

    static String text(AddressRange range) {
        return range.first().equals(range.last()) ? text(range.first()) : text(range.first()) + "-" + text(range.last());
    }

    /** What a lease on {@code address} gives: the address, or the delegated prefix ({@code 2001:db8:100:5::/64}). */
    static String block(Pool pool, InetAddress address) {
        return pool.delegatesPrefixes() ? text(address) + "/" + pool.delegatedLength() : text(address);
    }
}
