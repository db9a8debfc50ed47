package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import net.dtm.api.EnrolmentKey;
import net.dtm.api.fakes.SettableClock;
import net.dtm.protocol.EnrolReply;
import net.dtm.protocol.EnrolmentToken;

/**
 * Copies of one ENROL datagram (a router sending over several links) handled at the same moment
 * on several workers, with single-use keys: they share one decision and one reply. (Both copies
 * once found nothing cached, both claimed the datagram and both decided: one was granted, the
 * other refused used-up or handed the key again.)
 */
class EnrolCopiesRaceTest {

    private static final Instant START = Instant.parse("2026-12-03T10:00:00Z");
    private static final EnrolSettings NO_LIMITS = new EnrolSettings(1e9, 1_000_000, 1e9, 1_000_000);

    private final SettableClock clock = new SettableClock(START);
    private final FakeEnrolmentKeyStore keyStore = new FakeEnrolmentKeyStore();
    private final DeviceManager devices = new DeviceManager(new FakeDeviceStore(), clock);
    private final Counters counters = new Counters();
    private final AtomicBoolean holdNext = new AtomicBoolean();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final EnrolPath path = new EnrolPath(counters, clock, this::nanoTime);

    {
        path.decision(new EnrolDecision(new EnrolmentKeyCache(keyStore, clock), devices, clock, () -> true));
    }

    /**
     * The rate limits' clock holds the first copy inside its limit check, before it has claimed the
     * datagram, until the second copy is stuck or answered.
     */
    @Test
    void aCopyArrivingWhileTheFirstIsCheckedWaitsForItsAnswerAndTakesNoToken() throws Exception {
        path.limits(new EnrolSettings(1e9, 1_000_000, 1e-3, 1));   // one ENROL per key id
        TestRouter router = new TestRouter("bus-0001");
        byte[] datagram = router.enrol(singleUseKey());
        InetSocketAddress linkA = new InetSocketAddress("192.0.2.10", 40000);
        InetSocketAddress linkB = new InetSocketAddress("198.51.100.20", 40001);

        holdNext.set(true);
        Worker first = new Worker(datagram, linkA);
        assertTrue(held.await(5, TimeUnit.SECONDS), "the first copy reaches its limit check");
        Worker second = new Worker(datagram, linkB);
        second.awaitStuckOrAnswered();
        release.countDown();

        byte[] reply = first.answer();
        assertArrayEquals(reply, second.answer(), "both copies get the very same reply");
        assertEquals(0, counters.get("dropped.enrol-rate"), "the copy took no token");
        assertEquals(1, decisions());
        assertEquals(EnrolReply.Status.GRANTED, router.open(datagram, reply).status());
    }

    @Test
    void copiesStartedTogetherAreDecidedOnce() throws Exception {
        path.limits(NO_LIMITS);
        int rounds = 300;   // about 2 s; before the fix about 3 % of the rounds were decided twice
        ExecutorService workers = Executors.newFixedThreadPool(2);
        int decidedTwice = 0;
        int refused = 0;
        try {
            for (int round = 0; round < rounds; round++) {
                TestRouter router = new TestRouter("bus-" + round);
                byte[] datagram = router.enrol(singleUseKey());
                long before = decisions();
                CountDownLatch ready = new CountDownLatch(2);
                List<Future<Optional<byte[]>>> replies = new ArrayList<>();
                for (String link : List.of("192.0.2.10", "198.51.100.20")) {
                    InetSocketAddress source = new InetSocketAddress(link, 40000);
                    replies.add(workers.submit(() -> {
                        ready.countDown();
                        while (ready.getCount() > 0) {   // spinning: both start within a microsecond
                            Thread.onSpinWait();
                        }
                        return path.handle(datagram, source).get(5, TimeUnit.SECONDS);
                    }));
                }
                for (Future<Optional<byte[]>> reply : replies) {
                    byte[] bytes = reply.get(5, TimeUnit.SECONDS).orElseThrow();
                    if (router.open(datagram, bytes).status() != EnrolReply.Status.GRANTED) {
                        refused++;
                    }
                }
                if (decisions() - before > 1) {
                    decidedTwice++;
                }
            }
        } finally {
            workers.shutdownNow();
        }
        assertEquals(0, decidedTwice, "rounds of " + rounds + " decided twice");
        assertEquals(0, refused, "copies of a granted ENROL answered otherwise");
    }

    private EnrolmentToken singleUseKey() {
        EnrolmentToken token = EnrolmentToken.generate(new SecureRandom());
        keyStore.add(new EnrolmentKey(token.id(), token.verifier(), token.replyKey(), "depot", "bus-*", "demo",
                1, 0, START, START.plus(Duration.ofDays(30)), false));
        return token;
    }

    /** The limits' clock: the first reading after {@link #holdNext} is set waits for {@link #release}. */
    private long nanoTime() {
        if (holdNext.compareAndSet(true, false)) {
            held.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return System.nanoTime();
    }

    private long decisions() {
        return counters.get("enrol.granted") + counters.get("enrol.again") + counters.get("enrol.replaced")
                + counters.get("enrol.fetched") + counters.get("enrol.try-later") + counters.get("enrol.refused.used-up")
                + counters.get("enrol.refused.taken");
    }

    /** A thread of its own handling one copy. */
    private final class Worker {
        private final CompletableFuture<Optional<byte[]>> reply = new CompletableFuture<>();
        private final InetSocketAddress link;
        private final Thread thread;

        Worker(byte[] datagram, InetSocketAddress link) {
            this.link = link;
            this.thread = new Thread(() -> {
                try {
                    path.handle(datagram, link).whenComplete((r, e) -> {
                        if (e != null) {
                            reply.completeExceptionally(e);
                        } else {
                            reply.complete(r);
                        }
                    });
                } catch (RuntimeException e) {
                    reply.completeExceptionally(e);
                }
            }, "enrol-copy-" + link);
            thread.setDaemon(true);
            thread.start();
        }

        /** Until this copy is answered or handled, or its thread has waited on a lock 50 ms on end (at most 5 s). */
        void awaitStuckOrAnswered() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            int stuck = 0;
            while (stuck < 5 && !reply.isDone() && thread.isAlive() && System.nanoTime() < deadline) {
                Thread.State s = thread.getState();
                stuck = s == Thread.State.BLOCKED || s == Thread.State.WAITING ? stuck + 1 : 0;
                Thread.sleep(10);
            }
        }

        byte[] answer() throws Exception {
            return reply.get(5, TimeUnit.SECONDS)
                    .orElseThrow(() -> new AssertionError("the copy from " + link + " was not answered"));
        }
    }
}
