package net.dtm.testkit.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import net.dtm.api.metrics.Histogram;
import net.dtm.api.metrics.Metric;
import net.dtm.pool.PoolManager;
import net.dtm.pool.PoolSettings;
import net.dtm.server.internal.DeviceManager;
import net.dtm.server.node.ServerNode;
import net.dtm.spi.cluster.Cluster;
import net.dtm.store.zookeeper.ZkNode;
import net.dtm.store.zookeeper.ZkSettings;

/**
 * One DTM server node of a cluster in plain Java: the ZooKeeper store and this node's
 * {@link Cluster} ({@link ZkNode}), the pool manager and device registry over them (device keys and
 * pools loaded at start, as the Karaf components do), the very
 * {@link ServerNode} the Karaf distribution runs (UDP endpoint on 127.0.0.1, request handling, a
 * heartbeat every 2 s that advertises and publishes), and the housekeeping sweep every few seconds
 * (done only by the leader).
 * <p>
 * As a process ({@link #main}, started by {@link NodeProcess}) it prints
 * {@code READY node=<id> port=<port> pid=<pid> connected=<bool>} once bound, a line
 * {@code CLUSTER node=<id> connected=<bool> leader=<bool> members=<id,...>} whenever its
 * view (connection, leadership, members) changes, answers {@code counters <n>} on standard input with
 * {@code COUNTERS <n> {...}} and {@code status <n>} with {@code STATUS <n> connected=<bool> leader=<bool>},
 * and stops cleanly when standard input closes.
 */
public final class ClusterNode implements AutoCloseable {

    /**
     * @param zk           how to reach the ensemble, and this node's id
     * @param bind         UDP address (port 0 = any)
     * @param pool         default pool (must exist in the store, or be created by someone)
     * @param workers      request-handling threads
     * @param sweepSeconds how often the housekeeping sweep runs (only the leader's does anything)
     */
    public record Config(ZkSettings zk, InetSocketAddress bind, String pool, int workers, int sweepSeconds) {
    }

    private final ZkNode zk;
    private final PoolManager pools;
    private final ServerNode node;
    private final ScheduledExecutorService housekeeping;

