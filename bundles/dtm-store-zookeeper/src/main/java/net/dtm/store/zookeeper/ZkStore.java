package net.dtm.store.zookeeper;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.zip.CRC32;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.LeaseCounts;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.PoolWatch;
import net.dtm.spi.store.StoreUnavailableException;
import net.dtm.store.zookeeper.Codec.StoredPool;

/**
 * The lease and device store on ZooKeeper, through a {@link CuratorFramework} the caller owns (it
 * carries the namespace, the digest credential and the ACL provider; see {@link ZkNode}).
 *
 * <h2>Layout (relative to the namespace)</h2>
 * <pre>
 * /pools/&lt;pool&gt;                          the pool definition, every field, and its generation g
 * /bindings/&lt;g&gt;/alive                    exists while generation g is the pool's live one
 * /bindings/&lt;g&gt;/d/&lt;hhh&gt;/&lt;device&gt;         a binding by device (hhh: 12 bits of the id's CRC-32)
 * /bindings/&lt;g&gt;/a/&lt;b1&gt;/.../&lt;offset&gt;       the same binding by address: the block offset in hex
 *                                        digits under 12-bit buckets of its higher bits
 * /devices/&lt;hhh&gt;/&lt;device&gt;                an enrolled device and its key
 * </pre>
 * Every name in a directory is a fixed-width hex string, so ZooKeeper's names sort in address order
 * and no directory holds more than 4096 names whatever the pool's size or fill (a prefix of 2^n
 * blocks has ceil(n/12) levels, at least two). A binding is written twice, whole, under both keys;
 * both copies always change together in one transaction, so their znode versions stay equal.
 * A pool's bindings live under a generation of their own: deleting a pool deletes its definition
 * and its {@code alive} marker in one transaction (the pool and all its bindings are gone at once)
 * and the subtree is then removed in the background; a pool created again with the same name gets
 * a new generation and starts empty. Subtrees left by a node that died mid-removal are removed when
 * a store connects.
 *
 * <h2>The lock</h2>
 * {@link #tryBind} is one ZooKeeper transaction: check the pool generation's {@code alive} marker,
 * create the device node, create the address node. Each create fails if the node exists, which
 * fails the whole transaction: there is no pool-wide mutex and no read before the write. When it
 * fails, the failing operation says which: the device's binding (read back and returned as
 * DEVICE_ALREADY_BOUND) or the address (ADDRESS_TAKEN). {@link #update} and {@link #remove} are
 * compare-and-set on the lease's sequence and the znode version of both copies.
 *
 * <h2>Failures</h2>
 * While the client is not connected (before the first connection, SUSPENDED or LOST) every method
 * throws {@link StoreUnavailableException} at once, without waiting on Curator's retry loop (the
 * client runs with no retries). A connection loss or session expiry during a call becomes a
 * {@link StoreUnavailableException} naming the operation. A write whose answer was lost may or may
 * not have happened: for {@link #tryBind} a later {@code tryBind} of the same device finds its own
 * binding (DEVICE_ALREADY_BOUND with the stored lease), so the pool manager simply proposes again;
 * for {@link #update} the caller re-reads the lease and sees which sequence is stored; a lost
 * {@link #createPool} shows up as "exists" when repeated.
 *
 * <h2>Cost</h2>
 * tryBind, update, remove and the find methods touch a fixed number of znodes. {@link #leases},
 * {@link #reclaimable}, {@link #countLeases} and {@link #forEachAddress} walk the pool's stored
 * bindings (cost proportional to the bindings stored, never to the pool's address space);
 * forEachAddress reads only names, the others read the bindings in pipelined batches; the paged
 * {@link #leases(String, InetAddress, int)} stops after its page.
 * <p>
 * {@link PoolWatch}: a {@link CuratorCache} on {@code /pools} only (never on the bindings) tells
 * listeners a pool's name whenever any node creates, updates or deletes it. It starts at the
 * first connection: nothing is sent to ZooKeeper in the background while disconnected.
 */
