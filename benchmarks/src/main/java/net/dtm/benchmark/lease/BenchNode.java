package net.dtm.benchmark.lease;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

import net.dtm.spi.store.LeaseCounts;
import net.dtm.testkit.lease.DeviceKeys;
import net.dtm.testkit.lease.LeaseNode;
import net.dtm.testkit.lease.ThreadCpu;

/**
 * The node {@link NewLeaseBenchmark} measures: a {@link LeaseNode} (Derby, pool manager, device
 * registry, request handler, UDP endpoint) whose store can be replaced by an empty one and whose
 * devices are enrolled in batches while it runs, so the benchmark enrols as many as the rate it
 * measures needs, and measures each trial on an empty lease table after warming the JIT up on a
 * scratch one (same JVM, so the compiled code stays).
 * <p>
 * As a process ({@link #main}) it prints {@code READY port=<port> pid=<pid>} and answers one line per
 * command on standard input: {@code enroll <first> <count>} ({@code ENROLLED ...}), {@code fresh}
 * (a new, empty database; {@code READY port=...}), {@code leases} ({@code LEASES <bindings>}),
 * {@code counters}, {@code threads}, {@code profile-start} and {@code profile-stop <file>}; it stops
 * when standard input closes.
 */
final class BenchNode implements AutoCloseable {

    private final LeaseNode.Config base;
    private final Path dir;
    private final long seed;
    private LeaseNode node;
    private Path db;
    private int generation;

    /**
     * @param base the node's settings; its directory is replaced by {@code dir/db-<n>}
     * @param dir  where the databases go
     * @param seed the device keys' seed ({@link DeviceKeys#key})
     */
    BenchNode(LeaseNode.Config base, Path dir, long seed) throws IOException {
        this.base = base;
        this.dir = dir;
        this.seed = seed;
        fresh();
    }

    /** Closes the current node (deleting its database) and starts one on a new, empty database. */
    void fresh() throws IOException {
        if (node != null) {
            node.close();
            node = null;
            deleteTree(db);
        }
        db = dir.resolve("db-" + generation++);
        node = LeaseNode.start(new LeaseNode.Config(db, base.bind(), base.pool(), base.prefix(), base.leaseSeconds(),
                base.workerThreads(), base.queueCapacity(), base.sourceLimit()));
    }

    /**
     * Enrols the batch's devices, then checkpoints the database, so that the enrolment's log and
     * dirty pages are on disk before a trial starts rather than written during it.
     *
     * @return how, for the log
     */
    String enroll(DeviceSupply.Batch batch) {
        long t0 = System.nanoTime();
        String how = node.enroll(batch.ids(), d -> DeviceKeys.key(seed, d));
        long t1 = System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + node.store().directory());
             CallableStatement cs = c.prepareCall("CALL SYSCS_UTIL.SYSCS_CHECKPOINT_DATABASE()")) {
            cs.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("checkpoint after enrolment failed: " + e.getMessage(), e);
        }
        return String.format(Locale.ROOT, "%d devices from %s-%d enrolled in %.1f s (%s), checkpoint %.1f s", batch.size(),
                DeviceSupply.PREFIX, batch.first(), (t1 - t0) / 1e9, how, (System.nanoTime() - t1) / 1e9);
    }

    /** Bindings in the benchmark pool, whatever their state. */
    long leases() {
        Instant now = Instant.now();
        LeaseCounts c = node.store().countLeases(base.pool(), now, now);
        return c.locked() + c.bound() + c.quarantined() + c.reclaimable();
    }

    LeaseNode node() {
        return node;
    }

    InetSocketAddress address() {
        return node.address();
    }

    @Override
    public void close() {
        if (node != null) {
            node.close();
            node = null;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /**
     * {@code BenchNode <dir> <seed> <prefix> <workers> <queue> <source limit>}: a node on 127.0.0.1
     * (any port) with nothing enrolled, driven through standard input (see the class comment).
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: BenchNode <dir> <seed> <prefix> <workers> <queue> <source limit>");
            System.exit(2);
        }
        LeaseNode.Config config = LeaseNode.Config.defaults(Path.of(args[0])).withPool("bench", args[2])
                .withWorkers(Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
        try (BenchNode bench = new BenchNode(config, Path.of(args[0]), Long.parseLong(args[1]))) {
            String pid = " pid=" + ProcessHandle.current().pid();
            System.out.println("READY port=" + bench.address().getPort() + pid);
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            String line;
            jdk.jfr.Recording recording = null;
            while ((line = in.readLine()) != null) {
                String[] w = line.trim().split(" ");
                switch (w[0]) {
                    case "enroll" -> System.out.println("ENROLLED " + bench.enroll(
                            new DeviceSupply.Batch(Long.parseLong(w[1]), Integer.parseInt(w[2]), System::nanoTime)));
                    case "fresh" -> {
                        bench.fresh();
                        System.out.println("READY port=" + bench.address().getPort() + pid);
                    }
                    case "leases" -> System.out.println("LEASES " + bench.leases());
                    case "counters" -> System.out.println("COUNTERS " + bench.node().counters());
                    case "threads" -> {
                        StringBuilder b = new StringBuilder();
                        ThreadCpu.snapshot().forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(v));
                        System.out.println("THREADS " + b);
                    }
                    case "profile-start" -> {
                        if (recording == null) {
                            recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
                            recording.start();
                        }
                        System.out.println("PROFILING");
                    }
                    case "profile-stop" -> {
                        if (recording != null) {
                            recording.stop();
                            recording.dump(Path.of(w[1]));
                            recording.close();
                            recording = null;
                        }
                        System.out.println("PROFILED");
                    }
                    default -> System.out.println("UNKNOWN " + line);
                }
                System.out.flush();
            }
        }
        System.exit(0);
    }
}
