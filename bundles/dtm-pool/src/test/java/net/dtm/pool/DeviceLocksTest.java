package net.dtm.pool;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;

class DeviceLocksTest {

    private final DeviceLocks locks = new DeviceLocks();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    /** Holds the device's lock on another thread until {@code leave} opens. */
    private Future<?> hold(String device, CountDownLatch inside, CountDownLatch leave) {
        return threads.submit(() -> locks.with("p", DeviceId.of(device), () -> {
            inside.countDown();
            try {
                return leave.await(30, SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }));
    }

    @Test
    void requestsOfOneDeviceWaitForEachOther() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        Future<?> holder = hold("d1", inside, leave);
        assertTrue(inside.await(10, SECONDS));

        AtomicBoolean entered = new AtomicBoolean();
        AtomicReference<Thread> waiter = new AtomicReference<>();
        Future<?> second = threads.submit(() -> {
            waiter.set(Thread.currentThread());
            return locks.with("p", DeviceId.of("d1"), () -> entered.getAndSet(true));
        });
        await().atMost(Duration.ofSeconds(10))
                .until(() -> waiter.get() != null && waiter.get().getState() == Thread.State.WAITING);
        assertFalse(entered.get(), "the second request waits while the first holds the device");
        leave.countDown();
        second.get(10, SECONDS);
        holder.get(10, SECONDS);
        assertTrue(entered.get());
    }

    /** Fails on the 256 striped locks of before: about 8 of these 2,000 devices shared dev-1's stripe and waited. */
    @Test
    void noOtherDeviceWaitsForAHeldOneNorTheSameDeviceInAnotherPool() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        hold("dev-1", inside, leave);
        assertTrue(inside.await(10, SECONDS));
        Future<Integer> others = threads.submit(() -> {
            int ran = 0;
            for (int i = 2; i <= 2_000; i++) {
                ran += locks.with("pool-a", DeviceId.of("dev-" + i), () -> 1);
                ran += locks.with("p", DeviceId.of("dev-" + i), () -> 1);
            }
            return ran;
        });
        assertEquals(3_998, others.get(10, SECONDS), "no other device waited for dev-1");
        assertEquals("ran", threads.submit(() -> locks.with("q", DeviceId.of("dev-1"), () -> "ran")).get(10, SECONDS),
                "the same device in another pool does not wait either");
        leave.countDown();
    }

    @Test
    void aDeviceIsForgottenOnceItsLastRequestEnds() throws Exception {
        DeviceId d = DeviceId.of("d1");
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        Future<?> holder = hold("d1", inside, leave);
        assertTrue(inside.await(10, SECONDS));
        AtomicReference<Thread> waiter = new AtomicReference<>();
        Future<String> second = threads.submit(() -> {
            waiter.set(Thread.currentThread());
            return locks.with("p", d, () -> "second");
        });
        await().atMost(Duration.ofSeconds(10))
                .until(() -> waiter.get() != null && waiter.get().getState() == Thread.State.WAITING);
        assertEquals(1, locks.inUse(), "one lock for the holder and its waiter");
        leave.countDown();
        assertEquals("second", second.get(10, SECONDS));
        holder.get(10, SECONDS);
        assertThrows(IllegalStateException.class, () -> locks.with("p", d, () -> {
            throw new IllegalStateException("boom");
        }));
        assertEquals(0, locks.inUse(), "nothing kept once no request runs or waits, a failed one included");
    }

    @Test
    void manyThreadsOnFewDevicesNeverOverlapOnOneAndLeaveNothingBehind() throws Exception {
        int devices = 8;
        AtomicInteger[] inside = new AtomicInteger[devices];
        for (int i = 0; i < devices; i++) {
            inside[i] = new AtomicInteger();
        }
        AtomicInteger overlaps = new AtomicInteger();
        List<Future<?>> runs = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int seed = t;
            runs.add(threads.submit(() -> {
                for (int n = 0; n < 5_000; n++) {
                    int i = (seed * 7 + n) % devices;
                    locks.with("p", DeviceId.of("d" + i), () -> {
                        if (inside[i].incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        inside[i].decrementAndGet();
                        return null;
                    });
                }
                return null;
            }));
        }
        for (Future<?> r : runs) {
            r.get(60, SECONDS);
        }
        assertEquals(0, overlaps.get(), "two requests of one device never ran at once");
        assertEquals(0, locks.inUse());
    }

    @Test
    void aHoldBelongsToNoThreadAndIsReleasedWhereverItsWriteEnds() throws Exception {
        DeviceId d = DeviceId.of("d1");
        AtomicReference<DeviceLocks.Hold> hold = new AtomicReference<>();
        AtomicReference<Thread> worker = new AtomicReference<>();
        AtomicBoolean entered = new AtomicBoolean();
        Future<?> sameThread = threads.submit(() -> {
            hold.set(locks.acquire("p", d)); // a request whose write goes on without this thread
            worker.set(Thread.currentThread());
            return locks.with("p", d, () -> entered.getAndSet(true)); // the same thread's next request of d1
        });
        await().atMost(Duration.ofSeconds(10))
                .until(() -> worker.get() != null && worker.get().getState() == Thread.State.WAITING);
        assertFalse(entered.get(), "the thread that took the hold waits for it like any other");
        threads.submit(() -> hold.get().release()).get(10, SECONDS); // the store's thread ends the write
        sameThread.get(10, SECONDS);
        assertTrue(entered.get());
        hold.get().release(); // a second release changes nothing
        assertEquals(0, locks.inUse());
    }

    @Test
    void theLockIsReentrantAndLetGoWhenTheActionFails() throws Exception {
        DeviceId d = DeviceId.of("d1");
        assertEquals("inner", locks.with("p", d, () -> locks.with("p", d, () -> "inner")));
        assertThrows(IllegalStateException.class, () -> locks.with("p", d, () -> {
            throw new IllegalStateException("boom");
        }));
        assertEquals("free", threads.submit(() -> locks.with("p", d, () -> "free")).get(10, SECONDS));
    }
}