public final class ZkStore implements LeaseStore, DeviceStore, PoolWatch, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZkStore.class);

    static final String POOLS = "/pools";
    static final String BINDINGS = "/bindings";
    static final String DEVICES = "/devices";
    private static final int BUCKET_BITS = 12;
    private static final int ATTEMPTS = 8;
    private static final int MAX_IN_FLIGHT = 512;
    private static final int MAX_KNOWN_PATHS = 200_000;

    private final CuratorFramework client;
    private final long timeoutMs;
    private final CuratorCache poolCache;
    private final List<Consumer<String>> poolListeners = new CopyOnWriteArrayList<>();
    private final Map<String, PoolRef> refs = new ConcurrentHashMap<>();
    private final Set<String> knownPaths = ConcurrentHashMap.newKeySet();
    private final ExecutorService janitor;
    private final ConnectionStateListener stateListener;
    private final AtomicBoolean swept = new AtomicBoolean();
    private volatile boolean suspended;
    private volatile boolean baseReady;
    private boolean cacheStarted;
    private volatile boolean closed;

    /**
     * A store over {@code client} (started, not necessarily connected yet). Does not block.
     *
     * @param timeoutMs how long a batched read may go without progress before it gives up (the
     *                  connection timeout)
     */
    public ZkStore(CuratorFramework client, long timeoutMs) {
        this.client = client;
        this.timeoutMs = timeoutMs;
        this.janitor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dtm-zk-store-janitor");
            t.setDaemon(true);
            return t;
        });
        this.poolCache = CuratorCache.build(client, POOLS);
        poolCache.listenable().addListener(CuratorCacheListener.builder().forAll(this::poolChanged).build());
        this.stateListener = (c, state) -> {
            suspended = !state.isConnected();
            if (state.isConnected()) {
                connected();
            }
        };
        client.getConnectionStateListenable().addListener(stateListener);
        if (client.getZookeeperClient().isConnected()) {
            connected();
        }
    }

    /**
     * Connected: starts the pool cache (once) and the sweep of deleted pools' bindings. Nothing
     * is started before: a cache started while disconnected retries its watch in a loop, each
     * attempt given up by Curator after the connection timeout with an ERROR.
     */
    private void connected() {
        try {
            janitor.execute(() -> { // its first operation creates the namespace node synchronously
                synchronized (poolCache) {
                    if (!closed && !cacheStarted && isAvailable()) {
                        cacheStarted = true;
                        poolCache.start();
                    }
                }
            });
        } catch (RuntimeException rejected) {
            return; // closing
        }
        sweepOnce();
    }

    @Override
    public void close() {
        synchronized (poolCache) {
            closed = true;
        }
        client.getConnectionStateListenable().removeListener(stateListener);
        poolCache.close();
        janitor.shutdownNow();
    }

    /** Whether the store can be used now (connected to the quorum). */
    public boolean isAvailable() {
        return !closed && !suspended && client.getZookeeperClient().isConnected();
    }

    private void requireAvailable(String what) {
        if (closed) {
            throw new StoreUnavailableException(what + ": the ZooKeeper store is closed", null);
        }
        if (!isAvailable()) {
            throw new StoreUnavailableException(what + ": not connected to the ZooKeeper quorum ("
                    + client.getZookeeperClient().getCurrentConnectionString() + ")", null);
        }
    }

    private void ensureBase() throws Exception {
        if (baseReady) {
            return;
        }
        for (String p : List.of(POOLS, BINDINGS, DEVICES)) {
            try {
                client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(p);
            } catch (KeeperException.NodeExistsException exists) {
                // made by another node or an earlier run
            }
        }
        baseReady = true;
    }

    // ================================================================== pools

    /**
     * What a live pool generation needs for paths: the pool (its prefix and delegated length never
     * change), the generation, and the shape of its address keys: a block offset is written in
     * {@code hexWidth} hex digits (enough for every block of the prefix, not only the 2^62 the pool
     * manager allocates from) under {@code levels - 1} bucket levels of 12 bits each.
     */
    record PoolRef(Pool pool, String generation, int levels, int hexWidth) {

        static PoolRef of(StoredPool stored) {
            Pool p = stored.pool();
            int bits = p.delegatedLength() - p.prefix().prefixLength();
            int levels = Math.max(2, (bits + BUCKET_BITS - 1) / BUCKET_BITS);
            return new PoolRef(p, stored.generation(), levels, Math.max(1, (bits + 3) / 4));
        }

        String root() {
            return BINDINGS + "/" + generation;
        }

        String alive() {
            return root() + "/alive";
        }

        String deviceDir() {
            return root() + "/d";
        }

        String addressDir() {
            return root() + "/a";
        }

        String deviceBucket(DeviceId device) {
            CRC32 crc = new CRC32();
            crc.update(device.bytes());
            return deviceDir() + "/" + hex3((int) (crc.getValue() & 0xfff));
        }

        String devicePath(DeviceId device) {
            return deviceBucket(device) + "/" + escape(device.value());
        }

        /** The bucket directories above an address node, top first. */
        List<String> addressBuckets(BigInteger offset) {
            List<String> out = new ArrayList<>(levels - 1);
            StringBuilder path = new StringBuilder(addressDir());
            for (int k = levels - 1; k >= 1; k--) {
                path.append('/').append(hex3(component(offset, k)));
                out.add(path.toString());
            }
            return out;
        }

        String addressPath(BigInteger offset) {
            List<String> buckets = addressBuckets(offset);
            return buckets.get(buckets.size() - 1) + "/" + leafName(offset);
        }

        String leafName(BigInteger offset) {
            String hex = offset.toString(16);
            return "0".repeat(Math.max(0, hexWidth - hex.length())) + hex;
        }

        /** The offset a leaf name stands for, or null if it is not one. */
        BigInteger parseLeaf(String name) {
            if (name.length() != hexWidth) {
                return null;
            }
            try {
                return new BigInteger(name, 16);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        private int blockBits() {
            return pool.prefix().addressBits() - pool.delegatedLength();
        }

        /** The first address of block {@code offset}. */
        InetAddress addressAt(BigInteger offset) {
            return pool.prefix().addressAt(offset.shiftLeft(blockBits()));
        }

        /** The block offset of {@code address}, or null if it is not the start of a block of the pool. */
        BigInteger offsetOrNull(InetAddress address) {
            if (!pool.prefix().contains(address)) {
                return null;
            }
            BigInteger raw = pool.prefix().bigOffsetOf(address);
            BigInteger offset = raw.shiftRight(blockBits());
            return offset.shiftLeft(blockBits()).equals(raw) ? offset : null;
        }

        BigInteger offset(InetAddress address) {
            BigInteger offset = offsetOrNull(address);
            if (offset == null) {
                throw new IllegalArgumentException("address " + Cidr.format(address) + " is not "
                        + (pool.prefix().contains(address) ? "the start of a /" + pool.delegatedLength() + " block of"
                        : "inside") + " pool " + pool.name() + " (" + pool.prefix() + ")");
            }
            return offset;
        }
    }

    private static int component(BigInteger offset, int level) {
        return offset.shiftRight(BUCKET_BITS * level).intValue() & 0xfff;
    }

    private static String hex3(int v) {
        return String.format("%03x", v);
    }

    /** A device id or pool name as a znode name: only "." and ".." need escaping ('%' is in neither alphabet). */
    static String escape(String name) {
        return name.equals(".") ? "%2E" : name.equals("..") ? "%2E%2E" : name;
    }

    static String unescape(String name) {
        return name.replace("%2E", ".");
    }

    private static String poolPath(String name) {
        return POOLS + "/" + escape(name);
    }

    /** The pool's live generation, from the local cache or read. */
    private Optional<PoolRef> ref(String name) throws Exception {
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
            byte[] data = stat == null ? client.getData().forPath(poolPath(name))
                    : client.getData().storingStatIn(stat).forPath(poolPath(name));
            return Optional.of(Codec.pool(data));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    private void poolChanged(CuratorCacheListener.Type type, ChildData before, ChildData after) {
        ChildData d = after != null ? after : before;
        if (d == null || !d.getPath().startsWith(POOLS + "/")) {
            return;
        }
        String name = unescape(d.getPath().substring(POOLS.length() + 1));
        refs.remove(name);
        for (Consumer<String> l : poolListeners) {
            try {
                l.accept(name);
            } catch (RuntimeException e) {
                LOG.warn("pool listener failed on a change of pool {}", name, e);
            }
        }
    }

    @Override
    public void addPoolListener(Consumer<String> listener) {
        poolListeners.add(listener);
    }

    @Override
    public void removePoolListener(Consumer<String> listener) {
        poolListeners.remove(listener);
    }

    @Override
    public void createPool(Pool pool) {
        String what = "create pool " + pool.name();
        ZkErrors.run(what, () -> {
            requireAvailable(what);
            ensureBase();
            String gen = UUID.randomUUID().toString().replace("-", "");
            PoolRef ref = PoolRef.of(new StoredPool(pool, gen));
            try {
                client.transaction().forOperations(
                        client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(poolPath(pool.name()),
                                Codec.pool(pool, gen)),
                        client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(ref.root()),
                        client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(ref.alive()),
                        client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(ref.deviceDir()),
                        client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(ref.addressDir()));
            } catch (KeeperException.NodeExistsException e) {
                if (ZkErrors.failedOp(e) == 0) {
                    throw new IllegalArgumentException("pool " + pool.name() + " exists");
                }
                throw e;
            }
            refs.put(pool.name(), ref);
            return null;
        });
    }

    @Override
    public void updatePool(Pool pool) {
        String what = "update pool " + pool.name();
        ZkErrors.run(what, () -> {
            requireAvailable(what);
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
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
                    client.setData().withVersion(stat.getVersion()).forPath(poolPath(pool.name()),
                            Codec.pool(pool, stored.generation()));
                    return null;
                } catch (KeeperException.BadVersionException | KeeperException.NoNodeException raced) {
                    // changed or deleted meanwhile: read again
                }
            }
            throw new StoreUnavailableException(what + " kept racing with concurrent changes of the pool", null);
        });
    }

    @Override
    public boolean deletePool(String name) {
        String what = "delete pool " + name;
        return ZkErrors.run(what, () -> {
            requireAvailable(what);
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Stat stat = new Stat();
                Optional<StoredPool> stored = readPool(name, stat);
                if (stored.isEmpty()) {
                    return false;
                }
                PoolRef ref = PoolRef.of(stored.get());
                try {
                    client.transaction().forOperations(
                            client.transactionOp().delete().withVersion(stat.getVersion()).forPath(poolPath(name)),
                            client.transactionOp().delete().forPath(ref.alive()));
                } catch (KeeperException.BadVersionException raced) {
                    continue;
                } catch (KeeperException.NoNodeException e) {
                    if (ZkErrors.failedOp(e) == 1) {
                        // no alive marker (should not happen): the definition alone decides
                        try {
                            client.delete().withVersion(stat.getVersion()).forPath(poolPath(name));
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

    @Override
    public List<Pool> pools() {
        String what = "list pools";
        return ZkErrors.run(what, () -> {
            requireAvailable(what);
            List<String> paths = new ArrayList<>();
            for (String child : children(POOLS)) {
                paths.add(POOLS + "/" + child);
            }
            List<Pool> out = new ArrayList<>();
            for (byte[] data : readMany(what, paths)) {
                if (data != null) {
                    out.add(Codec.pool(data).pool());
                }
            }
            out.sort(Comparator.comparing(Pool::name));
            return out;
        });
    }

    @Override
    public Optional<Pool> pool(String name) {
        String what = "read pool " + name;
        return ZkErrors.run(what, () -> {
            requireAvailable(what);
            return readPool(name, null).map(StoredPool::pool);
        });
    }

    // ================================================================== bindings

    @Override
    public BindResult tryBind(Lease proposed) {
        String what = "bind " + Cidr.format(proposed.address()) + " to " + proposed.device() + " in pool " + proposed.pool();
        return ZkErrors.run(what, () -> {
            requireAvailable(what);
            byte[] data = Codec.lease(proposed);
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                PoolRef ref = ref(proposed.pool())
                        .orElseThrow(() -> new IllegalArgumentException("no pool " + proposed.pool()));
                BigInteger offset = ref.offset(proposed.address());
                String devicePath = ref.devicePath(proposed.device());
                String addressPath = ref.addressPath(offset);
                if (!ensureDirs(ref, offset, proposed.device())) {
                    refs.remove(proposed.pool(), ref); // that generation is gone: the pool was deleted
                    continue;
                }
                try {
                    client.transaction().forOperations(
                            client.transactionOp().check().forPath(ref.alive()),
                            client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(devicePath, data),
                            client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(addressPath, data));
                    return new BindResult(BindResult.Outcome.BOUND, proposed);
                } catch (KeeperException.NodeExistsException e) {
                    int failed = ZkErrors.failedOp(e);
                    if (failed == 1) {
                        Optional<Lease> existing = readLease(devicePath);
                        if (existing.isPresent()) {
                            return new BindResult(BindResult.Outcome.DEVICE_ALREADY_BOUND, existing.get());
                        }
                        continue; // removed meanwhile: try again
                    }
                    if (failed == 2) {
                        return new BindResult(BindResult.Outcome.ADDRESS_TAKEN, null);
                    }
                    throw e;
                } catch (KeeperException.NoNodeException e) {
                    // the generation died (alive marker or a bucket gone): the pool was deleted, maybe created again
                    refs.remove(proposed.pool(), ref);
                }
            }
            throw new StoreUnavailableException(what + " kept conflicting with concurrent removals or pool deletions", null);
        });
    }

    /** Creates the device bucket and the address buckets if needed; false if the generation is gone. */
    private boolean ensureDirs(PoolRef ref, BigInteger offset, DeviceId device) throws Exception {
        List<String> dirs = new ArrayList<>(ref.addressBuckets(offset));
        dirs.add(ref.deviceBucket(device));
        for (String dir : dirs) {
            if (knownPaths.contains(dir)) {
                continue;
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
        }
        return true;
    }

    private Optional<Lease> readLease(String path) throws Exception {
        try {
            return Optional.of(Codec.lease(client.getData().forPath(path)));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Lease> update(Lease updated, long expectedSequence) {
        if (updated.sequence() <= expectedSequence) {
            throw new IllegalArgumentException("updated sequence " + updated.sequence()
                    + " must be higher than the expected " + expectedSequence);
        }
        String what = "update lease of " + updated.device() + " in pool " + updated.pool();
        return ZkErrors.run(what, () -> {
            requireAvailable(what);
            byte[] data = Codec.lease(updated);
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Optional<PoolRef> ref = ref(updated.pool());
                if (ref.isEmpty()) {
                    return Optional.<Lease>empty();
                }
                String devicePath = ref.get().devicePath(updated.device());
                Stat stat = new Stat();
                Lease current;
                try {
                    current = Codec.lease(client.getData().storingStatIn(stat).forPath(devicePath));
                } catch (KeeperException.NoNodeException e) {
                    return Optional.<Lease>empty();
                }
                if (current.sequence() != expectedSequence || !current.address().equals(updated.address())) {
                    return Optional.<Lease>empty();
                }
                String addressPath = ref.get().addressPath(ref.get().offset(current.address()));
                try {
                    client.transaction().forOperations(
                            client.transactionOp().check().forPath(ref.get().alive()),
                            client.transactionOp().setData().withVersion(stat.getVersion()).forPath(devicePath, data),
                            client.transactionOp().setData().withVersion(stat.getVersion()).forPath(addressPath, data));
                    return Optional.of(updated);
                } catch (KeeperException.NoNodeException e) {
                    if (ZkErrors.failedOp(e) == 0) {
                        refs.remove(updated.pool(), ref.get());
                    }
                    // the pool was deleted, or the binding removed meanwhile: look again
                } catch (KeeperException.BadVersionException raced) {
                    // changed meanwhile: look again (its sequence has moved on, so this will say no)
                }
            }
            throw new StoreUnavailableException(what + " kept racing with concurrent changes", null);
        });
    }

    @Override
    public boolean remove(String pool, DeviceId device, long expectedSequence) {
        String what = "remove lease of " + device + " in pool " + pool;
        return ZkErrors.run(what, () -> {
            requireAvailable(what);
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Optional<PoolRef> ref = ref(pool);
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
                try {
                    client.transaction().forOperations(
                            client.transactionOp().delete().withVersion(stat.getVersion()).forPath(devicePath),
                            client.transactionOp().delete().withVersion(stat.getVersion()).forPath(addressPath));
                    return true;
                } catch (KeeperException.NoNodeException | KeeperException.BadVersionException raced) {
                    // changed meanwhile: look again
                }
            }
            throw new StoreUnavailableException(what + " kept racing with concurrent changes", null);
        });
    }

    @Override
    public Optional<Lease> findByDevice(String pool, DeviceId device) {
        String what = "find lease of " + device + " in pool " + pool;
        return ZkErrors.run(what, () -> {
            requireAvailable(what);
            Optional<PoolRef> ref = ref(pool);
            return ref.isEmpty() ? Optional.<Lease>empty() : readLease(ref.get().devicePath(device));
        });
    }

    @Override
    public Optional<Lease> findByAddress(String pool, InetAddress address) {
        String what = "find lease of " + Cidr.format(address) + " in pool " + pool;
        return ZkErrors.run(what, () -> {
            requireAvailable(what);
            Optional<PoolRef> ref = ref(pool);
            if (ref.isEmpty()) {
                return Optional.<Lease>empty();
            }
            BigInteger offset = ref.get().offsetOrNull(address);
            return offset == null ? Optional.<Lease>empty() : readLease(ref.get().addressPath(offset));
        });
    }

    /** {@inheritDoc} Walks the pool's stored bindings (cost proportional to them). */
    @Override
    public List<Lease> leases(String pool) {
        String what = "list leases of pool " + pool;
        return ZkErrors.run(what, () -> {
            requireAvailable(what);
            List<Lease> out = new ArrayList<>();
            Optional<PoolRef> ref = ref(pool);
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
    @Override
    public List<Lease> leases(String pool, InetAddress after, int limit) {
        String what = "list leases of pool " + pool;
        if (limit <= 0) {
            return List.of();
        }
        return ZkErrors.run(what, () -> {
            requireAvailable(what);
            Optional<PoolRef> ref = ref(pool);
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
    @Override
    public List<Lease> reclaimable(String pool, Instant boundary, int limit) {
        String what = "list reclaimable leases of pool " + pool;
        if (limit <= 0) {
            return List.of();
        }
        Comparator<Lease> order = Comparator.comparing(Lease::expiresAt)
                .thenComparing(l -> new BigInteger(1, l.address().getAddress()));
        return ZkErrors.run(what, () -> {
            requireAvailable(what);
            Optional<PoolRef> ref = ref(pool);
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
    @Override
    public void forEachAddress(String pool, Consumer<InetAddress> sink) {
        String what = "list addresses of pool " + pool;
        ZkErrors.run(what, () -> {
            requireAvailable(what);
            Optional<PoolRef> ref = ref(pool);
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
    @Override
    public LeaseCounts countLeases(String pool, Instant now, Instant quarantineBoundary) {
        String what = "count leases of pool " + pool;
        return ZkErrors.run(what, () -> {
            requireAvailable(what);
            long[] c = new long[5];
            Optional<PoolRef> ref = ref(pool);
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
        List<String> names = children(dir);
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
        int startComponent = onStartPath ? component(after, level) : -1;
        for (String n : names) {
            int v = parseHex3(n);
            if (v < 0 || (onStartPath && v < startComponent)) {
                continue;
            }
            if (!walkLevel(ref, dir + "/" + n, level - 1, after, onStartPath && v == startComponent, visitor)) {
                return false;
            }
        }
        return true;
    }

    private static int parseHex3(String name) {
        if (name.length() != 3) {
            return -1;
        }
        try {
            return Integer.parseInt(name, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private List<Lease> readLeases(String what, PoolRef ref, String dir, List<BigInteger> offsets) throws Exception {
        List<String> paths = new ArrayList<>(offsets.size());
        for (BigInteger o : offsets) {
            paths.add(dir + "/" + ref.leafName(o));
        }
        List<Lease> out = new ArrayList<>(paths.size());
        for (byte[] data : readMany(what, paths)) {
            if (data != null) { // removed since it was listed
                out.add(Codec.lease(data));
            }
        }
        return out;
    }

    private List<String> children(String path) throws Exception {
        try {
            return new ArrayList<>(client.getChildren().forPath(path));
        } catch (KeeperException.NoNodeException e) {
            return new ArrayList<>();
        }
    }

    /**
     * Reads many znodes at once, pipelined on the one connection (at most {@value #MAX_IN_FLIGHT}
     * in flight). A missing znode gives null. Gives up with {@link StoreUnavailableException} if no
     * answer arrives for the connection timeout.
     */
    private List<byte[]> readMany(String what, List<String> paths) throws Exception {
        int n = paths.size();
        byte[][] out = new byte[n][];
        if (n == 0) {
            return Arrays.asList(out);
        }
        Semaphore permits = new Semaphore(MAX_IN_FLIGHT);
        CountDownLatch done = new CountDownLatch(n);
        AtomicInteger answered = new AtomicInteger();
        AtomicReference<KeeperException.Code> failure = new AtomicReference<>();
        for (int i = 0; i < n; i++) {
            if (failure.get() != null || !permits.tryAcquire(timeoutMs, TimeUnit.MILLISECONDS)) {
                break;
            }
            int index = i;
            client.getData().inBackground((c, event) -> {
                try {
                    int rc = event.getResultCode();
                    if (rc == KeeperException.Code.OK.intValue()) {
                        out[index] = event.getData();
                    } else if (rc != KeeperException.Code.NONODE.intValue()) {
                        failure.compareAndSet(null, KeeperException.Code.get(rc));
                    }
                } finally {
                    answered.incrementAndGet();
                    permits.release();
                    done.countDown();
                }
            }).forPath(paths.get(i));
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
        return Arrays.asList(out);
    }

    // ================================================================== housekeeping of dead generations

    private void removeTreeLater(String root) {
        if (closed) {
            return;
        }
        try {
            janitor.execute(() -> removeTree(root));
        } catch (RuntimeException rejected) {
            // closing: the next store to connect removes it
        }
    }

    private void removeTree(String root) {
        for (int attempt = 0; attempt < 3 && !closed; attempt++) {
            try {
                client.delete().deletingChildrenIfNeeded().forPath(root);
                knownPaths.removeIf(p -> p.startsWith(root + "/"));
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
    private void sweepOnce() {
        if (!swept.compareAndSet(false, true)) {
            return;
        }
        try {
            janitor.execute(() -> {
                try {
                    for (String gen : children(BINDINGS)) {
                        String root = BINDINGS + "/" + gen;
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

    // ================================================================== devices

    private static String devicePath(DeviceId id) {
        CRC32 crc = new CRC32();
        crc.update(id.bytes());
        return DEVICES + "/" + hex3((int) (crc.getValue() & 0xfff)) + "/" + escape(id.value());
    }

    @Override
    public boolean add(DeviceCredential credential) {
        String what = "enrol device " + credential.device();
        return ZkErrors.run(what, () -> {
            requireAvailable(what);
            ensureBase();
            String path = devicePath(credential.device());
            String bucket = path.substring(0, path.lastIndexOf('/'));
            if (!knownPaths.contains(bucket)) {
                try {
                    client.create().withMode(CreateMode.PERSISTENT).forPath(bucket);
                } catch (KeeperException.NodeExistsException exists) {
                    // fine
                }
                knownPaths.add(bucket);
            }
            try {
                client.create().withMode(CreateMode.PERSISTENT).forPath(path, Codec.device(credential));
                return true;
            } catch (KeeperException.NodeExistsException exists) {
                return false;
            }
        });
    }

    @Override
    public Optional<DeviceCredential> find(DeviceId id) {
        String what = "read device " + id;
        return ZkErrors.run(what, () -> {
            requireAvailable(what);
            try {
                return Optional.of(Codec.device(client.getData().forPath(devicePath(id))));
            } catch (KeeperException.NoNodeException e) {
                return Optional.<DeviceCredential>empty();
            }
        });
    }

    @Override
    public List<DeviceCredential> list() {
        String what = "list devices";
        return ZkErrors.run(what, () -> {
            requireAvailable(what);
            List<DeviceCredential> out = new ArrayList<>();
            for (String bucket : children(DEVICES)) {
                List<String> paths = new ArrayList<>();
                for (String name : children(DEVICES + "/" + bucket)) {
                    paths.add(DEVICES + "/" + bucket + "/" + name);
                }
                for (byte[] data : readMany(what, paths)) {
                    if (data != null) {
                        out.add(Codec.device(data));
                    }
                }
            }
            out.sort(Comparator.comparing(DeviceCredential::device));
            return out;
        });
    }

    @Override
    public boolean remove(DeviceId id) {
        String what = "remove device " + id;
        return ZkErrors.run(what, () -> {
            requireAvailable(what);
            try {
                client.delete().forPath(devicePath(id));
                return true;
            } catch (KeeperException.NoNodeException e) {
                return false;
            }
        });
    }

    @Override
    public String toString() {
        return "ZkStore[" + client.getZookeeperClient().getCurrentConnectionString() + "/" + client.getNamespace() + "]";
    }

    static String text(byte[] data) {
        return data == null ? "" : new String(data, StandardCharsets.UTF_8);
    }
}
