package net.dtm.store.zookeeper;

import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.LeaseCounts;
import net.dtm.spi.store.StoreUnavailableException;
import net.dtm.store.zookeeper.ZkPaths.PoolRef;

/**
 * The bindings of the ZooKeeper store, each written whole under its device and under its
 * address, both copies changed together in one transaction (see {@link ZkStore} for the lock and
 * the costs). Listings walk the pool's address buckets in address order.
 */
final class ZkBindings {

    private final ZkAccess zk;
    private final CuratorFramework client;
    private final ZkPools pools;
    private final ZkGroupCommit writer;
    private final Executor answers;

    /**
     * Bindings written through {@code writer}, which commits concurrent writes together.
     *
     * @param answers where the background read of a device bound already is answered (never
     *                ZooKeeper's event thread: see {@link ZkAccess#readAsync})
     */
    ZkBindings(ZkAccess zk, ZkPools pools, ZkGroupCommit writer, Executor answers) {
        this.zk = zk;
        this.client = zk.client();
        this.pools = pools;
        this.writer = writer;
        this.answers = answers;
    }

    BindResult tryBind(Lease proposed) {
        String what = bindWhat(proposed);
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            byte[] data = Codec.lease(proposed);
            for (int attempt = 0; attempt < ZkAccess.ATTEMPTS; attempt++) {
                PoolRef ref = pools.ref(proposed.pool())
                        .orElseThrow(() -> new IllegalArgumentException("no pool " + proposed.pool()));
                BigInteger offset = ref.offset(proposed.address());
                String devicePath = ref.devicePath(proposed.device());
                String addressPath = ref.addressPath(offset);
                if (!ensureDirs(ref, offset, proposed.device())) {
                    pools.forget(proposed.pool(), ref); // that generation is gone: the pool was deleted
                    continue;
                }
                ZkGroupCommit.Outcome o = writer.commit(what, bindOps(ref, devicePath, addressPath, data));
                if (o.committed()) {
                    return new BindResult(BindResult.Outcome.BOUND, proposed);
                }
                if (o.failed(1, KeeperException.Code.NODEEXISTS)) {
                    Optional<BindResult> existing = alreadyBound(devicePath);
                    if (existing.isPresent()) {
                        return existing.get();
                    }
                    continue; // removed meanwhile: try again
                }
                if (o.failed(2, KeeperException.Code.NODEEXISTS)) {
                    return new BindResult(BindResult.Outcome.ADDRESS_TAKEN, null);
                }
                if (o.code() != KeeperException.Code.NONODE) {
                    throw o.exception();
                }
                // the generation died (alive marker or a bucket gone): the pool was deleted, maybe created again
                pools.forget(proposed.pool(), ref);
            }
            throw new StoreUnavailableException(what + " kept conflicting with concurrent removals or pool deletions", null);
        });
    }


    /**
     * As {@link #tryBind}, the transaction committed without holding the caller: the common
     * outcomes (bound, address taken) are answered from the commit; the device bound already by
     * reading its binding in the background (with real agents asking every server at once, two of
     * every three nodes' binds end so: read on the fallback threads, the reads capped a cluster's
     * first leases); any other (the pool deleted, a binding removed meanwhile, a write that must be
     * tried again) the synchronous way on a {@code fallback} thread, which repeats the attempt and
     * answers as {@link #tryBind} does.
     */
    CompletableFuture<BindResult> tryBindAsync(Lease proposed, Executor fallback) {
        String what = bindWhat(proposed);
        try {
            zk.requireAvailable(what);
            PoolRef ref = pools.ref(proposed.pool())
                    .orElseThrow(() -> new IllegalArgumentException("no pool " + proposed.pool()));
            BigInteger offset = ref.offset(proposed.address());
            if (!ensureDirs(ref, offset, proposed.device())) {
                pools.forget(proposed.pool(), ref);
                return onFallback(what, () -> tryBind(proposed), fallback);
            }
            String devicePath = ref.devicePath(proposed.device());
            List<CuratorOp> ops = bindOps(ref, devicePath, ref.addressPath(offset), Codec.lease(proposed));
            return writer.submit(what, ops).handle((o, failure) -> {
                if (failure != null) {
                    return CompletableFuture.<BindResult>failedFuture(asStoreFailure(what, failure));
                }
                if (o.committed()) {
                    return CompletableFuture.completedFuture(new BindResult(BindResult.Outcome.BOUND, proposed));
                }
                if (o.failed(2, KeeperException.Code.NODEEXISTS)) {
                    return CompletableFuture.completedFuture(new BindResult(BindResult.Outcome.ADDRESS_TAKEN, null));
                }
                if (o.failed(1, KeeperException.Code.NODEEXISTS)) { // read, not written again
                    return zk.readAsync(what, devicePath, answers).handle((bound, unread) -> {
                        if (unread != null) {
                            return CompletableFuture.<BindResult>failedFuture(asStoreFailure(what, unread));
                        }
                        if (bound.isEmpty()) { // removed meanwhile
                            return onFallback(what, () -> tryBind(proposed), fallback);
                        }
                        try { // decoded as the synchronous way decodes it, failing as it would
                            return CompletableFuture.completedFuture(ZkErrors.run(what,
                                    () -> new BindResult(BindResult.Outcome.DEVICE_ALREADY_BOUND, Codec.lease(bound.get().data()))));
                        } catch (RuntimeException undecodable) {
                            return CompletableFuture.<BindResult>failedFuture(undecodable);
                        }
                    }).thenCompose(f -> f);
                }
                return onFallback(what, () -> tryBind(proposed), fallback);
            }).thenCompose(f -> f);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(asStoreFailure(what, e));
        }
    }

    private static String bindWhat(Lease proposed) {
        return "bind " + Cidr.format(proposed.address()) + " to " + proposed.device() + " in pool " + proposed.pool();
    }

    /** A binding's transaction: the pool generation is alive, the device and the address are free (created). */
    private List<CuratorOp> bindOps(PoolRef ref, String devicePath, String addressPath, byte[] data) throws Exception {
        return List.of(
                client.transactionOp().check().forPath(ref.alive()),
                client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(devicePath, data),
                client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(addressPath, data));
    }

    /** Runs {@code call} on a fallback thread; if the store closed meanwhile, fails as its other calls then do. */
    private static <T> CompletableFuture<T> onFallback(String what, Supplier<T> call, Executor fallback) {
        try {
            return CompletableFuture.supplyAsync(call, fallback);
        } catch (RejectedExecutionException closed) {
            return CompletableFuture.failedFuture(new StoreUnavailableException(what + ": the ZooKeeper store is closed",
                    null));
        }
    }

    /** What an async write fails with: the SPI's exceptions as they are, anything else as {@link ZkErrors#run} turns it. */
    private static RuntimeException asStoreFailure(String what, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof StoreUnavailableException || cause instanceof IllegalArgumentException) {
            return (RuntimeException) cause;
        }
        return ZkErrors.unavailable(what, cause);
    }

    /** Creates the device bucket and the address buckets if needed; false if the generation is gone. */
    private boolean ensureDirs(PoolRef ref, BigInteger offset, DeviceId device) throws Exception {
        List<String> dirs = new ArrayList<>(ref.addressBuckets(offset));
        dirs.add(ref.deviceBucket(device));
        for (String dir : dirs) {
            if (!zk.ensureDir(dir)) {
                return false;
            }
        }
        return true;
    }

    /** The device's binding found when binding it failed because it has one; empty if removed since. */
    private Optional<BindResult> alreadyBound(String devicePath) throws Exception {
        return readLease(devicePath).map(l -> new BindResult(BindResult.Outcome.DEVICE_ALREADY_BOUND, l));
    }

    private Optional<Lease> readLease(String path) throws Exception {
        try {
            return Optional.of(Codec.lease(client.getData().forPath(path)));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    Optional<Lease> update(Lease updated, long expectedSequence) {
        requireNewer(updated, expectedSequence);
        String what = updateWhat(updated);
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            byte[] data = Codec.lease(updated);
            for (int attempt = 0; attempt < ZkAccess.ATTEMPTS; attempt++) {
                Optional<PoolRef> ref = pools.ref(updated.pool());
                if (ref.isEmpty()) {
                    return Optional.<Lease>empty();
                }
                Optional<List<CuratorOp>> ops = updateOps(ref.get(), updated, expectedSequence, data);
                if (ops.isEmpty()) {
                    return Optional.<Lease>empty();
                }
                ZkGroupCommit.Outcome o = writer.commit(what, ops.get());
                if (o.committed()) {
                    return Optional.of(updated);
                }
                if (o.failed(0, KeeperException.Code.NONODE)) {
                    pools.forget(updated.pool(), ref.get());
                } else if (o.code() != KeeperException.Code.NONODE && o.code() != KeeperException.Code.BADVERSION) {
                    throw o.exception();
                }
                // the pool was deleted, the binding removed or changed meanwhile: look again (its sequence has
                // moved on, so this will say no)
            }
            throw new StoreUnavailableException(what + " kept racing with concurrent changes", null);
        });
    }

    /**
     * As {@link #update}, without holding the caller: the binding's version is read in the
     * background (ZooKeeper answers it once this session's writes before it are committed, which a
     * worker used to wait for; a node's workers were all blocked so when commits slowed), then the
     * transaction is handed to the group commit. Committed, the update is answered from the commit;
     * not there, or at another sequence or address, it is answered empty as {@link #update} answers;
     * any other outcome (changed meanwhile, the pool deleted) the synchronous way on a
     * {@code fallback} thread, which reads again and answers as {@link #update} does.
     */
    CompletableFuture<Optional<Lease>> updateAsync(Lease updated, long expectedSequence, Executor fallback) {
        String what = updateWhat(updated);
        try {
            requireNewer(updated, expectedSequence);
            zk.requireAvailable(what);
            Optional<PoolRef> found = pools.ref(updated.pool());
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            PoolRef ref = found.get();
            byte[] data = Codec.lease(updated);
            return zk.readAsync(what, ref.devicePath(updated.device()), answers).handle((current, unread) -> {
                if (unread != null) {
                    return CompletableFuture.<Optional<Lease>>failedFuture(asStoreFailure(what, unread));
                }
                Optional<List<CuratorOp>> ops;
                try {
                    ops = ZkErrors.run(what, () -> updateOps(ref, updated, expectedSequence, data, current));
                } catch (RuntimeException e) {
                    return CompletableFuture.<Optional<Lease>>failedFuture(e);
                }
                if (ops.isEmpty()) {
                    return CompletableFuture.completedFuture(Optional.<Lease>empty());
                }
                return writer.submit(what, ops.get()).handle((o, failure) -> {
                    if (failure != null) {
                        return CompletableFuture.<Optional<Lease>>failedFuture(asStoreFailure(what, failure));
                    }
                    if (o.committed()) {
                        return CompletableFuture.completedFuture(Optional.of(updated));
                    }
                    return onFallback(what, () -> update(updated, expectedSequence), fallback);
                }).thenCompose(f -> f);
            }).thenCompose(f -> f);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(asStoreFailure(what, e));
        }
    }

    private static String updateWhat(Lease updated) {
        return "update lease of " + updated.device() + " in pool " + updated.pool();
    }

    private static void requireNewer(Lease updated, long expectedSequence) {
        if (updated.sequence() <= expectedSequence) {
            throw new IllegalArgumentException("updated sequence " + updated.sequence()
                    + " must be higher than the expected " + expectedSequence);
        }
    }

    /**
     * The transaction that changes the stored binding to {@code updated}, conditioned on the
     * version read now; empty if there is no binding, or it is not at {@code expectedSequence} or
     * holds another address.
     */
    private Optional<List<CuratorOp>> updateOps(PoolRef ref, Lease updated, long expectedSequence, byte[] data)
            throws Exception {
        Stat stat = new Stat();
        byte[] stored;
        try {
            stored = client.getData().storingStatIn(stat).forPath(ref.devicePath(updated.device()));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
        return updateOps(ref, updated, expectedSequence, data, Optional.of(new ZkAccess.Versioned(stored, stat.getVersion())));
    }

    /** As {@link #updateOps(PoolRef, Lease, long, byte[])}, given the binding as read (empty: none). */
    private Optional<List<CuratorOp>> updateOps(PoolRef ref, Lease updated, long expectedSequence, byte[] data,
                                                Optional<ZkAccess.Versioned> read) throws Exception {
        if (read.isEmpty()) {
            return Optional.empty();
        }
        Lease current = Codec.lease(read.get().data());
        if (current.sequence() != expectedSequence || !current.address().equals(updated.address())) {
            return Optional.empty();
        }
        int version = read.get().version();
        String addressPath = ref.addressPath(ref.offset(current.address()));
        return Optional.of(List.of(
                client.transactionOp().check().forPath(ref.alive()),
                client.transactionOp().setData().withVersion(version).forPath(ref.devicePath(updated.device()), data),
                client.transactionOp().setData().withVersion(version).forPath(addressPath, data)));
    }

    boolean remove(String pool, DeviceId device, long expectedSequence) {
        String what = "remove lease of " + device + " in pool " + pool;
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            for (int attempt = 0; attempt < ZkAccess.ATTEMPTS; attempt++) {
                Optional<PoolRef> ref = pools.ref(pool);
                if (ref.isEmpty()) {
                    return false;
                }
                String devicePath = ref.get().devicePath(device);
                Stat stat = new Stat();
                Lease current;
                try {
                    current = Codec.lease(client.getData().storingStatIn(stat).forPath(devicePath));
                } catch (KeeperException.NoNodeException e) {
                    return false;
                }
                if (current.sequence() != expectedSequence) {
                    return false;
                }
                String addressPath = ref.get().addressPath(ref.get().offset(current.address()));
                ZkGroupCommit.Outcome o = writer.commit(what, List.of(
                        client.transactionOp().delete().withVersion(stat.getVersion()).forPath(devicePath),
                        client.transactionOp().delete().withVersion(stat.getVersion()).forPath(addressPath)));
                if (o.committed()) {
                    return true;
                }
                if (o.code() != KeeperException.Code.NONODE && o.code() != KeeperException.Code.BADVERSION) {
                    throw o.exception();
                }
                // changed meanwhile: look again
            }
            throw new StoreUnavailableException(what + " kept racing with concurrent changes", null);
        });
    }

    Optional<Lease> findByDevice(String pool, DeviceId device) {
        String what = "find lease of " + device + " in pool " + pool;
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            Optional<PoolRef> ref = pools.ref(pool);
            return ref.isEmpty() ? Optional.<Lease>empty() : readLease(ref.get().devicePath(device));
        });
    }

    Optional<Lease> findByAddress(String pool, InetAddress address) {
        String what = "find lease of " + Cidr.format(address) + " in pool " + pool;
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            Optional<PoolRef> ref = pools.ref(pool);
            if (ref.isEmpty()) {
                return Optional.<Lease>empty();
            }
            BigInteger offset = ref.get().offsetOrNull(address);
            return offset == null ? Optional.<Lease>empty() : readLease(ref.get().addressPath(offset));
        });
    }

    /** {@inheritDoc} Walks the pool's stored bindings (cost proportional to them). */
    List<Lease> leases(String pool) {
        String what = "list leases of pool " + pool;
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            List<Lease> out = new ArrayList<>();
            Optional<PoolRef> ref = pools.ref(pool);
            if (ref.isPresent()) {
                walk(ref.get(), null, (dir, offsets) -> {
                    out.addAll(readLeases(what, ref.get(), dir, offsets));
                    return true;
                });
            }
            return out;
        });
    }

    /** {@inheritDoc} Walks the pool's address buckets in order from {@code after} and stops after the page. */
    List<Lease> leases(String pool, InetAddress after, int limit) {
        String what = "list leases of pool " + pool;
        if (limit <= 0) {
            return List.of();
        }
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            Optional<PoolRef> ref = pools.ref(pool);
            if (ref.isEmpty()) {
                return List.<Lease>of();
            }
            BigInteger start = afterOffset(ref.get(), after);
            if (start == END) {
                return List.<Lease>of();
            }
            List<Lease> out = new ArrayList<>();
            walk(ref.get(), start, (dir, offsets) -> {
                List<BigInteger> take = offsets.subList(0, Math.min(offsets.size(), limit - out.size()));
                out.addAll(readLeases(what, ref.get(), dir, take));
                return out.size() < limit;
            });
            return out;
        });
    }

    /** Marks a page that cannot hold anything. */
    private static final BigInteger END = BigInteger.valueOf(-2);

    /** The offset after which a page starts: null from the first, {@link #END} if nothing can follow. */
    private static BigInteger afterOffset(PoolRef ref, InetAddress after) {
        if (after == null) {
            return null;
        }
        Pool pool = ref.pool();
        Cidr prefix = pool.prefix();
        if (after.getAddress().length != prefix.network().getAddress().length) {
            throw new IllegalArgumentException("address " + Cidr.format(after) + " is not of pool " + pool.name() + "'s family");
        }
        BigInteger value = new BigInteger(1, after.getAddress());
        BigInteger first = new BigInteger(1, prefix.network().getAddress());
        if (value.compareTo(first) < 0) {
            return null;
        }
        if (!prefix.contains(after)) {
            return END;
        }
        // the block holding 'after' starts at or before it: the page starts with the next block
        return prefix.bigOffsetOf(after).shiftRight(prefix.addressBits() - pool.delegatedLength());
    }

    /** {@inheritDoc} Walks the pool's stored bindings (cost proportional to them), keeping only {@code limit}. */
    List<Lease> reclaimable(String pool, Instant boundary, int limit) {
        String what = "list reclaimable leases of pool " + pool;
        if (limit <= 0) {
            return List.of();
        }
        Comparator<Lease> order = Comparator.comparing(Lease::expiresAt)
                .thenComparing(l -> new BigInteger(1, l.address().getAddress()));
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            Optional<PoolRef> ref = pools.ref(pool);
            if (ref.isEmpty()) {
                return List.<Lease>of();
            }
            PriorityQueue<Lease> newestFirst = new PriorityQueue<>(order.reversed());
            walk(ref.get(), null, (dir, offsets) -> {
                for (Lease l : readLeases(what, ref.get(), dir, offsets)) {
                    if (!l.reserved() && !l.expiresAt().isAfter(boundary)) {
                        newestFirst.add(l);
                        if (newestFirst.size() > limit) {
                            newestFirst.poll();
                        }
                    }
                }
                return true;
            });
            List<Lease> out = new ArrayList<>(newestFirst);
            out.sort(order);
            return out;
        });
    }

    /** {@inheritDoc} Reads only the names of the pool's address nodes (cost proportional to the bindings stored). */
    void forEachAddress(String pool, Consumer<InetAddress> sink) {
        String what = "list addresses of pool " + pool;
        ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            Optional<PoolRef> ref = pools.ref(pool);
            if (ref.isPresent()) {
                walk(ref.get(), null, (dir, offsets) -> {
                    for (BigInteger o : offsets) {
                        sink.accept(ref.get().addressAt(o));
                    }
                    return true;
                });
            }
            return null;
        });
    }

    /** {@inheritDoc} Walks the pool's stored bindings (cost proportional to them). */
    LeaseCounts countLeases(String pool, Instant now, Instant quarantineBoundary) {
        String what = "count leases of pool " + pool;
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            long[] c = new long[5];
            Optional<PoolRef> ref = pools.ref(pool);
            if (ref.isPresent()) {
                walk(ref.get(), null, (dir, offsets) -> {
                    for (Lease l : readLeases(what, ref.get(), dir, offsets)) {
                        boolean notExpired = l.expiresAt().isAfter(now);
                        if (l.state() == LeaseState.LOCKED && notExpired) {
                            c[0]++;
                        } else if (l.state() == LeaseState.BOUND && notExpired) {
                            c[1]++;
                        } else if (l.expiresAt().isAfter(quarantineBoundary)) {
                            c[2]++;
                        } else {
                            c[3]++;
                        }
                        if (l.reserved()) {
                            c[4]++;
                        }
                    }
                    return true;
                });
            }
            return new LeaseCounts(c[0], c[1], c[2], c[3], c[4]);
        });
    }

    /** Called with a leaf bucket and the offsets of its address nodes (ascending) to visit; false stops the walk. */
    @FunctionalInterface
    private interface BucketVisitor {
        boolean visit(String dir, List<BigInteger> offsets) throws Exception;
    }

    /** Visits the pool's address nodes above offset {@code after} (null: all) in address order, bucket by bucket. */
    private void walk(PoolRef ref, BigInteger after, BucketVisitor visitor) throws Exception {
        walkLevel(ref, ref.addressDir(), ref.levels() - 1, after, after != null, visitor);
    }

    private boolean walkLevel(PoolRef ref, String dir, int level, BigInteger after, boolean onStartPath, BucketVisitor visitor)
            throws Exception {
        List<String> names = zk.children(dir);
        Collections.sort(names); // fixed-width hex: text order is numeric order
        if (level == 0) {
            List<BigInteger> offsets = new ArrayList<>(names.size());
            for (String n : names) {
                BigInteger o = ref.parseLeaf(n);
                if (o != null && (after == null || o.compareTo(after) > 0)) {
                    offsets.add(o);
                }
            }
            return offsets.isEmpty() || visitor.visit(dir, offsets);
        }
        int startComponent = onStartPath ? ZkPaths.component(after, level) : -1;
        for (String n : names) {
            int v = ZkPaths.parseHex3(n);
            if (v < 0 || (onStartPath && v < startComponent)) {
                continue;
            }
            if (!walkLevel(ref, dir + "/" + n, level - 1, after, onStartPath && v == startComponent, visitor)) {
                return false;
            }
        }
        return true;
    }

    private List<Lease> readLeases(String what, PoolRef ref, String dir, List<BigInteger> offsets) throws Exception {
        List<String> paths = new ArrayList<>(offsets.size());
        for (BigInteger o : offsets) {
            paths.add(dir + "/" + ref.leafName(o));
        }
        List<Lease> out = new ArrayList<>(paths.size());
        for (byte[] data : zk.readMany(what, paths)) {
            if (data != null) { // removed since it was listed
                out.add(Codec.lease(data));
            }
        }
        return out;
    }
}
