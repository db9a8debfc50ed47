package net.dtm.store.derby;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import net.dtm.api.LeaseState;
import net.dtm.spi.store.LeaseCounts;

/**
 * Every stored binding's expiry, state and reservation, in memory, by pool and in expiry order:
 * what reclamation and counting read, so that {@code dtm_lease} needs no index on expiry (whose
 * upkeep, three B-tree changes per new lease, cost the Derby writer as much CPU as the rest of the
 * lease's statements; benchmarks/KEA.md, 2026-12-05). Loaded by one scan when the store opens,
 * then fed by the writes.
 * <p>
 * <b>In commit order.</b> A write reports each change right after its statement changed a row
 * ({@link #changed}), which numbers it: two writes of one row are numbered in the order Derby's row
 * locks let their statements finish, which is their commit order. The change is applied once its
 * transaction committed ({@link Pending#apply}) and dropped if it did not ({@link Pending#skip});
 * changes are applied strictly in number order, a later one waiting for every earlier one to be
 * applied or dropped. So the index is always the state of some prefix of the commits: it may lag a
 * commit by the time an earlier transaction takes to end, never show a change that was rolled back.
 * Every numbered change must end in apply or skip, or later ones wait forever.
 * <p>
 * Readers take it as a guide: {@link DerbyLeases#reclaimable} reads each candidate's row before
 * returning it. It is exact only while its store is the database's one writer: embedded Derby
 * admits one JVM, and within it one {@link DerbyStore} per database (the component opens one).
 * <p>
 * Memory: 121 bytes per binding beside its device id (1,000,000 bindings: 121 MB, loaded in about
 * 2 s; counting them about 0.1 s, during which changes wait).
 */
final class ExpiryIndex {

    /** A change to the index, applied in commit order. */
    sealed interface Change permits Put, Remove, RemovePool {
    }

    /** The device's binding in the pool now expires at {@code expiresAt}, in {@code state}. */
    record Put(String pool, String device, Instant expiresAt, LeaseState state, boolean reserved) implements Change {
    }

    /** The device's binding in the pool is gone. */
    record Remove(String pool, String device) implements Change {
    }

    /** The pool and all its bindings are gone. */
    record RemovePool(String pool) implements Change {
    }

    /** A numbered change waiting for its transaction's outcome. */
    record Pending(ExpiryIndex index, long number, Change change) {
        /** Its transaction committed: apply it (in number order). */
        void apply() {
            index.done(number, change);
        }

        /** Its transaction rolled back: drop it (later changes no longer wait for it). */
        void skip() {
            index.done(number, null);
        }
    }

    /** The changes of the write running on this thread, or null outside one. */
    private static final ThreadLocal<List<Pending>> RECORDING = new ThreadLocal<>();

    /**
     * Starts recording the changes of a write on this thread into {@code into}, until the returned
     * handle is closed; the caller then applies or skips them once the transaction has ended.
     */
    static Recording record(List<Pending> into) {
        List<Pending> outer = RECORDING.get();
        RECORDING.set(into);
        return () -> {
            if (outer == null) {
                RECORDING.remove();
            } else {
                RECORDING.set(outer);
            }
        };
    }

    /** The end of a recording. */
    interface Recording extends AutoCloseable {
        @Override
        void close();
    }

    /** Applies every change in {@code changes} and clears the list. */
    static void applyAll(List<Pending> changes) {
        for (Pending p : changes) {
            p.apply();
        }
        changes.clear();
    }

    /** Drops every change in {@code changes} and clears the list. */
    static void skipAll(List<Pending> changes) {
        for (Pending p : changes) {
            p.skip();
        }
        changes.clear();
    }

    /** A binding as the index holds it: its expiry (seconds and nanoseconds), device, state and reservation. */
    private record Binding(long sec, int nano, String device, LeaseState state, boolean reserved) {
        /** Expiry, then device: a pool's reclamation order. */
        static final Comparator<Binding> ORDER = (a, b) -> {
            int c = Long.compare(a.sec, b.sec);
            if (c == 0) {
                c = Integer.compare(a.nano, b.nano);
            }
            return c != 0 ? c : a.device.compareTo(b.device);
        };

        boolean after(Instant t) {
            return sec > t.getEpochSecond() || (sec == t.getEpochSecond() && nano > t.getNano());
        }
    }

    /** One pool's bindings, in expiry order and by device. */
    private static final class PoolExpiries {
        final TreeSet<Binding> byExpiry = new TreeSet<>(Binding.ORDER);
        final Map<String, Binding> byDevice = new HashMap<>();
    }

