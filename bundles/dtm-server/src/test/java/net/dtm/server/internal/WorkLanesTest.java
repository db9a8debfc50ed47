package net.dtm.server.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One worker, lanes of three tasks, and a clock the test moves. */
class WorkLanesTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final WorkLanes lanes = new WorkLanes(1, 3, 1, "work-lanes-test-", now::get);
    private final List<String> done = new CopyOnWriteArrayList<>();
    private final List<String> dropped = new CopyOnWriteArrayList<>();
    private CountDownLatch release;

    @AfterEach
    void close() {
        if (release != null) {
            release.countDown();
        }
        lanes.close(5);
    }

    /** The one worker held by a task of the {@code first} lane, which is empty again once that is taken. */
    private void holdTheWorker(boolean first) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch hold = new CountDownLatch(1);
        release = hold;
        assertTrue(lanes.offer(first, () -> {
            running.countDown();
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, () -> dropped.add("holder")));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        assertEquals(0, lanes.waiting());
    }

    /** The worker held, then a, b and c queued in the priority lane, which holds three. */
    private void holdTheWorkerAndFillThePriorityLane() throws InterruptedException {
        holdTheWorker(true);
        for (String name : List.of("a", "b", "c")) {
            assertTrue(offer(true, name));
        }
    }

    private boolean offer(boolean first, String name) {
        return lanes.offer(first, () -> done.add(name), () -> dropped.add(name));
    }

    /** Lets the worker go and waits until it has run {@code n} tasks in all. */
    private void releaseUntilDone(int n) {
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() >= n);
    }

    @Test
    void aLaneThatEmptiesSoonServesInArrivalOrderAndRefusesANewTaskWhenFull() throws Exception {
        holdTheWorkerAndFillThePriorityLane();
        now.addAndGet(WorkLanes.STANDING - 1);
        assertFalse(offer(true, "d"), "full, and not standing: the new task is refused");
        releaseUntilDone(3);
        assertEquals(List.of("a", "b", "c"), done);
        assertEquals(List.of(), dropped);
    }

    @Test
    void aStandingLaneServesItsNewestFirstAndDropsItsOldestForANewTask() throws Exception {
        holdTheWorkerAndFillThePriorityLane();
        now.addAndGet(WorkLanes.STANDING);
        assertTrue(offer(true, "d"), "standing: the new task is taken");
        assertEquals(List.of("a"), dropped, "for the oldest");
        releaseUntilDone(3);
        assertEquals(List.of("d", "c", "b"), done);
    }

    @Test
    void theNormalLaneTooAndALaneThatEmptiedStartsInArrivalOrderAgain() throws Exception {
        holdTheWorker(false);
        assertTrue(offer(false, "a"));
        assertTrue(offer(false, "b"));
        now.addAndGet(WorkLanes.STANDING);
        releaseUntilDone(2);
        assertEquals(List.of("b", "a"), done);

        // emptied now: a new backlog is served in arrival order until it stands
        holdTheWorker(false);
        assertTrue(offer(false, "x"));
        assertTrue(offer(false, "y"));
        releaseUntilDone(4);
        assertEquals(List.of("b", "a", "x", "y"), done);
        assertEquals(List.of(), dropped);
    }
}
