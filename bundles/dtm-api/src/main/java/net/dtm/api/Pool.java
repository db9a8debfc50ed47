package net.dtm.api;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A pool of inner tunnel addresses, or of IPv6 prefixes delegated to devices.
 * <p>
 * The pool is numbered in <em>blocks</em>: a block is one address, or for a prefix-delegation pool
 * one delegated prefix (e.g. a /64 of a /48). Block {@code n} starts at the pool's network address
 * plus {@code n << (bits - delegatedLength)}. The first address of the pool's first block is
 * never handed out and its second is the gateway (the server's end of the tunnel); for IPv4 the
 * broadcast address is never handed out either. Allocation works on block numbers, never on a
 * list of addresses, so a pool of any size costs the same.
 *
 * @param name            unique name, 1-64 characters of {@code [A-Za-z0-9._-]}
 * @param prefix          the pool's addresses
 * @param leaseSeconds    lifetime of a lease before it must be renewed
 * @param delegatedLength what a device gets: 32 (IPv4) or 128 (IPv6) for one address; a shorter
 *                        IPv6 length, e.g. 64, for a delegated prefix
 * @param excluded        ranges never handed out dynamically (static reservations may use them)
 * @param devicePatterns  the device group this pool serves: device id patterns with {@code *} and
 *                        {@code ?} wildcards; empty serves every device
 * @param tunnelTypes     tunnel types this pool serves; empty serves every type
 */
public record Pool(String name, Cidr prefix, int leaseSeconds, int delegatedLength, List<AddressRange> excluded,
                   List<String> devicePatterns, Set<TunnelType> tunnelTypes) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern DEVICE_PATTERN = Pattern.compile("[A-Za-z0-9._:*?-]{1,64}");
    /** At most this many blocks are numbered in a pool (2^62): far beyond any real pool. */
    private static final long MAX_BLOCKS = 1L << 62;

    /**
     * Whether {@code name} is a valid pool name: 1-64 characters of A-Z a-z 0-9 . _ - (so a name
     * from the wire can be refused without looking it up).
     */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** @throws IllegalArgumentException if a field is invalid, saying which and why */
    public Pool {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("invalid pool name '" + name + "': expected 1-64 characters of A-Z a-z 0-9 . _ -");
        }
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.isIpv4() && prefix.prefixLength() > 30) {
            throw new IllegalArgumentException("pool " + name + ": IPv4 prefix " + prefix + " is too small, use /30 or larger");
        }
        if (leaseSeconds < 60 || leaseSeconds > 7 * 24 * 3600) {
            throw new IllegalArgumentException("pool " + name + ": lease time " + leaseSeconds + " s outside 60..604800");
        }
        if (prefix.isIpv4() && delegatedLength != 32) {
            throw new IllegalArgumentException("pool " + name + ": IPv4 pools hand out single addresses (delegated length 32), got /"
                    + delegatedLength);
        }
        if (!prefix.isIpv4()) {
            if (delegatedLength == 128 && prefix.prefixLength() > 126) {
                throw new IllegalArgumentException("pool " + name + ": IPv6 prefix " + prefix + " is too small, use /126 or larger");
            }
            if (delegatedLength <= prefix.prefixLength() || delegatedLength > 128) {
                throw new IllegalArgumentException("pool " + name + ": delegated prefix length /" + delegatedLength
                        + " must be longer than the pool's /" + prefix.prefixLength() + " and at most /128");
            }
        }
        excluded = List.copyOf(Objects.requireNonNull(excluded, "excluded"));
        for (AddressRange r : excluded) {
            if (!prefix.contains(r.first()) || !prefix.contains(r.last())) {
                throw new IllegalArgumentException("pool " + name + ": excluded range " + r + " is not inside " + prefix);
            }
        }
        devicePatterns = List.copyOf(Objects.requireNonNull(devicePatterns, "devicePatterns"));
        for (String p : devicePatterns) {
            if (p == null || !DEVICE_PATTERN.matcher(p).matches()) {
                throw new IllegalArgumentException("pool " + name + ": invalid device pattern '" + p
                        + "': expected 1-64 characters of A-Z a-z 0-9 . _ : - and the wildcards * ?");
            }
        }
        Objects.requireNonNull(tunnelTypes, "tunnelTypes");
        tunnelTypes = tunnelTypes.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(tunnelTypes));
    }

    /** A pool of single addresses for every device and tunnel type, with nothing excluded. */
    public Pool(String name, Cidr prefix, int leaseSeconds) {
        this(name, prefix, leaseSeconds, prefix.addressBits(), List.of(), List.of(), Set.of());
    }

    /** Parses prefix text, e.g. {@code Pool.of("demo", "10.64.0.0/16", 3600)}. */
    public static Pool of(String name, String prefix, int leaseSeconds) {
        return new Pool(name, Cidr.parse(prefix), leaseSeconds);
    }

    /** This pool handing out prefixes of {@code length} (IPv6 only). */
    public Pool withDelegatedLength(int length) {
        return new Pool(name, prefix, leaseSeconds, length, excluded, devicePatterns, tunnelTypes);
    }

    /** This pool with other excluded ranges. */
    public Pool withExcluded(List<AddressRange> ranges) {
        return new Pool(name, prefix, leaseSeconds, delegatedLength, ranges, devicePatterns, tunnelTypes);
    }

    /** This pool serving another device group. */
    public Pool withDevicePatterns(List<String> patterns) {
        return new Pool(name, prefix, leaseSeconds, delegatedLength, excluded, patterns, tunnelTypes);
    }

    /** This pool serving other tunnel types. */
    public Pool withTunnelTypes(Set<TunnelType> types) {
        return new Pool(name, prefix, leaseSeconds, delegatedLength, excluded, devicePatterns, types);
    }

    /** This pool with another lease time. */
    public Pool withLeaseSeconds(int seconds) {
        return new Pool(name, prefix, seconds, delegatedLength, excluded, devicePatterns, tunnelTypes);
    }

    // ------------------------------------------------------------------ blocks

    /** True if devices get delegated prefixes rather than single addresses. */
    public boolean delegatesPrefixes() {
        return delegatedLength < prefix.addressBits();
    }

    private int blockBits() {
        return prefix.addressBits() - delegatedLength;
    }

    /** The first block a device may get (skips the network address and the gateway). */
    public long firstHostOffset() {
        return delegatesPrefixes() ? 1 : 2;
    }

    /** One past the last block a device may get (IPv4 excludes broadcast). */
    public long endHostOffset() {
        int countBits = delegatedLength - prefix.prefixLength();
        long blocks = countBits >= 62 ? MAX_BLOCKS : 1L << countBits;
        return prefix.isIpv4() ? blocks - 1 : blocks;
    }

    /** Number of blocks that can be handed to devices, exclusions not subtracted. */
    public long capacity() {
        return endHostOffset() - firstHostOffset();
    }

    /** The first address of block {@code offset}: what a lease stores. */
    public InetAddress addressAt(long offset) {
        return prefix.addressAt(BigInteger.valueOf(offset).shiftLeft(blockBits()));
    }

    /**
     * The block holding {@code address}.
     *
     * @throws IllegalArgumentException if the address is outside the pool
     */
    public long offsetOf(InetAddress address) {
        return prefix.bigOffsetOf(address).shiftRight(blockBits()).longValueExact();
    }

    /** True if {@code address} is a block start a device may hold: inside, aligned, not network, gateway or broadcast. */
    public boolean isAssignable(InetAddress address) {
        if (!prefix.contains(address)) {
            return false;
        }
        BigInteger raw = prefix.bigOffsetOf(address);
        if (raw.getLowestSetBit() >= 0 && raw.getLowestSetBit() < blockBits()) {
            return false; // not the start of a block
        }
        // exact: a block at 2^64 + 5 must not pass as block 5
        BigInteger block = raw.shiftRight(blockBits());
        return block.compareTo(BigInteger.valueOf(firstHostOffset())) >= 0
                && block.compareTo(BigInteger.valueOf(endHostOffset())) < 0;
    }

    /**
     * The first address of the block holding {@code address} (the delegated prefix a device's
     * address lies in), exact for any offset; it may lie beyond the blocks handed out.
     *
     * @throws IllegalArgumentException if the address is outside the pool
     */
    public InetAddress blockStart(InetAddress address) {
        return prefix.addressAt(prefix.bigOffsetOf(address).shiftRight(blockBits()).shiftLeft(blockBits()));
    }

    /** The block of {@code address}, clipped to {@code [0, endHostOffset()]}: exact, never wraps. */
    private long clippedBlock(InetAddress address) {
        BigInteger block = prefix.bigOffsetOf(address).shiftRight(blockBits());
        return block.min(BigInteger.valueOf(endHostOffset())).longValueExact();
    }

    /** True if {@code address} lies in an excluded range. */
    public boolean isExcluded(InetAddress address) {
        for (AddressRange r : excluded) {
            if (r.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The excluded ranges as half-open block ranges {@code [start, end)}, clipped to the
     * assignable blocks, ascending and merged. A block is excluded if any of its addresses is.
     */
    public List<long[]> excludedBlocks() {
        List<long[]> out = new ArrayList<>();
        for (AddressRange r : excluded) {
            long start = Math.max(firstHostOffset(), clippedBlock(r.first()));
            long end = Math.min(endHostOffset(), clippedBlock(r.last()) + 1);
            if (start < end) {
                out.add(new long[] {start, end});
            }
        }
        out.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : out) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1]) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(r.clone());
            }
        }
        return merged;
    }

    /** Number of assignable blocks in excluded ranges. */
    public long excludedCount() {
        long n = 0;
        for (long[] r : excludedBlocks()) {
            n += r[1] - r[0];
        }
        return n;
    }

    // ------------------------------------------------------------------ what the device gets

    /** The gateway address: the server side of the tunnel inside the pool (the second address). */
    public InetAddress gateway() {
        return prefix.addressAt(1);
    }

    /**
     * The device's inner tunnel address for a lease on {@code leaseAddress}: the address itself,
     * or for a delegated prefix the prefix's first host ({@code ::1}).
     */
    public InetAddress innerAddress(InetAddress leaseAddress) {
        if (!delegatesPrefixes()) {
            return leaseAddress;
        }
        return prefix.addressAt(prefix.bigOffsetOf(leaseAddress).add(BigInteger.ONE));
    }

    /** The prefix length that goes with {@link #innerAddress}: the pool's, or the delegated one. */
    public int innerPrefixLength() {
        return delegatesPrefixes() ? delegatedLength : prefix.prefixLength();
    }

    /**
     * The prefix routed to the device holding a lease on {@code leaseAddress}: the address as a host
     * prefix ({@code /32}, {@code /128}), or its delegated prefix.
     */
    public Cidr routedPrefix(InetAddress leaseAddress) {
        return Cidr.parse(Cidr.format(leaseAddress) + "/" + delegatedLength);
    }

    /** What a lease on {@code leaseAddress} gives, for display: {@code 10.64.0.7} or {@code 2001:db8:0:7::/64}. */
    public String describe(InetAddress leaseAddress) {
        return delegatesPrefixes() ? Cidr.format(leaseAddress) + "/" + delegatedLength : Cidr.format(leaseAddress);
    }

    // ------------------------------------------------------------------ selection

    /** True if this pool serves {@code device} asking for {@code type} (null type: any). */
    public boolean serves(DeviceId device, TunnelType type) {
        if (type != null && !tunnelTypes.isEmpty() && !tunnelTypes.contains(type)) {
            return false;
        }
        if (devicePatterns.isEmpty()) {
            return true;
        }
        for (String p : devicePatterns) {
            if (glob(p, device.value())) {
                return true;
            }
        }
        return false;
    }

    /**
     * How specific the selection rule is: pools naming a device group rank before pools naming
     * only tunnel types, which rank before catch-all pools.
     */
    public int specificity() {
        return (devicePatterns.isEmpty() ? 0 : 2) + (tunnelTypes.isEmpty() ? 0 : 1);
    }

    private static boolean glob(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int mark = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
