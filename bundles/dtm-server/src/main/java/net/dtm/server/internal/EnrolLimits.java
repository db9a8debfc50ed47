package net.dtm.server.internal;

import java.net.InetAddress;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Rate limits of ENROL requests, applied before any signature check or store read: a token bucket
 * per source address (IPv4 /32, IPv6 /64) and one per claimed enrolment key id (a key fetch, which
 * names no key, counts against its device id instead). A request passes only if both buckets have a
 * token. Safe for many threads.
 */
final class EnrolLimits {

    /** Key ids (and fetching devices) tracked at most; beyond, they share an overflow bucket. */
    static final int TABLE_SIZE = 16_384;

    private record FetchKey(Object device) {
    }

    private final SourceBuckets sources;
    private final SourceBuckets keys;

    EnrolLimits(EnrolSettings settings, LongSupplier nanoTime) {
        Objects.requireNonNull(settings, "settings");
        this.sources = new SourceBuckets(settings.sourceRate(), settings.sourceBurst(), TABLE_SIZE, nanoTime);
        this.keys = new SourceBuckets(settings.keyRate(), settings.keyBurst(), TABLE_SIZE, nanoTime);
    }

    /**
     * Whether an ENROL from {@code source} naming {@code keyId} may be worked on now (takes a token
     * of each bucket if so; none if either is empty).
     *
     * @param keyId  the claimed key id; empty for a key fetch
     * @param device the device the request names (the fetch's bucket)
     */
    boolean admit(InetAddress source, String keyId, Object device) {
        Object key = keyId.isEmpty() ? new FetchKey(device) : keyId;
        synchronized (this) {
            // the source's token first: a flood from one source must not drain a key others use
            return sources.tryAcquire(source) && keys.tryAcquireKey(key);
        }
    }
}
