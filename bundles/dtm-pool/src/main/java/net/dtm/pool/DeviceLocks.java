package net.dtm.pool;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import net.dtm.api.DeviceId;

/**
 * Serialises the requests of one device in one pool on this node: 256 striped reentrant locks, so
 * requests of different devices run in parallel (two devices share a stripe now and then). No
 * pool-wide lock is ever held around store I/O.
 */
final class DeviceLocks {

    private static final int STRIPES = 256;

    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    DeviceLocks() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** Runs {@code action} holding the device's lock. */
    <T> T with(String pool, DeviceId device, Supplier<T> action) {
        ReentrantLock lock = stripe(pool, device);
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private ReentrantLock stripe(String pool, DeviceId device) {
        int h = 31 * pool.hashCode() + device.hashCode();
        h ^= (h >>> 16);
        return stripes[h & (STRIPES - 1)];
    }
}
