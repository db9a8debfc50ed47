package net.dtm.server.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.spi.store.DeviceStore;

/**
 * What the device registry remembers of its store, for the request path: every device read
 * (kept until the store reports a change of it), and the ids the store did not know (kept for
 * {@code unknownTtl}, at most {@code unknownCapacity} of them, the oldest dropped first), so a
 * flood of datagrams naming unknown devices costs at most one store read per id per TTL.
 * <p>
 * It is the store's {@link DeviceStore.Listener}: a change drops the device from both, so a
 * device removed, re-keyed or disabled anywhere, or enrolled anywhere, is seen at once. A read
 * racing a change never keeps what it read (a change counter per stripe of ids is compared
 * around the read), and concurrent reads of one id share one store read. Over a store that
 * reports no changes ({@link #watched} false), a device read is trusted for {@code unknownTtl} only.
 * <p>
 * When the store says it may have missed changes ({@link #resynced}, after every reconnection),
 * every device remembered becomes stale, not forgotten: it is read again on its next use, and if
 * that read fails (the store unreachable) its last-known record answers. So a node that lost its
 * store just after a reconnection still recognises the devices it knew, and can renew their
 * leases from memory; a device it was told was changed or removed is never answered from memory.
 * (Over a store that reports no changes, a record past its TTL is likewise the answer while the
 * store cannot be read.)
 */
final class DeviceCache implements DeviceStore.Listener {

    /** How long an unknown id is remembered by default. */
    static final Duration UNKNOWN_TTL = Duration.ofMinutes(1);
    /** How many unknown ids are remembered by default. */
    static final int UNKNOWN_CAPACITY = 100_000;

    private static final int STRIPES = 64;

    private record Known(DeviceCredential credential, Instant loadedAt, long epoch) {
    }

    private final DeviceStore store;
    private final Clock clock;
    private final Duration ttl;
    private final ConcurrentHashMap<DeviceId, Known> known = new ConcurrentHashMap<>();
    private final Map<DeviceId, Instant> unknown; // guarded by itself; insertion order, oldest first
    private final ConcurrentHashMap<DeviceId, CompletableFuture<Optional<DeviceCredential>>> loading = new ConcurrentHashMap<>();
    private final AtomicLongArray changes = new AtomicLongArray(STRIPES);
    private final LongAdder storeReads = new LongAdder();
    private final LongAdder unknownReads = new LongAdder();
    private final LongAdder staleAnswers = new LongAdder();
    /** Incremented by every {@link #resynced}: a record read in an earlier epoch is stale. */
    private final AtomicLong epoch = new AtomicLong();
    private volatile boolean watched;

    DeviceCache(DeviceStore store, Clock clock, int unknownCapacity, Duration unknownTtl) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (unknownCapacity < 1 || unknownTtl.isNegative() || unknownTtl.isZero()) {
            throw new IllegalArgumentException("unknown-device cache needs a positive capacity and TTL");
        }
        this.ttl = unknownTtl;
        this.unknown = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<DeviceId, Instant> eldest) {
                return size() > unknownCapacity;
            }
        };
    }

    /** Whether the store reports changes (then devices read are kept until it reports one). */
    void watched(boolean reportsChanges) {
        this.watched = reportsChanges;
    }

    /**
     * The device, from memory or else the store; a stale record of it (see the class comment) if
     * the store cannot be read. @throws RuntimeException if the store fails and none is remembered
     */
    Optional<DeviceCredential> get(DeviceId id) {
        Instant now = clock.instant();
        Known k = known.get(id);
        if (k != null && k.epoch == epoch.get() && (watched || now.isBefore(k.loadedAt.plus(ttl)))) {
            return Optional.of(k.credential);
        }
        if (k == null && knownUnknown(id, now)) {
            return Optional.empty();
        }
        try {
            return load(id);
        } catch (RuntimeException e) {
            if (k == null || known.get(id) != k) {
                throw e; // nothing remembered, or changed or removed since
            }
            staleAnswers.increment();
            return Optional.of(k.credential);
        }
    }

    /** Reads every device into memory (as a node does when it starts). @return how many */
    int preload() {
        long[] before = snapshot();
        long at = epoch.get();
        List<DeviceCredential> all = store.list();
        Instant now = clock.instant();
        for (DeviceCredential c : all) {
            Known k = new Known(c, now, at);
            known.putIfAbsent(c.device(), k);
            if (changes.get(stripe(c.device())) != before[stripe(c.device())]) {
                known.remove(c.device(), k); // changed while the list was read
            }
        }
        return all.size();
    }

    @Override
    public void changed(DeviceId id) {
        changes.incrementAndGet(stripe(id));
        known.remove(id);
        synchronized (unknown) {
            unknown.remove(id);
        }
    }

    /**
     * Every record in memory becomes stale (read again on its next use), none is forgotten. A read
     * in flight meanwhile (a lookup, or the preload of every device) keeps what it read, stale as
     * well: it is stamped with the epoch it started in. Only a {@link #changed} device is dropped.
     */
    @Override
    public void resynced() {
        epoch.incrementAndGet();
        synchronized (unknown) {
            unknown.clear();
        }
    }

    /** Whether a record of the device is in memory now (possibly stale); never reads the store. */
    boolean holds(DeviceId id) {
        return known.containsKey(id);
    }

    /** Store reads made for the request path (and {@code device()}) since start. */
    long storeReads() {
        return storeReads.sum();
    }

    /** Lookups answered by a stale record because the store could not be read, since start. */
    long staleAnswers() {
        return staleAnswers.sum();
    }

    /** Those of them that found no device. */
    long unknownStoreReads() {
        return unknownReads.sum();
    }

    /** Unknown ids remembered now. */
    int unknownSize() {
        synchronized (unknown) {
            return unknown.size();
        }
    }

    private boolean knownUnknown(DeviceId id, Instant now) {
        synchronized (unknown) {
            Instant until = unknown.get(id);
            if (until == null) {
                return false;
            }
            if (now.isBefore(until)) {
                return true;
            }
            unknown.remove(id);
            return false;
        }
    }

    private Optional<DeviceCredential> load(DeviceId id) {
        CompletableFuture<Optional<DeviceCredential>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<DeviceCredential>> other = loading.putIfAbsent(id, mine);
        if (other != null) {
            try {
                return other.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            int stripe = stripe(id);
            long before = changes.get(stripe);
            long at = epoch.get();
            storeReads.increment();
            Optional<DeviceCredential> found = store.find(id);
            Instant now = clock.instant();
            if (found.isPresent()) {
                known.put(id, new Known(found.get(), now, at));
            } else {
                known.remove(id); // removed while its change went unreported: never answered from memory again
                unknownReads.increment();
                synchronized (unknown) {
                    unknown.put(id, now.plus(ttl));
                }
            }
            // checked after the writes above, so a change told meanwhile either is seen here or removes them itself
            boolean changed = changes.get(stripe) != before;
            if (changed) { // what was read may be stale
                known.remove(id);
            }
            if (changed || epoch.get() != at) { // a miss is kept only if nothing came between
                synchronized (unknown) {
                    unknown.remove(id);
                }
            }
            mine.complete(found);
            return found;
        } catch (RuntimeException | Error e) { // an Error too (a store plugin going away): the requests sharing it must not wait forever
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loading.remove(id, mine);
        }
    }

    private long[] snapshot() {
        long[] out = new long[STRIPES];
        for (int i = 0; i < STRIPES; i++) {
            out[i] = changes.get(i);
        }
        return out;
    }

    private static int stripe(DeviceId id) {
        return (id.hashCode() & 0x7fffffff) % STRIPES;
    }
}
