package net.dtm.testkit.lease;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import net.dtm.api.DeviceId;
import net.dtm.api.Pool;
import net.dtm.pool.PoolManager;
import net.dtm.pool.PoolSettings;
import net.dtm.server.internal.DeviceManager;
import net.dtm.server.node.ServerNode;
import net.dtm.store.derby.DerbyStore;

/**
 * One standalone DTM server node, the very {@link ServerNode} the Karaf distribution runs, over a
 * durable {@link DerbyStore}, a {@link PoolManager} and a {@link DeviceManager}. Used in-process by
 * tests and as its own process by the benchmarks' {@code NewLeaseBenchmark}.
 * <p>
 * As a process ({@link #main}) it creates the pool, enrolls the benchmark devices (ids and keys from
 * {@link DeviceKeys}) before it answers anything, prints {@code READY port=<port> enrolled=<n>
 * pid=<pid>}, answers {@code counters} on standard input with one line of counters and {@code threads} with
 * the CPU nanoseconds of its thread groups ({@link ThreadCpu}), records a JFR CPU profile between
 * {@code profile-start} and {@code profile-stop <file>}, and stops when
 * standard input closes.
 */
public final class LeaseNode implements AutoCloseable {

    /** This node's id. */
    static final String NODE = "bench-node";

    /**
     * @param dir           Derby database directory (created if missing)
     * @param bind          UDP address to bind (port 0 = any)
     * @param pool          the default pool's name
     * @param prefix        the pool's prefix, e.g. {@code 10.0.0.0/8}
     * @param leaseSeconds  the pool's lease time
     * @param workerThreads request-handling threads ({@code worker.threads}; Karaf default 64)
     * @param queueCapacity datagrams waiting for a worker ({@code queue.capacity}; default 4096)
     * @param sourceLimit   datagrams one source address may have waiting or in work
     *                      ({@code source.queue.limit}; default 256)
     */
    public record Config(Path dir, InetSocketAddress bind, String pool, String prefix, int leaseSeconds,
                         int workerThreads, int queueCapacity, int sourceLimit) {

        /** Karaf's defaults for the server; pool {@code bench} = 10.0.0.0/8, one hour leases. */
        public static Config defaults(Path dir) {
            return new Config(dir, new InetSocketAddress("127.0.0.1", 0), "bench", "10.0.0.0/8", 3600, 64, 4096, 256);
        }

        public Config withBind(InetSocketAddress b) {
            return new Config(dir, b, pool, prefix, leaseSeconds, workerThreads, queueCapacity, sourceLimit);
        }

        public Config withPool(String name, String p) {
            return new Config(dir, bind, name, p, leaseSeconds, workerThreads, queueCapacity, sourceLimit);
        }

        public Config withWorkers(int threads, int queue, int perSource) {
            return new Config(dir, bind, pool, prefix, leaseSeconds, threads, queue, perSource);
        }
    }

    private final Config config;
    private final DerbyStore store;
    private final PoolManager pools;
    private final DeviceManager devices;
    private final ServerNode node;

