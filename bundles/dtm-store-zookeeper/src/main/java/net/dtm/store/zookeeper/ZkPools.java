package net.dtm.store.zookeeper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.Pool;
import net.dtm.spi.store.StoreUnavailableException;
import net.dtm.store.zookeeper.Codec.StoredPool;
import net.dtm.store.zookeeper.ZkPaths.PoolRef;

/**
 * The pool catalogue of the ZooKeeper store: {@code /pools/<pool>} holds a definition and its
 * generation (a creation's check, e.g. for overlapping prefixes, holds atomically across nodes); a pool's bindings live under that generation, which dies with the pool in one
 * transaction and whose subtree is then removed in the background (and, for subtrees a dead node
 * left behind, once a store connects). Keeps a local cache of the live generations, dropped when
 * the pool watch reports a change, and tells the pool listeners.
 */
final class ZkPools {

    private static final Logger LOG = LoggerFactory.getLogger(ZkStore.class);

    private final ZkAccess zk;
    private final CuratorFramework client;
    private final ExecutorService janitor;
    private final List<Consumer<String>> poolListeners = new CopyOnWriteArrayList<>();
    private final Map<String, PoolRef> refs = new ConcurrentHashMap<>();
    private final AtomicBoolean swept = new AtomicBoolean();

    /** @param janitor runs the removal of dead generations */
    ZkPools(ZkAccess zk, ExecutorService janitor) {
        this.zk = zk;
        this.client = zk.client();
        this.janitor = janitor;
    }

    /** Forgets a cached generation found dead (the pool was deleted, maybe created again). */
    void forget(String name, PoolRef ref) {
        refs.remove(name, ref);
    }

    /** The pool's live generation, from the local cache or read. */
    Optional<PoolRef> ref(String name) throws Exception {
        PoolRef r = refs.get(name);
        if (r != null) {
            return Optional.of(r);
        }
        Optional<StoredPool> stored = readPool(name, null);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        PoolRef fresh = PoolRef.of(stored.get());
        refs.put(name, fresh);
        return Optional.of(fresh);
    }

    private Optional<StoredPool> readPool(String name, Stat stat) throws Exception {
        try {
            byte[] data = stat == null ? client.getData().forPath(ZkPaths.poolPath(name))
                    : client.getData().storingStatIn(stat).forPath(ZkPaths.poolPath(name));
            return Optional.of(Codec.pool(data));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    void poolChanged(CuratorCacheListener.Type type, ChildData before, ChildData after) {
        ChildData d = after != null ? after : before;
        if (d == null || !d.getPath().startsWith(ZkPaths.POOLS + "/")) {
            return;
        }
        String name = ZkPaths.unescape(d.getPath().substring(ZkPaths.POOLS.length() + 1));
        refs.remove(name);
        for (Consumer<String> l : poolListeners) {
            try {
                l.accept(name);
            } catch (RuntimeException e) {
                LOG.warn("pool listener failed on a change of pool {}", name, e);
            }
        }
    }

    void addPoolListener(Consumer<String> listener) {
        poolListeners.add(listener);
    }

    void removePoolListener(Consumer<String> listener) {
        poolListeners.remove(listener);
    }

    /**
     * Creates the pool if {@code check} accepts the stored pools, atomically across nodes: the
     * pools are read at a version of {@code /pools}, and the creation is one transaction that also
     * sets {@code /pools} at that version (so bumps it). Two nodes creating at once cannot both
     * pass: the second transaction fails on the version, and its check is made again on the pools
     * as they are now.
     */
    void createPool(Pool pool, Consumer<List<Pool>> check) {
        String what = "create pool " + pool.name();
        ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            zk.ensureBase();
            for (int attempt = 0; attempt < ZkAccess.ATTEMPTS; attempt++) {
                Stat catalogue = new Stat();
                client.getData().storingStatIn(catalogue).forPath(ZkPaths.POOLS);
                List<Pool> stored = readPools(what);
                if (stored.stream().anyMatch(p -> p.name().equals(pool.name()))) {
                    throw new IllegalArgumentException("pool " + pool.name() + " exists");
                }
                check.accept(stored);
                String gen = UUID.randomUUID().toString().replace("-", "");
                PoolRef ref = PoolRef.of(new StoredPool(pool, gen));
                try {
                    long started = System.nanoTime();
                    client.transaction().forOperations(
                            client.transactionOp().setData().withVersion(catalogue.getVersion()).forPath(ZkPaths.POOLS),
                            client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(ZkPaths.poolPath(pool.name()),
                                    Codec.pool(pool, gen)),
                            client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(ref.root()),
                            client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(ref.alive()),
                            client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(ref.deviceDir()),
                            client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(ref.addressDir()));
                    zk.committed(started);
                } catch (KeeperException.BadVersionException raced) {
                    continue; // another node created a pool meanwhile: check again
                } catch (KeeperException.NodeExistsException e) {
                    if (ZkErrors.failedOp(e) == 1) {
                        throw new IllegalArgumentException("pool " + pool.name() + " exists");
                    }
                    throw e;
                }
                refs.put(pool.name(), ref);
                return null;
            }
            throw new StoreUnavailableException(what + " kept racing with concurrent pool creations", null);
        });
    }

