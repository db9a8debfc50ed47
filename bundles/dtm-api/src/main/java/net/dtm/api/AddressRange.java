package net.dtm.api;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An inclusive range of addresses of one family, e.g. {@code 10.64.0.10-10.64.0.20}.
 *
 * @param first the lowest address
 * @param last  the highest address, not below {@code first}
 */
public record AddressRange(InetAddress first, InetAddress last) {

    public AddressRange {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
        if (first.getAddress().length != last.getAddress().length) {
            throw new IllegalArgumentException("range " + first.getHostAddress() + "-" + last.getHostAddress()
                    + " mixes IPv4 and IPv6");
        }
        if (value(first).compareTo(value(last)) > 0) {
            throw new IllegalArgumentException("range " + first.getHostAddress() + "-" + last.getHostAddress()
                    + " ends before it starts");
        }
    }

    /**
     * Parses {@code first-last}, a prefix {@code a.b.c.d/n} or a single address.
     *
     * @throws IllegalArgumentException with a message that says what is wrong
     */
    public static AddressRange parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty address range");
        }
        if (t.contains("/")) {
            Cidr c = Cidr.parse(t);
            return new AddressRange(c.network(), c.addressAt(c.size().subtract(BigInteger.ONE)));
        }
        int dash = t.indexOf('-');
        if (dash < 0) {
            InetAddress a = Cidr.parseLiteral(t);
            return new AddressRange(a, a);
        }
        return new AddressRange(Cidr.parseLiteral(t.substring(0, dash)), Cidr.parseLiteral(t.substring(dash + 1)));
    }

    /** True if {@code address} lies in the range. */
    public boolean contains(InetAddress address) {
        if (address.getAddress().length != first.getAddress().length) {
            return false;
        }
        BigInteger v = value(address);
        return v.compareTo(value(first)) >= 0 && v.compareTo(value(last)) <= 0;
    }

    /** The address as an unsigned number. */
    static BigInteger value(InetAddress address) {
        return new BigInteger(1, address.getAddress());
    }

    /** {@code first-last}, or the single address. */
    @Override
    public String toString() {
        return first.equals(last) ? Cidr.format(first) : Cidr.format(first) + "-" + Cidr.format(last);
    }
}
