package net.dtm.pool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import net.dtm.api.DeviceId;

/**
 * Serialises the requests of one device in one pool on this node: one reentrant lock per device
 * with a request in progress, so requests of different devices never wait for each other. A
 * device's lock is kept only while a request of it runs or waits, then forgotten. No pool-wide lock
 * is ever held around store I/O.
 * <p>
 * Its locks used to be 256 stripes shared by hashing. A request holds its device's lock across
 * its store write, so with all 64 of the node's workers holding one, a request's stripe was held by
 * another device up to a quarter of the time (63 of 256; an estimate, not counted) and it waited
 * for that device's write (profiled: 7 % of the workers' CPU parking and waking on these locks).
 */
final class DeviceLocks {

    /**
     * One device's lock and how many requests hold it or wait for it (changed only inside the map's
     * compute). A semaphore, not a thread's lock: a request whose store write completes on another
     * thread releases it there ({@link #acquire}). Within {@link #with} it is reentrant for the
     * thread running the action ({@link #owner}); a hold from {@link #acquire} belongs to no
     * thread, so a thread that took one and moved on to other work waits for it like any other.
     */
    private static final class Held {
        final Semaphore lock = new Semaphore(1);
        int users;
        /** The thread running an action under {@link #with}, else null. */
        volatile Thread owner;
    }

    /** A device's lock, held until {@link #release()}, from any thread, once. */
    final class Hold {
        private final LeaseKey key;
        private final Held held;
        private final AtomicBoolean released = new AtomicBoolean();

        private Hold(LeaseKey key, Held held) {
            this.key = key;
            this.held = held;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                held.lock.release();
                forget(key);
            }
        }
    }

    private final ConcurrentHashMap<LeaseKey, Held> held = new ConcurrentHashMap<>();

    /** Runs {@code action} holding the device's lock. */
    <T> T with(String pool, DeviceId device, Supplier<T> action) {
        Held mine = held.get(new LeaseKey(pool, device));
        if (mine != null && mine.owner == Thread.currentThread()) {
            return action.get(); // this thread holds it already, in an action further up its stack
        }
        Hold hold = acquire(pool, device);
        hold.held.owner = Thread.currentThread();
        try {
            return action.get();
        } finally {
            hold.held.owner = null;
            hold.release();
        }
    }

    /**
     * Runs {@code action} holding the device's lock, and keeps holding it until the future the
     * action returns is complete, on whichever thread completes it. An action that returns null
     * (nothing to wait for) or throws lets the lock go at once.
     */
    <T> CompletableFuture<T> withAsync(String pool, DeviceId device, Supplier<CompletableFuture<T>> action) {
        Hold hold = acquire(pool, device);
        CompletableFuture<T> pending;
        try {
            pending = action.get();
        } catch (RuntimeException | Error e) {
            hold.release();
            throw e;
        }
        if (pending == null) {
            hold.release();
            return null;
        }
        return pending.whenComplete((result, failure) -> hold.release());
    }

    /** Waits for the device's lock and holds it until the returned hold is released (on any thread). */
    Hold acquire(String pool, DeviceId device) {
        LeaseKey key = new LeaseKey(pool, device);
        Held h = held.compute(key, (k, v) -> {
            Held mine = v == null ? new Held() : v;
            mine.users++;
            return mine;
        });
        h.lock.acquireUninterruptibly();
        return new Hold(key, h);
    }

    private void forget(LeaseKey key) {
        held.computeIfPresent(key, (k, v) -> --v.users == 0 ? null : v);
    }

    /** Devices whose lock is held or awaited now (tests: it is empty once every request ended). */
    int inUse() {
        return held.size();
    }
}
