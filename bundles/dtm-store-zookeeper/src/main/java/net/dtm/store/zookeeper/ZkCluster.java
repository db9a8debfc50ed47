package net.dtm.store.zookeeper;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.cluster.ClockOffset;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.cluster.Member;
import net.dtm.spi.store.StoreUnavailableException;
import net.dtm.store.zookeeper.Codec.NodeRecord;

/**
 * This node's membership in a ZooKeeper cluster, all through Curator recipes:
 * <ul>
 * <li>registration: an ephemeral {@code /nodes/<id>} kept by a {@link PersistentNode} (created
 * again after a session expiry), holding site, endpoints, leases served and start time;
 * {@link #advertise} and {@link #publish} rewrite it;</li>
 * <li>the durable record: a persistent {@code /records/<id>} with the same content, written when
 * the node registers and on every {@link #advertise} and {@link #publish}, so its mtime is the
 * node's last-seen time. It outlives the node's session: a node that stopped, or died and lost its
 * session, is still listed, not registered, with its last figures and last-seen time, until
 * {@link #forget} removes it;</li>
 * <li>draining: a durable flag, the persistent {@code /drain/<id>}; it outlives the node's
 * session, so a drained node stays drained across restarts until {@code setDraining(id, false)},
 * which clears the flag only (the node's record stays);</li>
 * <li>leadership: a {@link LeaderLatch} on {@code /leader} with the node id as participant id;
 * leadership is given up while the connection is SUSPENDED or LOST;</li>
 * <li>the clock: {@link #clockOffset()} is measured every few seconds against the ZooKeeper
 * leader's clock by writing the ephemeral {@code /clock/<id>} ({@link ZkClock} says how);</li>
 * <li>the view of the others: {@link CuratorCache}s of {@code /nodes}, {@code /records},
 * {@code /drain} and {@code /leader}, so {@link #members()} and {@link #isLeader()} never wait on
 * the network.</li>
 * </ul>
 * Nothing is sent to ZooKeeper while the client is not connected: the caches, the election and
 * the registration start at the first connection, and a record published meanwhile is written
 * when the connection is back. (Curator gives up a background operation issued while disconnected
 * after the connection timeout, logging two ERRORs with stack traces, and its cache and
 * registration recipes issue it again at once: a flood for as long as the ensemble is away.)
 * Nothing here blocks on an unreachable ensemble except {@link #setDraining} and {@link #forget},
 * which throw {@link StoreUnavailableException} at once when not connected. Listeners run on one
 * notification thread, after any change of membership, records, drain flags, leadership or the
 * connection. Connection changes are logged once each: SUSPENDED and LOST at WARN, CONNECTED and
 * RECONNECTED at INFO.
 */
