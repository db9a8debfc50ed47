package net.dtm.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A pool of inner tunnel addresses.
 *
 * @param name          unique name, 1-64 characters of {@code [A-Za-z0-9._-]}
 * @param prefix        the addresses; the network address (and for IPv4 the broadcast address and
 *                      the first host, kept for the server's end of the tunnel) are never handed out
 * @param leaseSeconds  lifetime of a lease before it must be renewed
 */
public record Pool(String name, Cidr prefix, int leaseSeconds) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** @throws IllegalArgumentException if a field is invalid, saying which */
    public Pool {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid pool name '" + name + "': expected 1-64 characters of A-Z a-z 0-9 . _ -");
        }
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.isIpv4() && prefix.prefixLength() > 30) {
            throw new IllegalArgumentException("pool " + name + ": IPv4 prefix " + prefix + " is too small, use /30 or larger");
        }
        if (leaseSeconds < 60 || leaseSeconds > 7 * 24 * 3600) {
            throw new IllegalArgumentException("pool " + name + ": lease time " + leaseSeconds + " s outside 60..604800");
        }
    }

    /** Parses prefix text, e.g. {@code Pool.of("demo", "10.64.0.0/16", 3600)}. */
    public static Pool of(String name, String prefix, int leaseSeconds) {
        return new Pool(name, Cidr.parse(prefix), leaseSeconds);
    }

    /** The first offset a device may get (skips network address and the gateway). */
    public long firstHostOffset() {
        return 2;
    }

    /** One past the last offset a device may get (IPv4 excludes broadcast). */
    public long endHostOffset() {
        long size = prefix.size().min(java.math.BigInteger.valueOf(Long.MAX_VALUE)).longValue();
        return prefix.isIpv4() ? size - 1 : size;
    }

    /** Number of addresses that can be handed to devices. */
    public long capacity() {
        return endHostOffset() - firstHostOffset();
    }

    /** The gateway address: the server side of the tunnel inside the pool (offset 1). */
    public java.net.InetAddress gateway() {
        return prefix.addressAt(1);
    }
}
