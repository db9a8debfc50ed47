package net.dtm.server.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import net.dtm.api.EnrolmentKey;
import net.dtm.spi.store.EnrolmentKeyStore;

/**
 * What the enrolment path remembers of the {@link EnrolmentKeyStore}: a key read is kept for
 * {@code knownTtl}, an id the store did not know for {@code unknownTtl} (so ENROLs naming made-up
 * ids cost one store read per id and TTL, not one each), at most {@code capacity} entries, the
 * least recently used dropped first.
 * <p>
 * A key kept here may be stale (another node counted a use, the operator revoked it): that is safe
 * because every change the enrolment path makes is a compare-and-set against the stored record,
 * which fails on a stale one; the path then {@link #reload}s. Safe for many threads.
 */
final class EnrolmentKeyCache {

    /** How long a key read is trusted by default. */
    static final Duration KNOWN_TTL = Duration.ofSeconds(2);
    /** How long an unknown id is remembered by default. */
    static final Duration UNKNOWN_TTL = Duration.ofSeconds(30);
    /** How many ids are remembered at most by default. */
    static final int CAPACITY = 16_384;

    private record Entry(Optional<EnrolmentKey> key, long expiresAtMillis) {
    }

    private final EnrolmentKeyStore store;
    private final Clock clock;
    private final long knownTtl;
    private final long unknownTtl;
    private final Map<String, Entry> entries; // guarded by itself; access order

    EnrolmentKeyCache(EnrolmentKeyStore store, Clock clock) {
        this(store, clock, KNOWN_TTL, UNKNOWN_TTL, CAPACITY);
    }

    EnrolmentKeyCache(EnrolmentKeyStore store, Clock clock, Duration knownTtl, Duration unknownTtl, int capacity) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (capacity < 1 || knownTtl.isNegative() || unknownTtl.isNegative()) {
            throw new IllegalArgumentException("enrolment key cache needs a positive capacity and TTLs not negative");
        }
        this.knownTtl = knownTtl.toMillis();
        this.unknownTtl = unknownTtl.toMillis();
        this.entries = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The store these keys come from. */
    EnrolmentKeyStore store() {
        return store;
    }

    /**
     * The key, from memory or else the store; a malformed id is unknown without a read.
     *
     * @throws RuntimeException if the store cannot be read
     */
    Optional<EnrolmentKey> find(String id) {
        if (!EnrolmentKey.isValidId(id)) {
            return Optional.empty();
        }
        long now = clock.millis();
        synchronized (entries) {
            Entry e = entries.get(id);
            if (e != null && now < e.expiresAtMillis()) {
                return e.key();
            }
        }
        return reload(id);
    }

    /** The key as stored now, remembered. @throws RuntimeException if the store cannot be read */
    Optional<EnrolmentKey> reload(String id) {
        Optional<EnrolmentKey> key = store.find(id);
        remember(id, key);
        return key;
    }

    /** Remembers {@code key} as stored now (after this node changed it). */
    void stored(EnrolmentKey key) {
        remember(key.id(), Optional.of(key));
    }

    private void remember(String id, Optional<EnrolmentKey> key) {
        long expires = clock.millis() + (key.isPresent() ? knownTtl : unknownTtl);
        synchronized (entries) {
            entries.put(id, new Entry(key, expires));
        }
    }

    /** Ids remembered now (tests). */
    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