public final class ZkCluster implements Cluster, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZkCluster.class);

    static final String NODES = "/nodes";
    static final String RECORDS = "/records";
    static final String DRAIN = "/drain";
    static final String LEADER = "/leader";

    private final CuratorFramework client;
    private final ZkSettings settings;
    private final AtomicReference<NodeRecord> record;
    private final LeaderLatch latch;
    private final CuratorCache nodesCache;
    private final CuratorCache recordsCache;
    private final CuratorCache drainCache;
    private final CuratorCache leaderCache;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService notifier;
    private final ConnectionStateListener stateListener;
    private final ZkClock clock;
    /** Guards starting (at the first connection) against closing. */
    private final Object lifecycle = new Object();
    /** Whether the record changed while it could not be written: written at the next connection. */
    private final AtomicBoolean unwritten = new AtomicBoolean();
    /** Unreadable records already warned about (path@mzxid). */
    private final Set<String> unreadable = ConcurrentHashMap.newKeySet();
    /** The registration, made at the first connection (with the latest record). */
    private volatile PersistentNode registration;
    private volatile ConnectionState state = ConnectionState.LOST;
    private volatile boolean suspended;
    private volatile boolean closed;

    /**
     * Registers this node, joins the leader election and starts the local view: at once if the
     * client is connected, else as soon as it connects. Does not block.
     */
    public ZkCluster(CuratorFramework client, ZkSettings settings) {
        this(client, settings, Clock.systemUTC());
    }

    /** As {@link #ZkCluster(CuratorFramework, ZkSettings)}, with this node's wall clock (tests skew it). */
    ZkCluster(CuratorFramework client, ZkSettings settings, Clock wallClock) {
        this.client = client;
        this.settings = settings;
        this.notifier = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dtm-zk-cluster-events");
            t.setDaemon(true);
            return t;
        });
        this.record = new AtomicReference<>(new NodeRecord(settings.nodeId(), settings.site(), List.of(), 0, Instant.now()));

        nodesCache = CuratorCache.build(client, NODES);
        recordsCache = CuratorCache.build(client, RECORDS);
        drainCache = CuratorCache.build(client, DRAIN);
        leaderCache = CuratorCache.build(client, LEADER);
        nodesCache.listenable().addListener(CuratorCacheListener.builder().forAll(this::nodeChanged).build());
        // a record changes with every heartbeat, as the registration does: only its coming and going is news
        recordsCache.listenable().addListener(CuratorCacheListener.builder()
                .forCreates(created -> fire()).forDeletes(deleted -> fire()).build());
        CuratorCacheListener onChange = CuratorCacheListener.builder().forAll((type, before, after) -> fire()).build();
        drainCache.listenable().addListener(onChange);
        leaderCache.listenable().addListener(onChange);

        latch = new LeaderLatch(client, LEADER, settings.nodeId(), LeaderLatch.CloseMode.NOTIFY_LEADER);
        latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                LOG.info("node {} is the housekeeping leader", settings.nodeId());
                fire();
            }

            @Override
            public void notLeader() {
                LOG.info("node {} is no longer the housekeeping leader", settings.nodeId());
                fire();
            }
        });

        this.stateListener = (c, newState) -> {
            state = newState;
            suspended = !newState.isConnected();
            if (newState.isConnected()) {
                LOG.info("node {}: ZooKeeper connection {}", settings.nodeId(), newState);
                runOnNotifier(this::connected);
            } else {
                LOG.warn("node {}: ZooKeeper connection {}", settings.nodeId(), newState);
            }
            fire();
        };
        client.getConnectionStateListenable().addListener(stateListener);
        if (client.getZookeeperClient().isConnected()) {
            state = ConnectionState.CONNECTED;
            runOnNotifier(this::connected);
        }
        clock = new ZkClock(client, settings.nodeId(), wallClock, this::isConnected);
        clock.start();
    }

    /**
     * Connected, the first time or again: starts the view, the registration and the election once
     * (the registration's first create makes Curator create the namespace node synchronously,
     * hence the notification thread), then writes the record if it changed while disconnected.
     */
    private void connected() {
        if (!isConnected()) {
            return;
        }
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            if (registration == null) {
                nodesCache.start();
                recordsCache.start();
                drainCache.start();
                leaderCache.start();
                unwritten.set(false);
                try { // before the registration, so a registered node always has its record
                    client.create().orSetData().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
                            .forPath(recordPath(settings.nodeId()), Codec.node(record.get()));
                } catch (Exception e) {
                    unwritten.set(true);
                    LOG.debug("node {}: record not written now: {}", settings.nodeId(), e.toString());
                }
                PersistentNode node = new PersistentNode(client, CreateMode.EPHEMERAL, false, nodePath(settings.nodeId()),
                        Codec.node(record.get()));
                node.start();
                registration = node;
                try {
                    latch.start();
                } catch (Exception e) {
                    LOG.error("node {} cannot join the leader election: {}", settings.nodeId(), e.toString(), e);
                }
                return; // a record changed meanwhile is rewritten when the registration appears (reconcile)
            }
        }
        if (unwritten.getAndSet(false)) {
            write(record.get());
        }
    }

    private void runOnNotifier(Runnable task) {
        try {
            notifier.execute(task);
        } catch (RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    private static String nodePath(String id) {
        return NODES + "/" + id;
    }

    private static String recordPath(String id) {
        return RECORDS + "/" + id;
    }

    @Override
    public String type() {
        return "zookeeper";
    }

    @Override
    public String nodeId() {
        return settings.nodeId();
    }

    @Override
    public void advertise(List<InetSocketAddress> endpoints) {
        Objects.requireNonNull(endpoints, "endpoints");
        write(record.updateAndGet(r -> r.withEndpoints(endpoints)));
    }

    @Override
    public void publish(long leasesServed) {
        write(record.updateAndGet(r -> r.withLeasesServed(leasesServed)));
    }

    /**
     * Writes the record to the registration and to the durable record, in the background. While
     * not connected nothing is sent (Curator would give each write up with an ERROR after the
     * connection timeout): the latest record is written when the connection is back.
     */
    private void write(NodeRecord r) {
        if (closed) {
            return;
        }
        PersistentNode node = registration;
        if (node == null || !isConnected()) {
            unwritten.set(true);
            return;
        }
        try {
            node.setData(Codec.node(r));
        } catch (IllegalStateException notCreatedYet) {
            // written by reconcile() once the registration exists
        } catch (Exception e) {
            LOG.debug("node {}: registration not written now: {}", settings.nodeId(), e.toString());
        }
        writeRecord();
    }

    /**
     * Writes the latest record to {@code /records/<id>}: set it, or create it if missing (and set
     * it if it was created meanwhile). Every step writes the latest record, so the last one wins.
     */
    private void writeRecord() {
        if (closed || !isConnected()) {
            unwritten.set(true);
            return;
        }
        String path = recordPath(settings.nodeId());
        try {
            client.setData().inBackground((c, set) -> {
                if (set.getResultCode() == KeeperException.Code.NONODE.intValue()) {
                    if (closed || !isConnected()) {
                        unwritten.set(true);
                        return;
                    }
                    client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).inBackground((c2, created) -> {
                        if (created.getResultCode() == KeeperException.Code.NODEEXISTS.intValue()) {
                            writeRecord();
                        } else {
                            recordWritten(created.getResultCode());
                        }
                    }).forPath(path, Codec.node(record.get()));
                } else {
                    recordWritten(set.getResultCode());
                }
            }).forPath(path, Codec.node(record.get()));
        } catch (Exception e) {
            recordWritten(KeeperException.Code.SYSTEMERROR.intValue());
        }
    }

    private void recordWritten(int rc) {
        if (rc != KeeperException.Code.OK.intValue()) {
            unwritten.set(true); // written again at the next connection or heartbeat
            LOG.debug("node {}: record not written now: {}", settings.nodeId(), KeeperException.Code.get(rc));
        }
    }

    /** Our own registration appeared or changed: make sure it holds the latest record. */
    private void reconcile(ChildData own) {
        if (!Arrays.equals(own.getData(), Codec.node(record.get()))) {
            write(record.get());
        }
    }

    private void nodeChanged(CuratorCacheListener.Type type, ChildData before, ChildData after) {
        if (after != null && after.getPath().equals(nodePath(settings.nodeId()))) {
            if (type == CuratorCacheListener.Type.NODE_CREATED) {
                writeRecord(); // registered (again): the durable record says so and when
            }
            reconcile(after);
        }
        fire();
    }

    private void fire() {
        if (closed || listeners.isEmpty()) {
            return;
        }
        runOnNotifier(() -> {
            for (Runnable l : listeners) {
                try {
                    l.run();
                } catch (RuntimeException e) {
                    LOG.warn("cluster listener failed", e);
                }
            }
        });
    }

    /**
     * {@inheritDoc} The union of the registered, recorded and drained nodes. A node without a live
     * registration (stopped, or dead past its session timeout) is listed with
     * {@code registered == false} and what its durable record last said: its last figures, and as
     * last-seen time when it last published.
     */
    @Override
    public List<Member> members() {
        Map<String, ChildData> nodes = children(nodesCache, NODES);
        Map<String, ChildData> records = children(recordsCache, RECORDS);
        Map<String, ChildData> drains = children(drainCache, DRAIN);
        String leader = leaderId();
        TreeSet<String> ids = new TreeSet<>(nodes.keySet());
        ids.addAll(records.keySet());
        ids.addAll(drains.keySet());
        List<Member> out = new ArrayList<>();
        for (String id : ids) {
            boolean registered = nodes.containsKey(id);
            boolean draining = drains.containsKey(id);
            // both hold the node's record: the newer one counts
            ChildData newest = newer(readable(nodes.get(id)), readable(records.get(id)));
            if (newest != null) {
                NodeRecord r = Codec.node(newest.getData());
                out.add(new Member(id, r.site(), r.endpoints(), registered, draining, id.equals(leader), r.leasesServed(),
                        Instant.ofEpochMilli(newest.getStat().getMtime())));
            } else {
                ChildData stamp = nodes.containsKey(id) ? nodes.get(id) : drains.get(id);
                out.add(new Member(id, "", List.of(), registered, draining, id.equals(leader), 0,
                        stamp == null || stamp.getStat() == null ? Instant.EPOCH : Instant.ofEpochMilli(stamp.getStat().getMtime())));
            }
        }
        return out;
    }

    /** {@code d} if it holds a readable node record, else null (an unreadable one is logged once per version). */
    private ChildData readable(ChildData d) {
        if (d == null || d.getStat() == null) {
            return null;
        }
        try {
            Codec.node(d.getData());
            return d;
        } catch (RuntimeException e) {
            if (unreadable.add(d.getPath() + "@" + d.getStat().getMzxid())) {
                LOG.warn("node record {} unreadable: {}", d.getPath(), e.getMessage());
            }
            return null;
        }
    }

    private static ChildData newer(ChildData a, ChildData b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return b.getStat().getMtime() > a.getStat().getMtime() ? b : a;
    }

    private static Map<String, ChildData> children(CuratorCache cache, String parent) {
        Map<String, ChildData> out = new TreeMap<>();
        cache.stream().forEach(d -> {
            String p = d.getPath();
            if (p.startsWith(parent + "/") && p.indexOf('/', parent.length() + 1) < 0) {
                out.put(p.substring(parent.length() + 1), d);
            }
        });
        return out;
    }

    /** The leader's node id from the local view of the election ("" if none is known). */
    String leaderId() {
        ChildData first = null;
        String firstSeq = null;
        for (ChildData d : children(leaderCache, LEADER).values()) {
            String name = d.getPath().substring(d.getPath().lastIndexOf('/') + 1);
            int i = name.lastIndexOf("latch-");
            String seq = i < 0 ? name : name.substring(i + "latch-".length());
            if (firstSeq == null || seq.compareTo(firstSeq) < 0) {
                firstSeq = seq;
                first = d;
            }
        }
        return first == null || first.getData() == null ? "" : new String(first.getData(), StandardCharsets.UTF_8);
    }

    @Override
    public boolean isLeader() {
        return isConnected() && latch.hasLeadership();
    }

    /** {@inheritDoc} Measured by {@link ZkClock}: the ZooKeeper leader's clock against this node's. */
    @Override
    public Optional<ClockOffset> clockOffset() {
        return clock.latest();
    }

    @Override
    public boolean isConnected() {
        return !closed && !suspended && client.getZookeeperClient().isConnected();
    }

    private static void requireNodeId(String nodeId) {
        if (nodeId == null || nodeId.isEmpty() || nodeId.contains("/") || nodeId.equals(".") || nodeId.equals("..")) {
            throw new IllegalArgumentException("no node '" + nodeId + "'");
        }
    }

    /**
     * {@inheritDoc} Any node the cluster knows of may be drained or undrained: registered,
     * recorded (down) or drained. Undraining a node that is down clears its flag only: it stays
     * listed, down, with its record (see {@link #forget}).
     */
    @Override
    public boolean setDraining(String nodeId, boolean draining) {
        String what = (draining ? "drain" : "undrain") + " node " + nodeId;
        requireNodeId(nodeId);
        if (!isConnected()) {
            throw new StoreUnavailableException(what + ": not connected to the ZooKeeper quorum", null);
        }
        return ZkErrors.run(what, () -> {
            boolean registered = client.checkExists().forPath(nodePath(nodeId)) != null;
            boolean recorded = client.checkExists().forPath(recordPath(nodeId)) != null;
            boolean flagged = client.checkExists().forPath(DRAIN + "/" + nodeId) != null;
            if (!registered && !recorded && !flagged) {
                throw new IllegalArgumentException("no node '" + nodeId + "' in the cluster (neither registered, recorded nor drained)");
            }
            if (draining) {
                try {
                    client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
                            .forPath(DRAIN + "/" + nodeId, Instant.now().toString().getBytes(StandardCharsets.UTF_8));
                    LOG.info("node {} drained", nodeId);
                    return true;
                } catch (KeeperException.NodeExistsException already) {
                    return false;
                }
            }
            try {
                client.delete().forPath(DRAIN + "/" + nodeId);
                LOG.info("node {} undrained", nodeId);
                return true;
            } catch (KeeperException.NoNodeException already) {
                return false;
            }
        });
    }

    /**
     * Forgets a node that is gone for good: removes its durable record and its drain flag, so it
     * is no longer listed. Refused while the node is registered (its session lives). A node that
     * comes back later registers and is recorded again, undrained. (Not in the cluster SPI yet:
     * for tools and a later {@code node:forget}.)
     *
     * @return false if nothing was known of the node
     * @throws IllegalArgumentException if the node is registered or the id is not a node id
     * @throws StoreUnavailableException if not connected
     */
    public boolean forget(String nodeId) {
        String what = "forget node " + nodeId;
        requireNodeId(nodeId);
        if (!isConnected()) {
            throw new StoreUnavailableException(what + ": not connected to the ZooKeeper quorum", null);
        }
        return ZkErrors.run(what, () -> {
            if (client.checkExists().forPath(nodePath(nodeId)) != null) {
                throw new IllegalArgumentException("node '" + nodeId + "' is registered (its session lives): stop it before"
                        + " forgetting it");
            }
            boolean any = false;
            for (String path : List.of(recordPath(nodeId), DRAIN + "/" + nodeId)) {
                try {
                    client.delete().forPath(path);
                    any = true;
                } catch (KeeperException.NoNodeException already) {
                    // nothing there
                }
            }
            if (any) {
                LOG.info("node {} forgotten: its record and drain flag are removed", nodeId);
            }
            return any;
        });
    }

    @Override
    public Map<String, String> status() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("type", type());
        s.put("node", settings.nodeId());
        s.put("site", settings.site());
        s.put("connect", settings.connect());
        s.put("namespace", settings.namespace());
        s.put("state", closed ? "CLOSED" : isConnected() ? "CONNECTED" : String.valueOf(state));
        String session = "none";
        String negotiated = "";
        try {
            var zk = client.getZookeeperClient().getZooKeeper();
            session = "0x" + Long.toHexString(zk.getSessionId());
            negotiated = Integer.toString(zk.getSessionTimeout());
        } catch (Exception e) {
            // not connected or closed
        }
        s.put("session", session);
        s.put("session.timeout.ms", settings.sessionTimeoutMs() + (negotiated.isEmpty() ? "" : " (negotiated " + negotiated + ")"));
        s.put("leader", leaderId());
        s.put("is.leader", Boolean.toString(isLeader()));
        s.put("registered", Boolean.toString(children(nodesCache, NODES).containsKey(settings.nodeId())));
        s.put("clock.offset", clock.latest().map(o -> o.offset().toMillis() + " ms ± " + o.uncertainty().toMillis()
                + " ms at " + o.measuredAt()).orElse("not measured"));
        return s;
    }

    @Override
    public void addListener(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    /**
     * Leaves the election, removes the registration (the durable record and the drain flag stay)
     * and stops the view.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        client.getConnectionStateListenable().removeListener(stateListener);
        clock.close();
        PersistentNode node = registration;
        if (node != null) { // started: the election and the view too
            try {
                latch.close();
            } catch (Exception e) {
                LOG.debug("leaving the election: {}", e.toString());
            }
            try {
                node.close();
            } catch (Exception e) {
                LOG.debug("removing the registration: {}", e.toString());
            }
        }
        nodesCache.close();
        recordsCache.close();
        drainCache.close();
        leaderCache.close();
        notifier.shutdownNow();
    }

    @Override
    public String toString() {
        return "ZkCluster[" + settings.nodeId() + "@" + settings.connect() + "/" + settings.namespace() + "]";
    }
}