    private ClusterNode(Config config) throws IOException {
        long t0 = System.nanoTime();
        ZkNode opened = ZkNode.open(config.zk());
        this.zk = opened;
        long t1 = System.nanoTime();
        PoolManager pm = null;
        ServerNode started = null;
        try {
            Cluster cluster = opened.cluster();
            pm = new PoolManager(opened.store(), null, Clock.systemUTC(), PoolSettings.DEFAULTS, cluster);
            DeviceManager devices = new DeviceManager(opened.store());
            int keys = 0;
            try {
                keys = devices.preload();
            } catch (RuntimeException e) {
                System.err.println("device keys not preloaded (read on demand): " + e);
            }
            long t2 = System.nanoTime();
            try {
                pm.loadAll(); // as PoolManagerComponent does: the first request does not build a pool's index
            } catch (RuntimeException e) {
                System.err.println("pools not loaded at start (loaded on first use): " + e);
            }
            // where a node's start goes, in its log
            System.err.printf(Locale.ROOT, "start: store opened in %d ms, %d device keys read in %d ms, pools loaded in %d ms%n",
                    (t1 - t0) / 1_000_000, keys, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
            started = ServerNode.start(ServerNode.Config.defaults().toBuilder()
                    .bind(config.bind())
                    .advertiseHost(config.bind().getAddress())
                    .defaultPool(config.pool())
                    .workers(config.workers(), 4096, 256)
                    .heartbeatPeriod(Duration.ofSeconds(2))
                    .build(), pm, devices, cluster);
            this.node = started;
            this.pools = pm;
            this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "housekeeping");
                t.setDaemon(true);
                return t;
            });
            PoolManager sweeper = pm;
            housekeeping.scheduleWithFixedDelay(() -> {
                try {
                    sweeper.sweepIfLeader();
                } catch (RuntimeException e) {
                    System.err.println("sweep failed: " + e);
                }
            }, config.sweepSeconds(), config.sweepSeconds(), TimeUnit.SECONDS);
        } catch (IOException | RuntimeException e) {
            if (started != null) {
                started.close();
            }
            if (pm != null) {
                pm.close();
            }
            opened.close();
            throw e;
        }
    }

    /** Opens the store and membership, binds, advertises. Does not wait for the ensemble. */
    public static ClusterNode start(Config config) throws IOException {
        return new ClusterNode(config);
    }

    public InetSocketAddress address() {
        return node.localAddress();
    }

    public Cluster cluster() {
        return zk.cluster();
    }

    /**
     * The node's (request handling, endpoint) and the pool manager's counters, and the store's
     * commits: {@code store.commits} (ZooKeeper transactions committed) and {@code store.writes}
     * (the writes they carried; group commit puts several in one).
     */
    public Map<String, Long> counters() {
        Map<String, Long> out = new TreeMap<>(node.counters());
        pools.counters().forEach((k, v) -> out.put("pool." + k, v));
        for (Metric m : zk.store().commitMetrics().metrics()) {
            if (m.name().equals("dtm_store_commit_batch_size")) {
                Histogram h = m.samples().get(0).histogram();
                out.put("store.commits", h.count());
                out.put("store.writes", Math.round(h.sum()));
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            housekeeping.shutdownNow();
            node.close();
            pools.close();
        } finally {
            zk.close();
        }
    }

    /**
     * {@code ClusterNode key=value...}: {@code connect}, {@code password.file}, {@code node.id},
     * {@code port} (0), {@code pool} (chaos), {@code session.timeout.ms} (10000),
     * {@code connection.timeout.ms} (3000), {@code workers} (16), {@code sweep.seconds} (5),
     * {@code namespace} (dtm).
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                System.err.println("usage: ClusterNode key=value... (connect, password.file, node.id, port, pool, ...); got " + arg);
                System.exit(2);
            }
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Map<String, Object> zkConfig = new HashMap<>();
        zkConfig.put("connect", a.getOrDefault("connect", ""));
        zkConfig.put("auth.password.file", a.getOrDefault("password.file", ""));
        zkConfig.put("node.id", a.getOrDefault("node.id", ""));
        zkConfig.put("namespace", a.getOrDefault("namespace", ZkSettings.DEFAULT_NAMESPACE));
        zkConfig.put("session.timeout.ms", a.getOrDefault("session.timeout.ms", "10000"));
        zkConfig.put("connection.timeout.ms", a.getOrDefault("connection.timeout.ms", "3000"));
        ZkSettings zk = ZkSettings.fromConfig(zkConfig);
        Config config = new Config(zk, new InetSocketAddress("127.0.0.1", Integer.parseInt(a.getOrDefault("port", "0"))),
                a.getOrDefault("pool", "chaos"), Integer.parseInt(a.getOrDefault("workers", "16")),
                Integer.parseInt(a.getOrDefault("sweep.seconds", "5")));
        long t0 = System.nanoTime();
        try (ClusterNode node = start(config)) {
            Cluster cluster = node.cluster();
            AtomicReference<String> last = new AtomicReference<>("");
            Runnable report = () -> {
                StringBuilder ids = new StringBuilder();
                cluster.members().forEach(m -> ids.append(ids.length() == 0 ? "" : ",").append(m.id())
                        .append(m.registered() ? "" : "(gone)").append(m.draining() ? "(draining)" : ""));
                String line = String.format(Locale.ROOT, "CLUSTER node=%s connected=%s leader=%s members=%s", cluster.nodeId(),
                        cluster.isConnected(), cluster.isLeader(), ids);
                synchronized (last) {
                    if (!line.equals(last.getAndSet(line))) {   // the view changed: say so once
                        System.out.println(line);
                        System.out.flush();
                    }
                }
            };
            cluster.addListener(report);
            System.out.printf(Locale.ROOT, "READY node=%s port=%d pid=%d connected=%s boot_ms=%d%n", cluster.nodeId(),
                    node.address().getPort(), ProcessHandle.current().pid(), cluster.isConnected(),
                    (System.nanoTime() - t0) / 1_000_000);
            System.out.flush();
            report.run();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] w = line.trim().split("\\s+");
                if (w[0].equals("counters")) {
                    System.out.println("COUNTERS " + (w.length > 1 ? w[1] : "0") + " " + node.counters());
                } else if (w[0].equals("status")) {
                    System.out.printf(Locale.ROOT, "STATUS %s connected=%s leader=%s%n", w.length > 1 ? w[1] : "0",
                            cluster.isConnected(), cluster.isLeader());
                }
                System.out.flush();
            }
        }
        System.exit(0);
    }
}