    private final AtomicLong numbered = new AtomicLong();
    private final Map<String, PoolExpiries> pools = new HashMap<>(); // guarded by this
    /** Changes numbered after {@link #nextToApply} whose outcome is known (null: dropped), waiting for it. */
    private final TreeMap<Long, Change> waiting = new TreeMap<>(); // guarded by this
    private long nextToApply = 1; // guarded by this

    /**
     * Numbers a change a statement of the write running on this thread has just made, to be
     * applied or dropped with its transaction.
     *
     * @throws IllegalStateException if no write is recording on this thread (a write path that
     *                               bypasses {@link DerbyConnections}: a bug)
     */
    void changed(Change change) {
        List<Pending> into = RECORDING.get();
        if (into == null) {
            throw new IllegalStateException("a lease write outside a recorded write: " + change);
        }
        into.add(new Pending(this, numbered.incrementAndGet(), change));
    }

    /** Adds a binding read when the store opens, before any write. */
    synchronized void load(String pool, String device, Instant expiresAt, LeaseState state, boolean reserved) {
        put(new Put(pool, device, expiresAt, state, reserved));
    }

    private synchronized void done(long number, Change change) {
        waiting.put(number, change);
        for (Map.Entry<Long, Change> e; (e = waiting.firstEntry()) != null && e.getKey() == nextToApply; ) {
            waiting.pollFirstEntry();
            nextToApply++;
            if (e.getValue() != null) {
                apply(e.getValue());
            }
        }
    }

    private void apply(Change c) {
        if (c instanceof Put p) {
            put(p);
        } else if (c instanceof Remove r) {
            remove(r.pool(), r.device());
        } else if (c instanceof RemovePool r) {
            pools.remove(r.pool());
        }
    }

    private void put(Put p) {
        remove(p.pool(), p.device());
        PoolExpiries pe = pools.computeIfAbsent(p.pool(), k -> new PoolExpiries());
        Binding b = new Binding(p.expiresAt().getEpochSecond(), p.expiresAt().getNano(), p.device(), p.state(),
                p.reserved());
        pe.byExpiry.add(b);
        pe.byDevice.put(p.device(), b);
    }

    private void remove(String pool, String device) {
        PoolExpiries pe = pools.get(pool);
        if (pe == null) {
            return;
        }
        Binding b = pe.byDevice.remove(device);
        if (b != null) {
            pe.byExpiry.remove(b);
        }
        if (pe.byDevice.isEmpty()) {
            pools.remove(pool);
        }
    }

    /**
     * Devices of the pool whose binding is not reserved and expired at {@code boundary} (expiry at
     * or before it), oldest expiry first, at most {@code limit}.
     */
    synchronized List<String> reclaimable(String pool, Instant boundary, int limit) {
        List<String> out = new ArrayList<>(Math.min(limit, 64));
        PoolExpiries pe = pools.get(pool);
        if (pe == null) {
            return out;
        }
        for (Binding b : pe.byExpiry) {
            if (out.size() >= limit || b.after(boundary)) {
                break;
            }
            if (!b.reserved()) {
                out.add(b.device());
            }
        }
        return out;
    }

    /**
     * The pool's bindings counted as {@link net.dtm.spi.store.LeaseStore#countLeases} counts them:
     * locked and bound ones not expired at {@code now}; reclaimable ones (RELEASED or expired at
     * {@code now}, and expired at the quarantine boundary); reserved ones; quarantined the rest.
     */
    synchronized LeaseCounts counts(String pool, Instant now, Instant quarantineBoundary) {
        PoolExpiries pe = pools.get(pool);
        if (pe == null) {
            return new LeaseCounts(0, 0, 0, 0, 0);
        }
        Instant earlier = quarantineBoundary.isBefore(now) ? quarantineBoundary : now;
        long locked = 0;
        long bound = 0;
        long reclaimable = 0;
        long reserved = 0;
        for (Binding b : pe.byExpiry) {
            boolean live = b.after(now);
            if (b.reserved()) {
                reserved++;
            }
            if (live && b.state() == LeaseState.LOCKED) {
                locked++;
            } else if (live && b.state() == LeaseState.BOUND) {
                bound++;
            }
            if (!b.after(earlier) || (b.state() == LeaseState.RELEASED && live && !b.after(quarantineBoundary))) {
                reclaimable++;
            }
        }
        long quarantined = Math.max(0, pe.byExpiry.size() - locked - bound - reclaimable);
        return new LeaseCounts(locked, bound, quarantined, reclaimable, reserved);
    }

    /** Bindings held, over all pools. */
    synchronized int size() {
        int n = 0;
        for (PoolExpiries pe : pools.values()) {
            n += pe.byExpiry.size();
        }
        return n;
    }

    /** Changes numbered whose transaction has not ended yet, or that wait for an earlier one. */
    synchronized long unapplied() {
        return numbered.get() - (nextToApply - 1);
    }
}
