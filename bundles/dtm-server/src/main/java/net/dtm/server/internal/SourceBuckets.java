package net.dtm.server.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Per-source token buckets for received datagrams: each IPv4 source address (/32), or IPv6 /64,
 * may send {@code burst} datagrams at once and {@code rate} per second on average. The table is
 * bounded: a full bucket carries no state (it equals a new one), so the buckets that have refilled
 * are dropped once per refill time ({@code burst / rate}); if the table is still full, further
 * sources share one overflow bucket of {@value #OVERFLOW_SHARE} sources' rate and burst.
 * <p>
 * The same table keyed by another identity (a known device's id) limits a sender whose datagrams
 * come from many addresses or share one ({@link #tryAcquireKey}).
 * <p>
 * Not thread-safe: the endpoint's receive thread is its only user.
 */
final class SourceBuckets {

    /** How many sources' worth of rate and burst the overflow bucket has. */
    static final int OVERFLOW_SHARE = 64;

    private final double tokensPerNano;
    private final double burst;
    private final int tableSize;
    private final LongSupplier nanoTime;
    private final long refillNanos;
    private final Map<Object, Bucket> table = new HashMap<>();
    private final Bucket overflow;
    private long lastSweep;

    private static final class Bucket {
        double tokens;
        long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }

        /** Adds what refilled since the last call, up to {@code max}; takes one if there is one. */
        boolean take(long now, double perNano, double max) {
            tokens = Math.min(max, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }

        boolean fullAt(long now, double perNano, double max) {
            return tokens + (now - last) * perNano >= max;
        }
    }

    /**
     * @param ratePerSecond datagrams per second one source may send on average
     * @param burst         datagrams one source may send at once
     * @param tableSize     sources tracked at most (beyond: the overflow bucket)
     * @param nanoTime      the clock, e.g. {@code System::nanoTime}
     */
    SourceBuckets(double ratePerSecond, int burst, int tableSize, LongSupplier nanoTime) {
        if (!(ratePerSecond > 0) || burst < 1 || tableSize < 1) {
            throw new IllegalArgumentException("source rate, burst and table size must be positive");
        }
        this.tokensPerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tableSize = tableSize;
        this.nanoTime = nanoTime;
        this.refillNanos = (long) Math.ceil(burst / tokensPerNano);
        long now = nanoTime.getAsLong();
        this.overflow = new Bucket(burst * (double) OVERFLOW_SHARE, now);
        this.lastSweep = now - refillNanos;
    }

    /** Whether a datagram from {@code source} may pass now (takes a token if so). */
    boolean tryAcquire(InetAddress source) {
        return tryAcquireKey(key(source));
    }

    /**
     * Whether a datagram counted against {@code key} (a source's key, or another sender's identity
     * such as a device id) may pass now (takes a token if so).
     */
    boolean tryAcquireKey(Object key) {
        long now = nanoTime.getAsLong();
        Bucket bucket = table.get(key);
        if (bucket == null) {
            if (!sweep(now)) {
                return overflow.take(now, tokensPerNano * OVERFLOW_SHARE, burst * OVERFLOW_SHARE);
            }
            bucket = new Bucket(burst, now);
            table.put(key, bucket);
        }
        return bucket.take(now, tokensPerNano, burst);
    }

    /** Sources tracked now (never more than the table size). */
    int size() {
        return table.size();
    }

    /**
     * Drops the buckets that have refilled, at most once per refill time (a bucket used since the
     * last sweep cannot be full before then), so the table holds about the sources of the last
     * refill time. @return whether there is room now
     */
    private boolean sweep(long now) {
        if (now - lastSweep >= refillNanos) {
            lastSweep = now;
            for (Iterator<Bucket> it = table.values().iterator(); it.hasNext(); ) {
                if (it.next().fullAt(now, tokensPerNano, burst)) {
                    it.remove();
                }
            }
        }
        return table.size() < tableSize;
    }

    /** IPv4: the address; IPv6: its /64. */
    private static InetAddress key(InetAddress source) {
        if (!(source instanceof Inet6Address)) {
            return source;
        }
        byte[] a = source.getAddress();
        for (int i = 8; i < 16; i++) {
            a[i] = 0;
        }
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);   // 16 bytes is always a valid length
        }
    }
}
