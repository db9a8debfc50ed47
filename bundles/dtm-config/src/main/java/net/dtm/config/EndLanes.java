package net.dtm.config;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lane per end: jobs of one end run one after another, each until the future it returns
 * completes (a transaction holds its end while it waits for probes or a confirmation), while jobs
 * of different ends run in parallel on the shared executor. An idle lane is dropped, so a gateway
 * with many ends keeps lanes only for the busy ones.
 */
final class EndLanes {

    private static final Logger LOG = LoggerFactory.getLogger(EndLanes.class);

    /** A job of one end; the lane stays busy until the returned future completes. */
    interface Job {
        CompletableFuture<?> run();
    }

    private static final class Lane {
        final String name;
        final ArrayDeque<Job> queue = new ArrayDeque<>();
        boolean busy;

        Lane(String name) {
            this.name = name;
        }

        /** Queues a job; true if the lane was idle and must be started. */
        synchronized boolean enqueue(Job job) {
            queue.add(job);
            if (busy) {
                return false;
            }
            busy = true;
            return true;
        }

        synchronized boolean idle() {
            return !busy && queue.isEmpty();
        }
    }

    private final Executor executor;
    private final ConcurrentMap<String, Lane> lanes = new ConcurrentHashMap<>();

    EndLanes(Executor executor) {
        this.executor = executor;
    }

    /** Runs {@code job} after every job submitted earlier for {@code end} has finished. */
    void submit(String end, Job job) {
        boolean[] start = new boolean[1];
        Lane lane = lanes.compute(end, (k, l) -> {
            Lane target = l != null ? l : new Lane(k);
            start[0] = target.enqueue(job);
            return target;
        });
        if (start[0]) {
            executor.execute(() -> drain(lane));
        }
    }

    /** Ends with a lane now (busy or with queued jobs). */
    int size() {
        return lanes.size();
    }

    private void drain(Lane lane) {
        while (true) {
            Job job;
            synchronized (lane) {
                job = lane.queue.poll();
                if (job == null) {
                    lane.busy = false;
                    break;
                }
            }
            CompletableFuture<?> f;
            try {
                f = job.run();
            } catch (RuntimeException e) {
                LOG.error("{}: configuration job failed", lane.name, e);
                f = null;
            }
            if (f != null && !f.isDone()) {
                f.whenComplete((r, e) -> {
                    try {
                        executor.execute(() -> drain(lane));
                    } catch (RejectedExecutionException stopped) {
                        LOG.debug("{}: executor stopped, lane abandoned", lane.name);
                    }
                });
                return;
            }
        }
        lanes.computeIfPresent(lane.name, (k, l) -> l == lane && l.idle() ? null : l);
    }
}
