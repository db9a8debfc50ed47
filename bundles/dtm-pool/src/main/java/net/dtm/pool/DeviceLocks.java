package net.dtm.pool;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
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

    /** One device's lock and how many requests hold it or wait for it (changed only inside the map's compute). */
    private static final class Held {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    private final ConcurrentHashMap<LeaseKey, Held> held = new ConcurrentHashMap<>();

    /** Runs {@code action} holding the device's lock. */
    <T> T with(String pool, DeviceId device, Supplier<T> action) {
        LeaseKey key = new LeaseKey(pool, device);
        Held h = held.compute(key, (k, v) -> {
            Held mine = v == null ? new Held() : v;
            mine.users++;
            return mine;
        });
        try {
            h.lock.lock();
            try {
                return action.get();
            } finally {
                h.lock.unlock();
            }
        } finally {
            held.computeIfPresent(key, (k, v) -> --v.users == 0 ? null : v);
        }
    }

    /** Devices whose lock is held or awaited now (tests: it is empty once every request ended). */
    int inUse() {
        return held.size();
    }
}
