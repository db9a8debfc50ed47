package net.dtm.store.zookeeper;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the ZooKeeper store's binding writes: each caller hands in a <em>unit</em> (the
 * operations of one of its transactions, e.g. check the pool's marker, create the device node,
 * create the address node), and concurrent units of this node go to ZooKeeper together as one
 * multi-operation transaction: one proposal, one log entry and one quorum round instead of one each.
 * ZooKeeper's own transaction is the only lock; nothing here decides who wins.
 * <p>
 * A caller waits for its unit's outcome ({@link #commit}) or is handed a future of it
 * ({@link #submit}), answered off the runners, a batch's together, so that what follows it never
 * holds the next batch. A few runner threads (one by default) each take the first queued unit,
 * add whatever else is queued up to {@code maxBatch}, wait a little (the linger, at most
 * {@value #DEFAULT_LINGER_MS} ms by default) while the batch has fewer units than the runner's
 * batch before it, and commit them with one {@code multi}; a lone write after a lone write starts
 * at once. Units of one batch never write the same znode: a unit that would
 * (two devices proposing one address, two writes to one binding) waits for the next batch, so each
 * unit's result in a batch is the one it would get alone against the state the batch started
 * from. A check that several units of a batch ask for (every binding checks its pool's marker) is
 * sent once: it reads, so once answers for all of them.
 * <p>
 * Outcomes, per unit:
 * <ul>
 * <li>the multi commits: every unit of it is {@link Outcome#COMMITTED};</li>
 * <li>one operation fails (a node exists, a version moved, a node is gone): ZooKeeper applies
 * nothing of the multi and names the failing operation; its unit gets that operation's code and
 * its index within the unit ({@link Outcome#failedOp()}), exactly as its own transaction would
 * have, and the others are committed again without it (repeated until the rest commits);</li>
 * <li>the multi fails as a whole (connection lost, session expired, request timeout, closed
 * client): every unit of the batch gets that exception, so every caller hears of it, as it would
 * of its own transaction (the outcome of a write whose answer was lost is unknown; the store's
 * callers already handle that).</li>
 * </ul>
 * Every wait is bounded ({@code waitMs}): a caller whose unit had not been taken into a batch by
 * then gets {@link net.dtm.spi.store.StoreUnavailableException} and the unit is dropped (nothing of
 * it written); one whose unit was being committed is told its outcome is unknown. {@link #close}
 * lets the runners finish the batches they hold and fails every unit still queued.
 */
final class ZkGroupCommit implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZkGroupCommit.class);

    /** Default bound of a batch, in units (each a few operations of a few hundred bytes: far below jute.maxbuffer). */
    static final int DEFAULT_MAX_BATCH = 64;

    /**
     * Default number of batches in flight at once: one. The next batch gathers while one commits;
     * with two in flight each carried half as many writes, and ZooKeeper's cost is mostly per
     * transaction and per operation (benchmarks/CLUSTER.md: 3 nodes, 3.7 -> 6.7 writes per commit,
     * the ensemble's CPU per lease down by a fifth).
     */
    static final int DEFAULT_RUNNERS = 1;

    private static final long CLOSE_WAIT_MS = 10_000;

    /**
     * Default longest wait for a batch to gather as many units as the one before it: a busy node's
     * answered units come back with their next write within a few round trips to their devices, so
     * waiting for them makes one transaction of what would be several (benchmarks/CLUSTER.md). A
     * lone write (the batch before it had one unit) never waits.
     */
    static final long DEFAULT_LINGER_MS = 5;

    /** Runs one ZooKeeper multi-operation transaction; production: {@code client.transaction().forOperations}. */
    @FunctionalInterface
    interface Multi {
        void commit(List<CuratorOp> ops) throws Exception;
    }

    /** What one unit's transaction came to. */
    record Outcome(KeeperException.Code code, int failedOp) {

        /** Every operation of the unit is committed. */
        static final Outcome COMMITTED = new Outcome(KeeperException.Code.OK, -1);

        boolean committed() {
            return code == KeeperException.Code.OK;
        }

        /** Whether operation {@code index} of the unit failed with {@code failure}. */
        boolean failed(int index, KeeperException.Code failure) {
            return failedOp == index && code == failure;
        }

        /** The failure as ZooKeeper's exception, for the failures a caller does not expect. */
        KeeperException exception() {
            return KeeperException.create(code);
        }
    }

    /** One caller's unit. */
    private static final class Unit {
        private static final int QUEUED = 0;
        private static final int TAKEN = 1;
        private static final int ABANDONED = 2;

        final String what;
        final List<CuratorOp> ops;
        /** Submitted ({@link #submit}): what follows its future runs where it is answered, so not on the runner. */
        final boolean async;
        final Set<String> written;
        final AtomicInteger state = new AtomicInteger(QUEUED);
        final CompletableFuture<Outcome> result = new CompletableFuture<>();

        Unit(String what, List<CuratorOp> ops, boolean async) {
            this.what = what;
            this.ops = List.copyOf(ops);
            this.async = async;
            this.written = new HashSet<>();
            for (CuratorOp op : this.ops) {
                if (op.get() != null && op.get().getType() != ZooDefs.OpCode.check) {
                    written.add(op.get().getPath());
                }
            }
        }

        /** The runner takes it into a batch; false if its caller gave up first. */
        boolean take() {
            return state.compareAndSet(QUEUED, TAKEN);
        }

        /** The caller gives up; false if a runner took it first. */
        boolean abandon() {
            return state.compareAndSet(QUEUED, ABANDONED);
        }
    }

    private static final Unit STOP = new Unit("stop", List.of(), false);

    private final String name;
    private final Multi multi;
    private final int maxBatch;
    private final long waitMs;
    private final long lingerNanos;
    private final ZkAccess zk;
    /** Where submitted units are answered, a batch's together (see {@link #answer}). */
    private final Executor answers;
    private final BlockingQueue<Unit> queue = new LinkedBlockingQueue<>();
    private final List<Thread> runners = new ArrayList<>();
    /** Ends the wait of a unit not answered within {@code waitMs}. */
    private final ScheduledExecutorService timer = timer();
    private final Object intake = new Object();
    private boolean closed; // guarded by intake
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong multis = new AtomicLong();
    private final AtomicLong units = new AtomicLong();

    /**
     * Group commit on {@code zk}'s client, recording each committed multi in its metrics; submitted
     * units are answered on {@code answers}.
     */
    static ZkGroupCommit on(ZkAccess zk, long waitMs, Executor answers) {
        CuratorFramework client = zk.client();
        return new ZkGroupCommit("ZooKeeper store writer", ops -> {
            client.transaction().forOperations(ops);
        },
                DEFAULT_MAX_BATCH, DEFAULT_RUNNERS, waitMs, DEFAULT_LINGER_MS, zk, answers);
    }

    /**
     * @param multi    runs one multi-operation transaction
     * @param maxBatch most units in one transaction
     * @param threads  most transactions in flight at once (one runner thread each)
     * @param waitMs   the longest a caller waits for its unit's outcome
     * @param lingerMs the longest a batch waits to gather as many units as the runner's batch
     *                 before it; 0: never
     * @param zk       where committed transactions are recorded ({@link ZkAccess#committed}), or null
     * @param answers  where submitted units are answered: what follows a write (a request's reply,
     *                 which may read the store) must not hold the runner, nor wait for threads that
     *                 themselves wait for a commit, so threads as many as needed
     */
    ZkGroupCommit(String name, Multi multi, int maxBatch, int threads, long waitMs, long lingerMs, ZkAccess zk,
                  Executor answers) {
        if (maxBatch < 1 || threads < 1 || waitMs < 1 || lingerMs < 0) {
            throw new IllegalArgumentException("batch size, threads and wait must be positive and the linger not"
                    + " negative, got " + maxBatch + ", " + threads + ", " + waitMs + ", " + lingerMs);
        }
        this.name = name;
        this.multi = multi;
        this.maxBatch = maxBatch;
        this.waitMs = waitMs;
        this.lingerNanos = TimeUnit.MILLISECONDS.toNanos(lingerMs);
        this.zk = zk;
        this.answers = Objects.requireNonNull(answers, "answers");
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::runLoop, "dtm-zk-writer-" + (i + 1));
            t.setDaemon(true);
            runners.add(t);
        }
        runners.forEach(Thread::start);
    }

    /**
     * Commits {@code ops} as one transaction, with whatever other units are committed at the same
     * time, and says how it went. Waits through interrupts (the unit may be committing; the caller
     * must learn how it ended) and restores the interrupt flag afterwards.
     *
     * @throws KeeperException                                    the transaction failed as a whole
     *                                                            (connection, session, timeout)
     * @throws net.dtm.spi.store.StoreUnavailableException if closed or not answered within the wait
     */
    Outcome commit(String what, List<CuratorOp> ops) throws Exception {
        CompletableFuture<Outcome> result = queue(new Unit(what, ops, false));
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get(); // bounded: submit's timer ends it within the wait
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Exception cause) {
                        throw cause;
                    }
                    throw e;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * As {@link #commit}, without holding the caller: the future completes with the unit's outcome
     * on the {@code answers} executor (the runner goes on to the next batch), or exceptionally with
     * what {@link #commit} would throw (there, or on the timer that bounds the wait).
     */
    CompletableFuture<Outcome> submit(String what, List<CuratorOp> ops) {
        return queue(new Unit(what, ops, true));
    }

    private CompletableFuture<Outcome> queue(Unit unit) {
        String what = unit.what;
        synchronized (intake) {
            if (closed) {
                return CompletableFuture.failedFuture(
                        new net.dtm.spi.store.StoreUnavailableException(what + ": the ZooKeeper store is closed", null));
            }
            queue.add(unit);
            ScheduledFuture<?> bound = timer.schedule(() -> expire(unit), waitMs, TimeUnit.MILLISECONDS);
            unit.result.whenComplete((o, e) -> bound.cancel(false));
        }
        return unit.result;
    }

    /** The unit's wait is over: dropped if no runner took it, else its outcome is unknown (unless just answered). */
    private void expire(Unit unit) {
        if (unit.abandon()) {
            unit.result.completeExceptionally(new net.dtm.spi.store.StoreUnavailableException(unit.what + ": " + name
                    + " did not start it within " + waitMs + " ms; nothing of it was written", null));
        } else {
            unit.result.completeExceptionally(new net.dtm.spi.store.StoreUnavailableException(unit.what + ": " + name
                    + " did not finish it within " + waitMs + " ms; its outcome is unknown (written entirely or not"
                    + " at all)", null));
        }
    }

    /** Units waiting for a runner (not counting those carried to a runner's next batch). */
    int pending() {
        return queue.size();
    }

    /** Batches run so far. */
    long batches() {
        return batches.get();
    }

    /** Multi-operation transactions sent so far (a batch sends more than one when a unit fails). */
    long multis() {
        return multis.get();
    }

    /** Units answered by a batch so far. */
    long units() {
        return units.get();
    }

    /** Refuses new units, lets the runners finish their batches, and fails the units still queued. */
    @Override
    public void close() {
        synchronized (intake) {
            if (closed) {
                return;
            }
            closed = true;
            timer.shutdown(); // the waits already scheduled still end
            for (int i = 0; i < runners.size(); i++) {
                queue.add(STOP);
            }
        }
        if (runners.contains(Thread.currentThread())) {
            return;
        }
        try {
            for (Thread t : runners) {
                t.join(CLOSE_WAIT_MS);
                if (t.isAlive()) {
                    LOG.warn("{}: {} still committing after {} ms; interrupting it", name, t.getName(), CLOSE_WAIT_MS);
                    t.interrupt();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Unit u; (u = queue.poll()) != null; ) {
            if (u != STOP && u.take()) {
                u.result.completeExceptionally(new net.dtm.spi.store.StoreUnavailableException(u.what
                        + ": the ZooKeeper store closed before it was written; nothing of it was written", null));
            }
        }
    }

    /** One daemon thread; a cancelled wait leaves its queue at once. */
    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, ZkStore.daemon("dtm-zk-writer-timer"));
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    // ------------------------------------------------------------------ the runners

    private void runLoop() {
        Deque<Unit> carried = new ArrayDeque<>(); // units that wait for the next batch of this runner
        boolean stop = false;
        int expected = 0; // the size of this runner's batch before: a batch waits (lingers) to gather as many
        while (!stop || !carried.isEmpty()) {
            List<Unit> batch = new ArrayList<>();
            Set<String> written = new HashSet<>();
            Deque<Unit> next = new ArrayDeque<>();
            for (Unit u; batch.size() < maxBatch && (u = carried.poll()) != null; ) {
                add(u, batch, written, next);
            }
            if (batch.isEmpty() && !stop) {
                Unit first;
                try {
                    first = queue.take();
                } catch (InterruptedException e) {
                    continue; // only close() interrupts, after queueing STOP
                }
                if (first == STOP) {
                    stop = true;
                } else {
                    add(first, batch, written, next);
                }
            }
            long lingerUntil = System.nanoTime() + lingerNanos;
            while (!stop && batch.size() < maxBatch) {
                Unit u = queue.poll();
                if (u == null && batch.size() < expected) {
                    u = pollUntil(lingerUntil);
                }
                if (u == null) {
                    break;
                }
                if (u == STOP) {
                    stop = true;
                    break;
                }
                add(u, batch, written, next);
            }
            next.addAll(carried); // what did not fit stays ahead of the rest
            carried = next;
            expected = batch.size();
            if (!batch.isEmpty()) {
                try {
                    run(batch);
                } catch (RuntimeException | Error e) {
                    // a bug, not a ZooKeeper answer: fail the batch rather than leave callers waiting
                    for (Unit u : batch) {
                        u.result.completeExceptionally(e);
                    }
                }
            }
        }
    }

    /** The next queued unit, waiting for one until {@code deadline} ({@link System#nanoTime}); null if none came. */
    private Unit pollUntil(long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return null;
        }
        try {
            return queue.poll(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            return null; // only close() interrupts, after queueing STOP
        }
    }

    /** Puts {@code u} into the batch, or into {@code next} if it writes a znode the batch writes already. */
    private static void add(Unit u, List<Unit> batch, Set<String> written, Deque<Unit> next) {
        for (String path : u.written) {
            if (written.contains(path)) {
                next.add(u);
                return;
            }
        }
        if (!u.take()) {
            return; // its caller gave up before it started
        }
        written.addAll(u.written);
        batch.add(u);
    }

    /** Commits the batch, taking out each unit that fails on its own, until the rest commits. */
    private void run(List<Unit> batch) {
        batches.incrementAndGet();
        List<Unit> left = new ArrayList<>(batch);
        while (!left.isEmpty()) {
            List<CuratorOp> ops = new ArrayList<>();
            List<int[]> owners = new ArrayList<>(); // per operation sent: its unit in left, its index in that unit
            Set<Op> checks = new HashSet<>();
            for (int i = 0; i < left.size(); i++) {
                List<CuratorOp> unitOps = left.get(i).ops;
                for (int j = 0; j < unitOps.size(); j++) {
                    Op op = unitOps.get(j).get();
                    // a check already in this multi (the pool's marker, checked by every unit) is sent once: if it
                    // fails, the first unit that asked for it gets the failure, and the next multi checks it again
                    if (op != null && op.getType() == ZooDefs.OpCode.check && !checks.add(op)) {
                        continue;
                    }
                    ops.add(unitOps.get(j));
                    owners.add(new int[] {i, j});
                }
            }
            long started = System.nanoTime();
            multis.incrementAndGet();
            try {
                multi.commit(ops);
            } catch (KeeperException e) {
                int failed = ZkErrors.failedOp(e);
                if (failed < 0) {
                    failAll(left, e);
                    return;
                }
                int code = ((OpResult.ErrorResult) e.getResults().get(failed)).getErr();
                int[] owner = owners.get(failed);
                answer(List.of(left.remove(owner[0])), new Outcome(KeeperException.Code.get(code), owner[1]), null);
                continue;
            } catch (Exception e) {
                failAll(left, e);
                return;
            }
            if (zk != null) {
                zk.committed(started, left.size());
            }
            answer(left, Outcome.COMMITTED, null);
            return;
        }
    }

    /**
     * Gives each unit its outcome, or {@code failure}: a waiting caller's at once (that only wakes
     * it), the submitted units' together on {@link #answers}, so that what follows their futures
     * (profiled: a request's reply; it may read the store) does not hold the runner from the next
     * batch. On the runner if {@code answers} refuses (closing).
     */
    private void answer(List<Unit> done, Outcome outcome, Exception failure) {
        units.addAndGet(done.size());
        List<Unit> submitted = new ArrayList<>(done.size());
        for (Unit u : done) {
            if (u.async) {
                submitted.add(u);
            } else {
                settle(u, outcome, failure);
            }
        }
        if (submitted.isEmpty()) {
            return;
        }
        Runnable settleAll = () -> submitted.forEach(u -> settle(u, outcome, failure));
        try {
            answers.execute(settleAll);
        } catch (RejectedExecutionException closing) {
            settleAll.run();
        }
    }

    private static void settle(Unit u, Outcome outcome, Exception failure) {
        if (failure == null) {
            u.result.complete(outcome);
        } else {
            u.result.completeExceptionally(failure);
        }
    }

    private void failAll(List<Unit> left, Exception e) {
        LOG.debug("{}: a transaction of {} units failed as a whole: {}", name, left.size(), e.toString());
        answer(left, null, e);
    }
}
