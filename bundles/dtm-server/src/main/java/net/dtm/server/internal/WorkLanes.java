package net.dtm.server.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed set of worker threads fed by two bounded queues: the priority lane (requests of devices
 * known to this node) is always taken first, and the normal lane (everything else, e.g. a device's
 * first request, or garbage naming unknown devices whose key look-up may read the store) may hold
 * at most {@code normalThreads} workers at once, so the rest stay free for the priority lane.
 */
final class WorkLanes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkLanes.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<Runnable> priority = new ArrayDeque<>();
    private final ArrayDeque<Runnable> normal = new ArrayDeque<>();
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
     */
    WorkLanes(int threads, int capacity, int normalThreads, String name) {
        if (threads < 1 || capacity < 1 || normalThreads < 1 || normalThreads > threads) {
            throw new IllegalArgumentException("threads and capacity must be positive, normal-lane threads 1.." + threads);
        }
        this.capacity = capacity;
        this.normalThreads = normalThreads;
        for (int i = 1; i <= threads; i++) {
            Thread t = new Thread(this::run, name + i);
            t.setDaemon(true);
            this.threads.add(t);
        }
        this.threads.forEach(Thread::start);
    }

    /** Queues a task in the priority or the normal lane. @return false if that lane is full or the lanes are closed */
    boolean offer(boolean first, Runnable task) {
        lock.lock();
        try {
            ArrayDeque<Runnable> queue = first ? priority : normal;
            if (closed || queue.size() >= capacity) {
                return false;
            }
            queue.add(task);
            work.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Tasks waiting in both lanes. */
    int waiting() {
        lock.lock();
        try {
            return priority.size() + normal.size();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            Runnable task;
            boolean fromNormal;
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        return;
                    }
                    if (!priority.isEmpty()) {
                        task = priority.poll();
                        fromNormal = false;
                        break;
                    }
                    if (!normal.isEmpty() && normalBusy < normalThreads) {
                        task = normal.poll();
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
                task.run();
            } catch (RuntimeException | Error e) {
                // the worker goes on (a dead worker would shrink the pool for good)
                LOG.error("worker task failed", e);
            } finally {
                if (fromNormal) {
                    lock.lock();
                    try {
                        normalBusy--;
                        if (!normal.isEmpty()) {
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
            priority.clear();
            normal.clear();
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
