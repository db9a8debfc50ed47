package net.dtm.store.zookeeper;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

import net.dtm.spi.store.StoreCommitMetrics;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * The ZooKeeper store's use of its client: whether it may be used now (connected, not closed),
 * the base directories, the bucket directories already made (so a write does not create them
 * again), listing children and reading many znodes pipelined. Thread-safe.
 * <p>
 * Deadlines: a call is refused at once while not connected; each synchronous request it makes
 * fails after the client's request timeout ({@link ZkSettings#requestTimeoutMs()}, set by
 * {@link ZkNode#newClient}), which also drops the connection, so the calls after it are refused at
 * once; a batched read gives up after the same time without an answer. A slow (not dead)
 * ensemble thus turns into {@code StoreUnavailableException} within about one request timeout.
 */
final class ZkAccess {

    /** How often an operation is tried when it races with concurrent changes. */
    static final int ATTEMPTS = 8;
    private static final int MAX_IN_FLIGHT = 512;
    private static final int MAX_KNOWN_PATHS = 200_000;

    private final CuratorFramework client;
    private final long timeoutMs;
    private final Set<String> knownPaths = ConcurrentHashMap.newKeySet();
    private volatile boolean suspended;
    private volatile boolean baseReady;
    private volatile boolean closed;
    /** Each committed transaction's time, for {@code dtm_store_commit_*}. */
    private final StoreCommitMetrics metrics = new StoreCommitMetrics(ZooKeeperStoreComponent.TYPE);

    /**
     * @param timeoutMs how long a batched read may go without progress before it gives up (the
     *                  request timeout)
     */
    ZkAccess(CuratorFramework client, long timeoutMs) {
        this.client = client;
        this.timeoutMs = timeoutMs;
    }

    CuratorFramework client() {
        return client;
    }

    /** Records a write (a transaction, or one znode change) that committed, begun at {@code startedNanos}. */
    void committed(long startedNanos) {
        committed(startedNanos, 1);
    }

    /** Records one transaction that committed {@code writes} writes together ({@link ZkGroupCommit}). */
    void committed(long startedNanos, int writes) {
        metrics.commit(System.nanoTime() - startedNanos, writes);
    }

    StoreCommitMetrics metrics() {
        return metrics;
    }

    /** The connection state changed: suspended or lost ({@code false}), or connected. */
    void connectionChanged(boolean connected) {
        suspended = !connected;
    }

    /** Refuses every later call. */
    void close() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }

    /** Whether the store can be used now (connected to the quorum). */
    boolean isAvailable() {
        return !closed && !suspended && client.getZookeeperClient().isConnected();
    }

    void requireAvailable(String what) {
        if (closed) {
            throw new StoreUnavailableException(what + ": the ZooKeeper store is closed", null);
        }
        if (!isAvailable()) {
            throw new StoreUnavailableException(what + ": not connected to the ZooKeeper quorum ("
                    + client.getZookeeperClient().getCurrentConnectionString() + ")", null);
        }
    }

    void ensureBase() throws Exception {
        if (baseReady) {
            return;
        }
        for (String p : List.of(ZkPaths.POOLS, ZkPaths.BINDINGS, ZkPaths.DEVICES, ZkPaths.ENROLMENT_KEYS)) {
            try {
                client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(p);
            } catch (KeeperException.NodeExistsException exists) {
                // made by another node or an earlier run
            }
        }
        baseReady = true;
    }

    /**
     * Creates {@code dir} unless it is known to exist (made here before, or by another node).
     *
     * @return false if its parent does not exist
     */
    boolean ensureDir(String dir) throws Exception {
        if (knownPaths.contains(dir)) {
            return true;
        }
        try {
            client.create().withMode(CreateMode.PERSISTENT).forPath(dir);
        } catch (KeeperException.NodeExistsException exists) {
            // made by another node: fine
        } catch (KeeperException.NoNodeException gone) {
            return false;
        }
        if (knownPaths.size() > MAX_KNOWN_PATHS) {
            knownPaths.clear();
        }
        knownPaths.add(dir);
        return true;
    }

    /** Forgets the directories below {@code root} (it was removed). */
    void forgetBelow(String root) {
        knownPaths.removeIf(p -> p.startsWith(root + "/"));
    }

    /**
     * Compare-and-set of one record: writes {@code updated} to {@code path} if its stored data
     * passes {@code expected}, conditioned on the znode version read with it.
     *
     * @return false if the znode is gone, its data fails {@code expected}, or it changed meanwhile
     */
    boolean replaceIf(String path, Predicate<byte[]> expected, byte[] updated) throws Exception {
        Stat stat = new Stat();
        try {
            byte[] data = client.getData().storingStatIn(stat).forPath(path);
            if (!expected.test(data)) {
                return false;
            }
            client.setData().withVersion(stat.getVersion()).forPath(path, updated);
            return true;
        } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
            return false;
        }
    }

    List<String> children(String path) throws Exception {
        try {
            return new ArrayList<>(client.getChildren().forPath(path));
        } catch (KeeperException.NoNodeException e) {
            return new ArrayList<>();
        }
    }

    /**
     * Reads one znode without holding the caller. The answer is handed to {@code answerOn}, never
     * left on ZooKeeper's event thread: what follows the future may block on the store (a request's
     * next steps read pools), and {@link #readMany} waits for callbacks that only that thread
     * delivers. The future completes with the znode's data and version, empty if it does not exist,
     * or the error ZooKeeper answered; with {@link StoreUnavailableException} if no answer arrives for
     * the connection timeout, or if {@code answerOn} refuses it (the store closed).
     */
    CompletableFuture<Optional<Versioned>> readAsync(String what, String path, Executor answerOn) {
        CompletableFuture<Optional<Versioned>> read = new CompletableFuture<>();
        Executor handOff = answer -> {
            try {
                answerOn.execute(answer);
            } catch (RejectedExecutionException closed) {
                read.completeExceptionally(new StoreUnavailableException(what + ": the ZooKeeper store is closed", null));
            }
        };
        try {
            client.getData().inBackground((c, event) -> {
                int rc = event.getResultCode();
                if (rc == KeeperException.Code.OK.intValue()) {
                    read.complete(Optional.of(new Versioned(event.getData(), event.getStat().getVersion())));
                } else if (rc == KeeperException.Code.NONODE.intValue()) {
                    read.complete(Optional.empty());
                } else {
                    read.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
                }
            }, handOff).forPath(path);
        } catch (Exception e) {
            read.completeExceptionally(e);
        }
        return read.orTimeout(timeoutMs, TimeUnit.MILLISECONDS).exceptionallyCompose(failure -> CompletableFuture.failedFuture(
                failure instanceof TimeoutException ? new StoreUnavailableException(what + ": ZooKeeper did not answer a read for "
                        + timeoutMs + " ms", null) : failure));
    }

    /** A znode's data as read, with the version a conditional write of it names. */
    record Versioned(byte[] data, int version) {
    }

    /**
     * Reads many znodes at once, pipelined on the one connection (at most {@value #MAX_IN_FLIGHT}
     * in flight). A missing znode gives null. Gives up with {@link StoreUnavailableException} if no
     * answer arrives for the connection timeout.
     */
    List<byte[]> readMany(String what, List<String> paths) throws Exception {
        return pipelined(what, paths, (path, callback) -> client.getData().inBackground(callback).forPath(path),
                CuratorEvent::getData);
    }

    /**
     * Lists the children of many znodes at once, pipelined as {@link #readMany}: a node that reads
     * all device keys at start asks for the 4,096 buckets' children together instead of one after
     * the other (one round trip each: 21 s for 50,000 devices on a loaded 2-core machine). A
     * missing znode gives an empty list.
     */
    List<List<String>> childrenMany(String what, List<String> paths) throws Exception {
        List<List<String>> out = pipelined(what, paths,
                (path, callback) -> client.getChildren().inBackground(callback).forPath(path), CuratorEvent::getChildren);
        out.replaceAll(children -> children == null ? List.of() : children);
        return out;
    }

    /** Starts one background request for {@code path}, answered to {@code callback}. */
    @FunctionalInterface
    private interface BackgroundRequest {
        void start(String path, BackgroundCallback callback) throws Exception;
    }

    /**
     * One background request per path, at most {@value #MAX_IN_FLIGHT} in flight; each OK answer's
     * result in the path's place, null for a missing znode. Any other error is thrown; no answer
     * for the connection timeout gives {@link StoreUnavailableException}.
     */
    private <T> List<T> pipelined(String what, List<String> paths, BackgroundRequest request,
                                  Function<CuratorEvent, T> result) throws Exception {
        int n = paths.size();
        Object[] results = new Object[n];
        Semaphore permits = new Semaphore(MAX_IN_FLIGHT);
        CountDownLatch done = new CountDownLatch(n);
        AtomicInteger answered = new AtomicInteger();
        AtomicReference<KeeperException.Code> failure = new AtomicReference<>();
        for (int i = 0; i < n; i++) {
            if (failure.get() != null || !permits.tryAcquire(timeoutMs, TimeUnit.MILLISECONDS)) {
                break;
            }
            int index = i;
            request.start(paths.get(i), (c, event) -> {
                try {
                    int rc = event.getResultCode();
                    if (rc == KeeperException.Code.OK.intValue()) {
                        results[index] = result.apply(event);
                    } else if (rc != KeeperException.Code.NONODE.intValue()) {
                        failure.compareAndSet(null, KeeperException.Code.get(rc));
                    }
                } finally {
                    answered.incrementAndGet();
                    permits.release();
                    done.countDown();
                }
            });
        }
        int seen = -1;
        while (!done.await(timeoutMs, TimeUnit.MILLISECONDS)) {
            if (failure.get() != null || answered.get() == seen) {
                break;
            }
            seen = answered.get();
        }
        if (failure.get() != null) {
            throw KeeperException.create(failure.get());
        }
        if (done.getCount() > 0) {
            throw new StoreUnavailableException(what + ": ZooKeeper did not answer reads for " + timeoutMs + " ms", null);
        }
        List<T> out = new ArrayList<>(n);
        for (Object r : results) {
            @SuppressWarnings("unchecked")
            T t = (T) r;
            out.add(t);
        }
        return out;
    }
}
