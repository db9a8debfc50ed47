package net.dtm.benchmark.lease;

import java.util.AbstractList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.LongSupplier;

import net.dtm.api.DeviceId;
import net.dtm.testkit.lease.DeviceKeys;

/**
 * Never-used benchmark devices ({@code dev-<n>}, {@link DeviceKeys}), handed out in batches, one
 * batch per run of the load client. A batch remembers when its iterator ran dry, so a run can tell
 * whether it was cut short by running out of enrolled devices.
 */
final class DeviceSupply {

    /** The device id prefix the node and the client agree on. */
    static final String PREFIX = "dev";

    private final LongSupplier nanoTime;
    private long next;

    DeviceSupply() {
        this(System::nanoTime);
    }

    DeviceSupply(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** The next {@code count} devices, never handed out before. */
    Batch take(long count) {
        if (count < 1 || count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a batch holds 1 to " + Integer.MAX_VALUE + " devices, asked for " + count);
        }
        Batch b = new Batch(next, (int) count, nanoTime);
        next += count;
        return b;
    }

    /** Devices handed out so far. */
    long handedOut() {
        return next;
    }

    /** Devices {@code first .. first + count - 1}, iterated once by a run. */
    static final class Batch {
        private final long first;
        private final int count;
        private final LongSupplier nanoTime;
        private int used;
        private long ranOutNanos = -1;

        Batch(long first, int count, LongSupplier nanoTime) {
            this.first = first;
            this.count = count;
            this.nanoTime = nanoTime;
        }

        /** The number of the first device. */
        long first() {
            return first;
        }

        int size() {
            return count;
        }

        /** The batch's devices as a list computed on access (for enrolment and key derivation). */
        List<DeviceId> ids() {
            return new AbstractList<>() {
                @Override
                public DeviceId get(int index) {
                    if (index < 0 || index >= count) {
                        throw new IndexOutOfBoundsException(index);
                    }
                    return DeviceKeys.id(PREFIX, first + index);
                }

                @Override
                public int size() {
                    return count;
                }
            };
        }

        /** The devices for one run; records when the run asked for more than the batch holds. */
        Iterator<DeviceId> iterator() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    if (used < count) {
                        return true;
                    }
                    if (ranOutNanos < 0) {
                        ranOutNanos = nanoTime.getAsLong();
                    }
                    return false;
                }

                @Override
                public DeviceId next() {
                    if (used >= count) {
                        throw new NoSuchElementException("batch of " + count + " devices used up");
                    }
                    return DeviceKeys.id(PREFIX, first + used++);
                }
            };
        }

        /** Devices the run took. */
        int used() {
            return used;
        }

        /** Whether the run wanted a device after the last one. */
        boolean ranOut() {
            return ranOutNanos >= 0;
        }

        /** When it ran out ({@link System#nanoTime()} scale), or -1. */
        long ranOutNanos() {
            return ranOutNanos;
        }
    }
}