    void updatePool(Pool pool) {
        String what = "update pool " + pool.name();
        ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            for (int attempt = 0; attempt < ZkAccess.ATTEMPTS; attempt++) {
                Stat stat = new Stat();
                StoredPool stored = readPool(pool.name(), stat)
                        .orElseThrow(() -> new IllegalArgumentException("no pool " + pool.name() + " to update"));
                Pool old = stored.pool();
                if (!old.prefix().equals(pool.prefix())) {
                    throw new IllegalArgumentException("pool " + pool.name() + ": the prefix cannot change from " + old.prefix()
                            + " to " + pool.prefix() + " (bindings would fall outside); create a new pool");
                }
                if (old.delegatedLength() != pool.delegatedLength()) {
                    throw new IllegalArgumentException("pool " + pool.name() + ": the delegated length cannot change from /"
                            + old.delegatedLength() + " to /" + pool.delegatedLength()
                            + " (bindings would be misaligned); create a new pool");
                }
                try {
                    client.setData().withVersion(stat.getVersion()).forPath(ZkPaths.poolPath(pool.name()),
                            Codec.pool(pool, stored.generation()));
                    return null;
                } catch (KeeperException.BadVersionException | KeeperException.NoNodeException raced) {
                    // changed or deleted meanwhile: read again
                }
            }
            throw new StoreUnavailableException(what + " kept racing with concurrent changes of the pool", null);
        });
    }

    boolean deletePool(String name) {
        String what = "delete pool " + name;
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            for (int attempt = 0; attempt < ZkAccess.ATTEMPTS; attempt++) {
                Stat stat = new Stat();
                Optional<StoredPool> stored = readPool(name, stat);
                if (stored.isEmpty()) {
                    return false;
                }
                PoolRef ref = PoolRef.of(stored.get());
                try {
                    client.transaction().forOperations(
                            client.transactionOp().delete().withVersion(stat.getVersion()).forPath(ZkPaths.poolPath(name)),
                            client.transactionOp().delete().forPath(ref.alive()));
                } catch (KeeperException.BadVersionException raced) {
                    continue;
                } catch (KeeperException.NoNodeException e) {
                    if (ZkErrors.failedOp(e) == 1) {
                        // no alive marker (should not happen): the definition alone decides
                        try {
                            client.delete().withVersion(stat.getVersion()).forPath(ZkPaths.poolPath(name));
                        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException raced) {
                            continue;
                        }
                    } else {
                        continue;
                    }
                }
                refs.remove(name);
                removeTreeLater(ref.root());
                return true;
            }
            throw new StoreUnavailableException(what + " kept racing with concurrent changes of the pool", null);
        });
    }

    List<Pool> pools() {
        String what = "list pools";
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            return readPools(what);
        });
    }

    /** Every stored pool, by name. */
    private List<Pool> readPools(String what) throws Exception {
        List<String> paths = new ArrayList<>();
        for (String child : zk.children(ZkPaths.POOLS)) {
            paths.add(ZkPaths.POOLS + "/" + child);
        }
        List<Pool> out = new ArrayList<>();
        for (byte[] data : zk.readMany(what, paths)) {
            if (data != null) {
                out.add(Codec.pool(data).pool());
            }
        }
        out.sort(Comparator.comparing(Pool::name));
        return out;
    }

    Optional<Pool> pool(String name) {
        String what = "read pool " + name;
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            return readPool(name, null).map(StoredPool::pool);
        });
    }

    // ================================================================== housekeeping of dead generations

    private void removeTreeLater(String root) {
        if (zk.isClosed()) {
            return;
        }
        try {
            janitor.execute(() -> removeTree(root));
        } catch (RuntimeException rejected) {
            // closing: the next store to connect removes it
        }
    }

    private void removeTree(String root) {
        for (int attempt = 0; attempt < 3 && !zk.isClosed(); attempt++) {
            try {
                client.delete().deletingChildrenIfNeeded().forPath(root);
                zk.forgetBelow(root);
                return;
            } catch (KeeperException.NoNodeException gone) {
                return;
            } catch (KeeperException.NotEmptyException raced) {
                // a bucket was made meanwhile: again
            } catch (Exception e) {
                LOG.info("removal of {} (a deleted pool's bindings) postponed to the next start: {}", root, e.toString());
                return;
            }
        }
    }

    /** Once connected: removes the subtrees of pools deleted by a node that died before removing them. */
    void sweepOnce() {
        if (!swept.compareAndSet(false, true)) {
            return;
        }
        try {
            janitor.execute(() -> {
                try {
                    for (String gen : zk.children(ZkPaths.BINDINGS)) {
                        String root = ZkPaths.BINDINGS + "/" + gen;
                        if (client.checkExists().forPath(root + "/alive") == null) {
                            LOG.info("removing {}: bindings of a deleted pool", root);
                            removeTree(root);
                        }
                    }
                } catch (Exception e) {
                    swept.set(false); // try again on the next connection
                    LOG.debug("sweep of deleted pools' bindings postponed: {}", e.toString());
                }
            });
        } catch (RuntimeException rejected) {
            // closing
        }
    }
}
