package net.dtm.store.zookeeper;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.cluster.Member;
import net.dtm.spi.store.StoreUnavailableException;
import net.dtm.store.zookeeper.Codec.NodeRecord;

/**
 * This node's membership in a ZooKeeper cluster, all through Curator recipes:
 * <ul>
 * <li>registration: an ephemeral {@code /nodes/<id>} kept by a {@link PersistentNode} (created
 * again after a session expiry), holding site, endpoints, leases served and start time;
 * {@link #advertise} and {@link #publish} rewrite it, so its mtime is the node's last-seen time;</li>
 * <li>draining: a durable flag, the persistent {@code /drain/<id>}; it outlives the node's
 * session, so a drained node stays drained across restarts until {@code setDraining(id, false)};</li>
 * <li>leadership: a {@link LeaderLatch} on {@code /leader} with the node id as participant id;
 * leadership is given up while the connection is SUSPENDED or LOST;</li>
 * <li>the view of the others: {@link CuratorCache}s of {@code /nodes}, {@code /drain} and
 * {@code /leader}, so {@link #members()} and {@link #isLeader()} never wait on the network.</li>
 * </ul>
 * The node registers as soon as the cluster is opened and connected (with no endpoints until
 * {@link #advertise}).
 * Nothing here blocks on an unreachable ensemble except {@link #setDraining}, which throws
 * {@link StoreUnavailableException} at once when not connected. Listeners run on one notification
 * thread, after any change of membership, records, drain flags, leadership or the connection.
 */
