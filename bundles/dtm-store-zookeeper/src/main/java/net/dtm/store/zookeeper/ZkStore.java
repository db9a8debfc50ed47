package net.dtm.store.zookeeper;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.curator.framework.state.ConnectionStateListener;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.EnrolmentKeyStore;
import net.dtm.spi.store.LeaseCounts;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.PoolWatch;
import net.dtm.spi.store.StoreBackup;
import net.dtm.spi.store.StoreCommitMetrics;
import net.dtm.spi.store.StoreUnavailableException;

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
 * /enrolment-keys/&lt;id&gt;                   an enrolment key (its verifier, never its secret)
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
 * <p>
 * Group commit: these three writes go through {@link ZkGroupCommit}, which sends the concurrent
 * writes of this node to ZooKeeper as one multi-operation transaction (one quorum round for many
 * leases). Each write keeps its own outcome: a write that fails on its own (the address taken by
 * another node, a version moved) is answered as its own transaction would be and the others are
 * committed without it; a transaction that fails as a whole (connection lost) fails every write in
 * it. {@link #tryBindAsync} and {@link #updateAsync} hand their write to it without holding the
 * caller (an update reads the binding's version in the background first): their futures complete
 * on the store's answer threads when the write was committed or its address was taken; any other
 * outcome is finished the synchronous way on a fallback thread.
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
 * The parts: {@link ZkPaths} (where what is kept), {@link ZkAccess} (availability, directories,
 * pipelined reads), {@link ZkPools} (the catalogue, the generations and their removal),
 * {@link ZkBindings} (the lock and the listings), {@link ZkDevices} and the enrolment keys
 * ({@link #enrolmentKeys()}, {@link ZkEnrolmentKeys}: a store of their own, since its methods'
 * names clash with the device store's).
 * <p>
 * {@link PoolWatch}: a {@link CuratorCache} on {@code /pools} only (never on the bindings) tells
 * listeners a pool's name whenever any node creates, updates or deletes it. Device listeners are
 * told the same of devices by a persistent recursive watch on {@code /devices}, which reads
 * nothing: a cache there would read every device at each connection, and at tens of thousands
 * of devices that load outlasted the request timeout, so the client reconnected and began again.
 * Both start at the first connection: nothing is sent to ZooKeeper in the background while
 * disconnected.
 */
public final class ZkStore implements LeaseStore, DeviceStore, PoolWatch, StoreBackup, AutoCloseable {

    private final CuratorFramework client;
    private final ZkAccess zk;
    private final CuratorCache poolCache;
    private final PersistentWatcher deviceWatch;
    private final long timeoutMs;
    private final ExecutorService janitor;
    private final ZkPools pools;
    private final ZkBindings bindings;
    private final ZkGroupCommit writer;
    /** Where an async binding write that was not simply committed is finished the synchronous way. */
    private final ExecutorService fallback;
    /**
     * Where async binding writes and their reads are answered: what follows them (a request's reply)
     * runs there, not on the writer's runner or ZooKeeper's event thread, and may itself wait for
     * the store, so as many threads as that needs (few: a batch's units are answered together).
     */
    private final ExecutorService answers;
    private final ZkDevices devices;
    private final ZkEnrolmentKeys enrolmentKeys;
    private final ConnectionStateListener stateListener;
    private boolean cacheStarted;

    /** How many request timeouts a binding write may wait for its group commit. */
    private static final int WRITE_WAIT_TIMEOUTS = 3;

    /** Threads finishing async binding writes the synchronous way (a device bound already, a race lost). */
    private static final int FALLBACK_THREADS = 4;

    /**
     * A store over {@code client} (started, not necessarily connected yet). Does not block.
     *
     * @param timeoutMs how long a batched read may go without progress before it gives up (the
     *                  request timeout)
     */
    public ZkStore(CuratorFramework client, long timeoutMs) {
        this.client = client;
        this.zk = new ZkAccess(client, timeoutMs);
        this.janitor = Executors.newSingleThreadExecutor(daemon("dtm-zk-store-janitor"));
        this.fallback = Executors.newFixedThreadPool(FALLBACK_THREADS, daemon("dtm-zk-store-fallback"));
        this.pools = new ZkPools(zk, janitor);
        // a batch takes one request timeout, a few more if some of its units fail on their own
        this.answers = Executors.newCachedThreadPool(daemon("dtm-zk-store-answers"));
        this.writer = ZkGroupCommit.on(zk, WRITE_WAIT_TIMEOUTS * timeoutMs, answers);
        this.bindings = new ZkBindings(zk, pools, writer, answers);
        this.devices = new ZkDevices(zk);
        this.enrolmentKeys = new ZkEnrolmentKeys(zk);
        this.poolCache = CuratorCache.build(client, ZkPaths.POOLS);
        poolCache.listenable().addListener(CuratorCacheListener.builder().forAll(pools::poolChanged).build());
        this.timeoutMs = timeoutMs;
        this.deviceWatch = new PersistentWatcher(client, ZkPaths.DEVICES, true);
        deviceWatch.getListenable().addListener(devices::watched);
        // set at the start and again after every reconnection: changes in between may be missed
        deviceWatch.getResetListenable().addListener(devices::loaded);
        this.stateListener = (c, state) -> {
            zk.connectionChanged(state.isConnected());
            if (state.isConnected()) {
                connected();
            } else {
                devices.disconnected();
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
                    if (!zk.isClosed() && !cacheStarted && zk.isAvailable()) {
                        cacheStarted = true;
                        poolCache.start();
                        deviceWatch.start();
                    }
                }
            });
        } catch (RuntimeException rejected) {
            return; // closing
        }
        pools.sweepOnce();
    }

    @Override
    public void close() {
        synchronized (poolCache) {
            zk.close();
        }
        client.getConnectionStateListenable().removeListener(stateListener);
        writer.close();
        fallback.shutdown(); // what it holds ends at once: the store refuses every call now
        answers.shutdown(); // the writer answered its last units; anything later is answered where it ends
        poolCache.close();
        deviceWatch.close();
        janitor.shutdownNow();
    }

    /** Threads named {@code name} that do not keep the JVM alive. */
    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Why DTM does not back this store up, and what to back up instead. */
    static final String BACKUP_REFUSAL = "the ZooKeeper store is not backed up by DTM: ZooKeeper keeps its own "
            + "snapshots and transaction logs (snapshot.* and log.* in each server's dataDir and dataLogDir); back those "
            + "up from one server of the ensemble (see docs/operations.md, \"Backup and restore\"), or copy the data "
            + "out with pool:export, device:export --with-keys and lease:export";

    /**
     * {@inheritDoc}
     * <p>
     * Always refused ({@value #BACKUP_REFUSAL}); nothing is written.
     */
    @Override
    public Path backup(Path directory) {
        throw new UnsupportedOperationException(BACKUP_REFUSAL);
    }

    /** Every committed transaction's time: the store's {@code dtm_store_commit_*} figures. */
    public StoreCommitMetrics commitMetrics() {
        return zk.metrics();
    }

    /** Whether the store can be used now (connected to the quorum). */
    public boolean isAvailable() {
        return zk.isAvailable();
    }

    @Override public void addPoolListener(Consumer<String> listener) { pools.addPoolListener(listener); }
    @Override public void removePoolListener(Consumer<String> listener) { pools.removePoolListener(listener); }
    @Override public void createPool(Pool pool) { pools.createPool(pool, stored -> { }); }
    @Override public void createPool(Pool pool, Consumer<List<Pool>> check) { pools.createPool(pool, check); }
    @Override public void updatePool(Pool pool) { pools.updatePool(pool); }
    @Override public boolean deletePool(String name) { return pools.deletePool(name); }
    @Override public List<Pool> pools() { return pools.pools(); }
    @Override public Optional<Pool> pool(String name) { return pools.pool(name); }

    @Override public BindResult tryBind(Lease proposed) { return bindings.tryBind(proposed); }
    @Override public Optional<Lease> update(Lease updated, long expectedSequence) { return bindings.update(updated, expectedSequence); }
    @Override public CompletableFuture<BindResult> tryBindAsync(Lease proposed) { return bindings.tryBindAsync(proposed, fallback); }
    @Override public CompletableFuture<Optional<Lease>> updateAsync(Lease updated, long expectedSequence) { return bindings.updateAsync(updated, expectedSequence, fallback); }
    @Override public boolean remove(String pool, DeviceId device, long expectedSequence) { return bindings.remove(pool, device, expectedSequence); }
    @Override public Optional<Lease> findByDevice(String pool, DeviceId device) { return bindings.findByDevice(pool, device); }
    @Override public Optional<Lease> findByAddress(String pool, InetAddress address) { return bindings.findByAddress(pool, address); }

    /** {@inheritDoc} Walks the pool's stored bindings (cost proportional to them). */
    @Override public List<Lease> leases(String pool) { return bindings.leases(pool); }

    /** {@inheritDoc} Walks the pool's address buckets in order from {@code after} and stops after the page. */
    @Override public List<Lease> leases(String pool, InetAddress after, int limit) { return bindings.leases(pool, after, limit); }

    /** {@inheritDoc} Walks the pool's stored bindings (cost proportional to them), keeping only {@code limit}. */
    @Override public List<Lease> reclaimable(String pool, Instant boundary, int limit) { return bindings.reclaimable(pool, boundary, limit); }

    /** {@inheritDoc} Reads only the names of the pool's address nodes (cost proportional to the bindings stored). */
    @Override public void forEachAddress(String pool, Consumer<InetAddress> sink) { bindings.forEachAddress(pool, sink); }

    /** {@inheritDoc} Walks the pool's stored bindings (cost proportional to them). */
    @Override public LeaseCounts countLeases(String pool, Instant now, Instant quarantineBoundary) {
        return bindings.countLeases(pool, now, quarantineBoundary);
    }

    @Override public boolean add(DeviceCredential credential) { return devices.add(credential); }
    @Override public Optional<DeviceCredential> find(DeviceId id) { return devices.find(id); }
    @Override public List<DeviceCredential> list() { return devices.list(); }
    @Override public boolean remove(DeviceId id) { return devices.remove(id); }

    /** {@inheritDoc} Compare-and-set on the device node's version. */
    @Override public boolean replace(DeviceCredential expected, DeviceCredential updated) { return devices.replace(expected, updated); }

    /**
     * {@inheritDoc} From a watch on {@code /devices}: every node's changes, typically within tens
     * of milliseconds. While connected, waits (at most the connection timeout) for the watch to
     * have loaded; after that load, listeners are told {@code resynced}.
     */
    @Override public Optional<Subscription> addDeviceListener(Listener listener) {
        return Optional.of(devices.addListener(listener, timeoutMs));
    }

    /** The enrolment keys, on this store's client: compare-and-set on znode versions, shared by every node. */
    public EnrolmentKeyStore enrolmentKeys() {
        return enrolmentKeys;
    }

    @Override
    public String toString() {
        return "ZkStore[" + client.getZookeeperClient().getCurrentConnectionString() + "/" + client.getNamespace() + "]";
    }
}