    private LeaseNode(Config config) throws IOException {
        this.config = config;
        this.store = new DerbyStore(config.dir());
        try {
            this.pools = new PoolManager(store, NODE, Clock.systemUTC(), PoolSettings.DEFAULTS, null);
            if (pools.pool(config.pool()).isEmpty()) {
                pools.createPool(Pool.of(config.pool(), config.prefix(), config.leaseSeconds()));
            }
            this.devices = new DeviceManager(store);
            this.node = ServerNode.start(ServerNode.Config.defaults().toBuilder()
                    .nodeId(NODE)
                    .bind(config.bind())
                    .advertiseHost(config.bind().getAddress())
                    .defaultPool(config.pool())
                    .workers(config.workerThreads(), config.queueCapacity(), config.sourceLimit())
                    .build(), pools, devices, null);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** Opens the store, creates the pool if missing, binds the endpoint. */
    public static LeaseNode start(Config config) throws IOException {
        return new LeaseNode(config);
    }

    /** The bound UDP endpoint. */
    public InetSocketAddress address() {
        return node.localAddress();
    }

    public PoolManager pools() {
        return pools;
    }

    public DeviceManager devices() {
        return devices;
    }

    public DerbyStore store() {
        return store;
    }

    /**
     * The node's counters (request handling and endpoint) and, when the store commits in groups, its
     * {@code store.batches}, {@code store.writes}, {@code store.runNanos} and {@code store.commitNanos}.
     */
    public Map<String, Long> counters() {
        Map<String, Long> out = new TreeMap<>(node.counters());
        store.commitStats().ifPresent(c -> {
            out.put("store.batches", c.commits());
            out.put("store.writes", c.writes());
            out.put("store.runNanos", c.statementNanos());
            out.put("store.commitNanos", c.commitNanos());
        });
        return out;
    }

    /**
     * Enrolls {@code ids} with the keys {@code keyOf} gives, fast: one JDBC transaction of batched
     * inserts into the store's device table (the schema {@link DerbyStore} creates). If that
     * fails (the schema changed) it falls back to {@link DeviceManager#enroll} from 8 threads.
     *
     * @return how the devices were enrolled, for the log
     */
    public String enroll(List<DeviceId> ids, Function<DeviceId, byte[]> keyOf) {
        String how;
        try {
            enrollJdbc(store, ids, keyOf);
            how = "jdbc batch, one transaction";
        } catch (SQLException e) {
            System.err.println("enrolment through JDBC failed (" + e.getSQLState() + " " + e.getMessage()
                    + "); enrolling through the device registry instead");
            enrollThroughRegistry(ids, keyOf);
            how = "device registry, 8 threads";
        }
        devices.preload(); // as a node does at start: keys in memory, not read per first request
        return how + ", keys preloaded";
    }

    /**
     * Enrols {@code ids} with the keys {@code keyOf} gives in one transaction of batched inserts
     * straight into {@code store}'s device table (fast enough for 100,000 devices; nothing else may
     * be writing devices meanwhile).
     */
    public static void enrollJdbc(DerbyStore store, List<DeviceId> ids, Function<DeviceId, byte[]> keyOf)
            throws SQLException {
        Instant now = Instant.now();
        HexFormat hex = HexFormat.of();
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + store.directory())) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO dtm_device (device_id, key_hex, enrolled_sec, enrolled_nano) VALUES (?, ?, ?, ?)")) {
                int n = 0;
                for (DeviceId d : ids) {
                    ps.setString(1, d.value());
                    ps.setString(2, hex.formatHex(keyOf.apply(d)));
                    ps.setLong(3, now.getEpochSecond());
                    ps.setInt(4, 0);
                    ps.addBatch();
                    if (++n % 2000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private void enrollThroughRegistry(List<DeviceId> ids, Function<DeviceId, byte[]> keyOf) {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> parts = new ArrayList<>();
            int step = (ids.size() + 7) / 8;
            for (int from = 0; from < ids.size(); from += step) {
                List<DeviceId> part = ids.subList(from, Math.min(ids.size(), from + step));
                parts.add(pool.submit(() -> part.forEach(d -> devices.enroll(d, keyOf.apply(d)))));
            }
            for (Future<?> f : parts) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("enrolment failed: " + e, e);
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    public void close() {
        try {
            node.close();
        } finally {
            store.close();
        }
    }

    /**
     * {@code LeaseNode <dir> <port> <devices> <seed> <prefix> <workers> <queue> <source limit>}: a node
     * on 127.0.0.1:<port> (0 = any) with {@code devices} benchmark devices {@code dev-*} enrolled.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 8) {
            System.err.println("usage: LeaseNode <dir> <port> <devices> <seed> <prefix> <workers> <queue> <source limit>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        Config config = Config.defaults(dir).withBind(new InetSocketAddress("127.0.0.1", port))
                .withPool("bench", args[4])
                .withWorkers(Integer.parseInt(args[5]), Integer.parseInt(args[6]), Integer.parseInt(args[7]));
        try (LeaseNode node = start(config)) {
            long t0 = System.nanoTime();
            String how = node.enroll(DeviceKeys.ids("dev", n), d -> DeviceKeys.key(seed, d));
            System.out.printf("ENROLLED %d devices in %.1f s (%s)%n", n, (System.nanoTime() - t0) / 1e9, how);
            System.out.println("READY port=" + node.address().getPort() + " enrolled=" + n + " pid=" + ProcessHandle.current().pid());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            String line;
            jdk.jfr.Recording recording = null;
            while ((line = in.readLine()) != null) {
                if (line.trim().equals("profile-start") && recording == null) {
                    recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
                    recording.start();
                    System.out.println("PROFILING");
                } else if (line.startsWith("profile-stop ") && recording != null) {
                    recording.stop();
                    recording.dump(Path.of(line.substring("profile-stop ".length()).trim()));
                    recording.close();
                    recording = null;
                    System.out.println("PROFILED");
                } else if (line.trim().equals("counters")) {
                    System.out.println("COUNTERS " + node.counters());
                } else if (line.trim().equals("threads")) {
                    StringBuilder b = new StringBuilder();
                    ThreadCpu.snapshot().forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(v));
                    System.out.println("THREADS " + b);
                }
                System.out.flush();
            }
        }
        System.exit(0);
    }
}