public final class ZkCluster implements Cluster, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZkCluster.class);

    static final String NODES = "/nodes";
    static final String DRAIN = "/drain";
    static final String LEADER = "/leader";

    private final CuratorFramework client;
    private final ZkSettings settings;
    private final AtomicReference<NodeRecord> record;
    private final PersistentNode registration;
    private final AtomicBoolean registrationStarted = new AtomicBoolean();
    private final LeaderLatch latch;
    private final CuratorCache nodesCache;
    private final CuratorCache drainCache;
    private final CuratorCache leaderCache;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService notifier;
    private final ConnectionStateListener stateListener;
    /** The last record seen of every node, so a drained node that left still shows where it was. */
    private final Map<String, Member> lastKnown = new ConcurrentHashMap<>();
    private volatile ConnectionState state = ConnectionState.LOST;
    private volatile boolean suspended;
    private volatile boolean closed;

    /** Registers this node, joins the leader election and starts the local view. Does not block. */
    public ZkCluster(CuratorFramework client, ZkSettings settings) {
        this.client = client;
        this.settings = settings;
        this.notifier = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dtm-zk-cluster-events");
            t.setDaemon(true);
            return t;
        });
        this.record = new AtomicReference<>(new NodeRecord(settings.nodeId(), settings.site(), List.of(), 0, Instant.now()));
        this.stateListener = (c, newState) -> {
            state = newState;
            suspended = !newState.isConnected();
            LOG.info("node {}: ZooKeeper connection {}", settings.nodeId(), newState);
            if (newState.isConnected() && !registrationStarted.get()) {
                runOnNotifier(this::startRegistration);
            }
            fire();
        };
        client.getConnectionStateListenable().addListener(stateListener);
        if (client.getZookeeperClient().isConnected()) {
            state = ConnectionState.CONNECTED;
        }

        nodesCache = CuratorCache.build(client, NODES);
        drainCache = CuratorCache.build(client, DRAIN);
        leaderCache = CuratorCache.build(client, LEADER);
        CuratorCacheListener onChange = CuratorCacheListener.builder().forAll((type, before, after) -> changed(after)).build();
        nodesCache.listenable().addListener(onChange);
        drainCache.listenable().addListener(onChange);
        leaderCache.listenable().addListener(onChange);
        nodesCache.start();
        drainCache.start();
        leaderCache.start();

        registration = new PersistentNode(client, CreateMode.EPHEMERAL, false, nodePath(settings.nodeId()),
                Codec.node(record.get()));
        if (client.getZookeeperClient().isConnected()) {
            startRegistration();
        }

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
        try {
            latch.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot join the leader election: " + e, e);
        }
    }

    /**
     * Starts the registration once connected: its first create makes Curator create the namespace
     * node synchronously, which would block for the connection timeout while disconnected.
     */
    private void startRegistration() {
        if (!closed && registrationStarted.compareAndSet(false, true)) {
            registration.start();
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

    /** Writes the record (in the background); before the first create it is applied when the node appears. */
    private void write(NodeRecord r) {
        if (closed) {
            return;
        }
        try {
            registration.setData(Codec.node(r));
        } catch (IllegalStateException notCreatedYet) {
            // written by reconcile() once the registration exists
        } catch (Exception e) {
            LOG.debug("node {}: record not written now: {}", settings.nodeId(), e.toString());
        }
    }

    /** Our own registration appeared or changed: make sure it holds the latest record. */
    private void reconcile(ChildData own) {
        byte[] wanted = Codec.node(record.get());
        if (own != null && !Arrays.equals(own.getData(), wanted)) {
            write(record.get());
        }
    }

    private void changed(ChildData after) {
        if (after != null && after.getPath().equals(nodePath(settings.nodeId()))) {
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

    @Override
    public List<Member> members() {
        Map<String, ChildData> nodes = children(nodesCache, NODES);
        Map<String, ChildData> drains = children(drainCache, DRAIN);
        String leader = leaderId();
        TreeSet<String> ids = new TreeSet<>(nodes.keySet());
        ids.addAll(drains.keySet());
        List<Member> out = new ArrayList<>();
        for (String id : ids) {
            ChildData n = nodes.get(id);
            boolean draining = drains.containsKey(id);
            Member m = null;
            if (n != null) {
                try {
                    NodeRecord r = Codec.node(n.getData());
                    m = new Member(id, r.site(), r.endpoints(), true, draining, id.equals(leader), r.leasesServed(),
                            Instant.ofEpochMilli(n.getStat().getMtime()));
                    lastKnown.put(id, m);
                } catch (RuntimeException e) {
                    LOG.warn("node record {} unreadable: {}", n.getPath(), e.getMessage());
                }
            }
            if (m == null) {
                Member last = lastKnown.get(id);
                ChildData d = drains.get(id);
                Instant seen = last != null ? last.lastSeen() : d != null ? Instant.ofEpochMilli(d.getStat().getMtime()) : Instant.EPOCH;
                m = new Member(id, last == null ? "" : last.site(), last == null ? List.of() : last.endpoints(), false, draining,
                        id.equals(leader), last == null ? 0 : last.leasesServed(), seen);
            }
            out.add(m);
        }
        return out;
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

    @Override
    public boolean isConnected() {
        return !closed && !suspended && client.getZookeeperClient().isConnected();
    }

    @Override
    public boolean setDraining(String nodeId, boolean draining) {
        String what = (draining ? "drain" : "undrain") + " node " + nodeId;
        if (nodeId == null || nodeId.isEmpty() || nodeId.contains("/") || nodeId.equals(".") || nodeId.equals("..")) {
            throw new IllegalArgumentException("no node '" + nodeId + "'");
        }
        if (!isConnected()) {
            throw new StoreUnavailableException(what + ": not connected to the ZooKeeper quorum", null);
        }
        return ZkErrors.run(what, () -> {
            boolean registered = client.checkExists().forPath(nodePath(nodeId)) != null;
            boolean flagged = client.checkExists().forPath(DRAIN + "/" + nodeId) != null;
            if (!registered && !flagged) {
                throw new IllegalArgumentException("no node '" + nodeId + "' in the cluster (neither registered nor drained)");
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

    /** Leaves the election, removes the registration (the drain flag stays) and stops the view. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        client.getConnectionStateListenable().removeListener(stateListener);
        try {
            latch.close();
        } catch (Exception e) {
            LOG.debug("leaving the election: {}", e.toString());
        }
        try {
            registration.close();
        } catch (Exception e) {
            LOG.debug("removing the registration: {}", e.toString());
        }
        nodesCache.close();
        drainCache.close();
        leaderCache.close();
        notifier.shutdownNow();
    }

    @Override
    public String toString() {
        return "ZkCluster[" + settings.nodeId() + "@" + settings.connect() + "/" + settings.namespace() + "]";
    }
}
