package net.dtm.api;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IP prefix such as {@code 10.64.0.0/16}. The network address has no host bits set.
 * Addresses inside the prefix are numbered by their offset from the network address, which lets
 * pools track free addresses as numbers rather than by scanning.
 */
public final class Cidr {

    private final InetAddress network;
    private final int prefixLength;

    private Cidr(InetAddress network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses {@code a.b.c.d/n} or an IPv6 {@code x::/n}.
     *
     * @throws IllegalArgumentException with a message that says what is wrong
     */
    public static Cidr parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("prefix is missing");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("prefix '" + text + "' has no '/length'");
        }
        String addressPart = text.substring(0, slash).trim();
        InetAddress address = parseLiteral(addressPart);
        int bits = address.getAddress().length * 8;
        int length;
        try {
            length = Integer.parseInt(text.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("prefix '" + text + "' has a malformed length");
        }
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException("prefix '" + text + "' length must be 0.." + bits);
        }
        BigInteger value = new BigInteger(1, address.getAddress());
        BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - length).subtract(BigInteger.ONE);
        if (!value.and(hostMask).equals(BigInteger.ZERO)) {
            throw new IllegalArgumentException("prefix '" + text + "' has host bits set");
        }
        return new Cidr(address, length);
    }

    /**
     * Parses an IP literal without ever consulting DNS.
     *
     * @throws IllegalArgumentException if {@code text} is not an IPv4 or IPv6 literal
     */
    public static InetAddress parseLiteral(String text) {
        String t = text == null ? "" : text.trim();
        boolean v4 = t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = t.contains(":") && t.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
        if (v4) {
            for (String octet : t.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    throw new IllegalArgumentException("'" + text + "' is not an IP address");
                }
            }
        }
        try {
            return InetAddress.getByName(t);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address", e);
        }
    }

    /**
     * An address as operators write it: IPv4 dotted, IPv6 in the short form of RFC 5952
     * ({@code 2001:db8:100::} rather than Java's {@code 2001:db8:100:0:0:0:0:0}).
     */
    public static String format(InetAddress address) {
        if (!(address instanceof java.net.Inet6Address)) {
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

    /** The network address. */
    public InetAddress network() {
        return network;
    }

    /** The prefix length in bits. */
    public int prefixLength() {
        return prefixLength;
    }

    /** True for an IPv4 prefix. */
    public boolean isIpv4() {
        return network.getAddress().length == 4;
    }

    /** Total bits of the address family (32 or 128). */
    public int addressBits() {
        return network.getAddress().length * 8;
    }

    /** Number of addresses in the prefix, network and broadcast included. */
    public BigInteger size() {
        return BigInteger.ONE.shiftLeft(addressBits() - prefixLength);
    }

    /** True if {@code address} lies inside this prefix. */
    public boolean contains(InetAddress address) {
        if (address.getAddress().length != network.getAddress().length) {
            return false;
        }
        BigInteger offset = new BigInteger(1, address.getAddress()).subtract(new BigInteger(1, network.getAddress()));
        return offset.signum() >= 0 && offset.compareTo(size()) < 0;
    }

    /** True if the two prefixes share at least one address. */
    public boolean overlaps(Cidr other) {
        return contains(other.network) || other.contains(network);
    }

    /** The address at {@code offset} from the network address. */
    public InetAddress addressAt(long offset) {
        return addressAt(BigInteger.valueOf(offset));
    }

    /** The address at {@code offset} from the network address. */
    public InetAddress addressAt(BigInteger offset) {
        if (offset.signum() < 0 || offset.compareTo(size()) >= 0) {
            throw new IllegalArgumentException("offset " + offset + " outside " + this);
        }
        BigInteger value = new BigInteger(1, network.getAddress()).add(offset);
        byte[] raw = value.toByteArray();
        byte[] out = new byte[network.getAddress().length];
        int copy = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
        try {
            return InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The offset of {@code address} from the network address. */
    public long offsetOf(InetAddress address) {
        return bigOffsetOf(address).longValueExact();
    }

    /** The offset of {@code address} from the network address, for any prefix size. */
    public BigInteger bigOffsetOf(InetAddress address) {
        if (!contains(address)) {
            throw new IllegalArgumentException(address.getHostAddress() + " is outside " + this);
        }
        return new BigInteger(1, address.getAddress()).subtract(new BigInteger(1, network.getAddress()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && c.network.equals(network);
    }

    @Override
    public int hashCode() {
        return Objects.hash(network, prefixLength);
    }

    @Override
    public String toString() {
        return format(network) + "/" + prefixLength;
    }
}
