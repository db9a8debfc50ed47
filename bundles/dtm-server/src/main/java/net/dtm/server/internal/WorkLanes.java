package net.dtm.server.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed set of worker threads fed by two bounded queues: the priority lane (requests of devices
 * known to this node) is always taken first, and the normal lane (everything else, e.g. a device's
 * first request, or garbage naming unknown devices whose key look-up may read the store) may hold
 * at most {@code normalThreads} workers at once, so the rest stay free for the priority lane.
 * <p>
 * <b>Adaptive LIFO.</b> A lane serves its oldest task first, unless it has not been empty for
 * {@link #STANDING} or more: then it is overloaded (a fleet coming back at once), and it serves its
 * newest task first, and a full lane makes room for a new task by dropping its oldest. The newest
 * datagrams come from devices still waiting for their answer; the oldest ones' senders have most
 * likely retransmitted them or given the attempt up, so serving them first spends the node on
 * answers that arrive too late, while every fresh request waits behind them (served first in
 * first out, a standing queue makes every answer late). The idea of Facebook's "adaptive LIFO"
 * (Maurer, "Fail at Scale", ACM Queue 2015).
 */
final class WorkLanes implements AutoCloseable {

    /**
     * How long a lane stays non-empty before it serves its newest task first: an agent's first
     * retransmission (250 ms), after which the oldest waiting datagrams have fresher copies behind them.
     */
    static final long STANDING = TimeUnit.MILLISECONDS.toNanos(250);

    private static final Logger LOG = LoggerFactory.getLogger(WorkLanes.class);

    /** A queued task and what is done if it is dropped for a newer one. */
    private record Task(Runnable work, Runnable dropped) {
    }

    /** One bounded queue and when it was last seen empty; guarded by the lanes' lock. */
    private static final class Lane {
        final ArrayDeque<Task> tasks = new ArrayDeque<>();
        long emptyAt;

        boolean standing(long now) {
            return !tasks.isEmpty() && now - emptyAt >= STANDING;
        }

        Task take(long now) {
            Task t = standing(now) ? tasks.pollLast() : tasks.pollFirst();
            if (tasks.isEmpty()) {
                emptyAt = now;
            }
            return t;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Lane priority = new Lane();
    private final Lane normal = new Lane();
    private final LongSupplier nanoTime;
    private final int capacity;
    private final int normalThreads;
    private final List<Thread> threads = new ArrayList<>();
    private int normalBusy;
    private boolean closed;

    /**
     * @param threads       worker threads
     * @param capacity      tasks each lane may hold waiting
     * @param normalThreads workers the normal lane may hold at once (1..threads)
     * @param name          thread name prefix
     * @param nanoTime      the clock a lane's standing time is measured by
     */
    WorkLanes(int threads, int capacity, int normalThreads, String name, LongSupplier nanoTime) {
        if (threads < 1 || capacity < 1 || normalThreads < 1 || normalThreads > threads) {
            throw new IllegalArgumentException("threads and capacity must be positive, normal-lane threads 1.." + threads);
        }
        this.capacity = capacity;
        this.normalThreads = normalThreads;
        this.nanoTime = nanoTime;
        long now = nanoTime.getAsLong();
        priority.emptyAt = now;
        normal.emptyAt = now;
        for (int i = 1; i <= threads; i++) {
            Thread t = new Thread(this::run, name + i);
            t.setDaemon(true);
            this.threads.add(t);
        }
        this.threads.forEach(Thread::start);
    }

    /**
     * Queues a task in the priority or the normal lane. A full lane that is {@link #STANDING standing}
     * drops its oldest task for it ({@code dropped} of that task runs, on this thread).
     *
     * @param dropped what to do if the task is dropped for a newer one
     * @return false if that lane is full and not standing, or the lanes are closed
     */
    boolean offer(boolean first, Runnable task, Runnable dropped) {
        Task evicted = null;
        lock.lock();
        try {
            Lane lane = first ? priority : normal;
            if (closed) {
                return false;
            }
            long now = nanoTime.getAsLong();
            if (lane.tasks.isEmpty()) {
                lane.emptyAt = now;
            } else if (lane.tasks.size() >= capacity) {
                if (!lane.standing(now)) {
                    return false;
                }
                evicted = lane.tasks.pollFirst();
            }
            lane.tasks.add(new Task(task, dropped));
            work.signal();
        } finally {
            lock.unlock();
        }
        if (evicted != null) {
            evicted.dropped().run();
        }
        return true;
    }

    /** Tasks waiting in both lanes. */
    int waiting() {
        lock.lock();
        try {
            return priority.tasks.size() + normal.tasks.size();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            Task task;
            boolean fromNormal;
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        return;
                    }
                    if (!priority.tasks.isEmpty()) {
                        task = priority.take(nanoTime.getAsLong());
                        fromNormal = false;
                        break;
                    }
                    if (!normal.tasks.isEmpty() && normalBusy < normalThreads) {
                        task = normal.take(nanoTime.getAsLong());
                        fromNormal = true;
                        normalBusy++;
                        break;
                    }
                    work.awaitUninterruptibly();
                }
            } finally {
                lock.unlock();
            }
            try {
                task.work().run();
            } catch (RuntimeException | Error e) {
                // the worker goes on (a dead worker would shrink the pool for good)
                LOG.error("worker task failed", e);
            } finally {
                if (fromNormal) {
                    lock.lock();
                    try {
                        normalBusy--;
                        if (!normal.tasks.isEmpty()) {
                            work.signal();
                        }
                    } finally {
                        lock.unlock();
                    }
                }
            }
        }
    }

    /** Drops what waits, lets running tasks finish (at most {@code seconds}), stops the threads. */
    void close(long seconds) {
        lock.lock();
        try {
            closed = true;
            priority.tasks.clear();
            normal.tasks.clear();
            work.signalAll();
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        close(5);
    }
}
