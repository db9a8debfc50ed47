package net.dtm.store.derby;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult;

/**
 * Benchmark (a program that prints figures, not a test): {@code tryBind} of distinct devices on
 * distinct addresses from 1, 8, 64 and 256 threads, with group commit off (every bind its own
 * synced commit, the store before group commit) and on, with real durability (Derby's default:
 * the log is synced at every commit). Prints binds per second, mean, p50 and p99 latency, and for
 * group commit the number of commits, the mean batch and the share of the writer thread's busy
 * time spent in commits (the rest runs the statements).
 * <p>
 * Run from the repository root after {@code mvn -o install -f bundles/pom.xml -pl dtm-store-derby -DskipTests}:
 * <pre>
 * mvn -q -o dependency:build-classpath -f bundles/dtm-store-derby/pom.xml -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt
 * java -cp bundles/dtm-store-derby/target/classes:bundles/dtm-store-derby/target/test-classes:$(cat /tmp/cp.txt) \
 *      net.dtm.store.derby.GroupCommitBench [--binds 4096] [--threads 1,8,64,256] [--rounds 3] [--modes off,on] [--dir PATH]
 * </pre>
 * The database lives in {@code --dir} (default {@code bundles/dtm-store-derby/target/group-commit-bench}
 * or {@code ./target/group-commit-bench}): put it on the disk you want to measure, not on tmpfs.
 */
public final class GroupCommitBench {

    private static final Instant EXPIRY = Instant.parse("2030-01-01T00:00:00Z");

    private GroupCommitBench() {
    }

    public static void main(String[] args) throws Exception {
        int binds = 4096;
        int[] threadCounts = {1, 8, 64, 256};
        int rounds = 1;
        List<Boolean> modes = List.of(false, true);
        Path dir = Files.isDirectory(Paths.get("bundles/dtm-store-derby"))
                ? Paths.get("bundles/dtm-store-derby/target/group-commit-bench") : Paths.get("target/group-commit-bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--binds" -> binds = Integer.parseInt(args[++i]);
                case "--threads" -> threadCounts = Arrays.stream(args[++i].split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
                case "--dir" -> dir = Paths.get(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--modes" -> modes = Arrays.stream(args[++i].split(",")).map(s -> s.trim().equals("on")).toList();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; expected --binds N, --threads 1,8,64,256, --rounds R, --modes off,on, --dir PATH");
            }
        }
        if (System.getProperty("derby.system.durability") != null) {
            System.err.println("warning: derby.system.durability=" + System.getProperty("derby.system.durability")
                    + " is set: commits are not synced and the figures say nothing about durable throughput");
        }
        dir = dir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        if (System.getProperty("derby.stream.error.file") == null) {
            System.setProperty("derby.stream.error.file", dir.resolve("derby.log").toString());
        }
        String durability = System.getProperty("derby.system.durability") == null ? "durable commits (derby default)"
                : "derby.system.durability=" + System.getProperty("derby.system.durability") + ", NOT durable";
        System.out.printf(Locale.ROOT, "tryBind of %d distinct devices, %s, database under %s (%s), %d round(s), %d cpus%n",
                binds, durability, dir, Files.getFileStore(dir).type(), rounds, Runtime.getRuntime().availableProcessors());
        String header = String.format(Locale.ROOT, "%-5s %-12s %7s %10s %10s %10s %10s %9s %10s %13s",
                "round", "group commit", "threads", "binds/s", "mean ms", "p50 ms", "p99 ms", "commits", "mean batch",
                "writer commit");
        System.out.println(header);
        // Warm up the JIT and the file system once, not measured.
        run(dir.resolve("warmup"), true, 8, Math.min(binds, 2000));
        run(dir.resolve("warmup"), false, 8, Math.min(binds, 500));
        java.util.Map<String, List<Result>> all = new java.util.LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (int threads : threadCounts) {
                for (boolean group : modes) {
                    Result r = run(dir.resolve("db-" + (group ? "on" : "off") + "-" + threads), group, threads, binds);
                    all.computeIfAbsent((group ? "on" : "off") + " " + threads, k -> new ArrayList<>()).add(r);
                    System.out.println(line(Integer.toString(round), group, threads, r, binds));
                }
            }
        }
        if (rounds > 1) {
            System.out.println();
            System.out.println("median of " + rounds + " rounds (each column on its own)");
            System.out.println(header);
            for (var e : all.entrySet()) {
                String[] key = e.getKey().split(" ");
                List<Result> rs = e.getValue();
                Result median = new Result(median(rs, Result::perSecond), median(rs, Result::meanMs), median(rs, Result::p50Ms),
                        median(rs, Result::p99Ms), (long) median(rs, r -> r.commits), median(rs, Result::commitShare));
                System.out.println(line("med", key[0].equals("on"), Integer.parseInt(key[1]), median, binds));
            }
        }
    }

    private static String line(String round, boolean group, int threads, Result r, int binds) {
        return String.format(Locale.ROOT, "%-5s %-12s %7d %10.0f %10.2f %10.2f %10.2f %9s %10s %13s", round,
                group ? "on" : "off", threads, r.perSecond, r.meanMs, r.p50Ms, r.p99Ms,
                group ? Long.toString(r.commits) : "-", group ? String.format(Locale.ROOT, "%.1f", (double) binds / r.commits) : "-",
                group ? String.format(Locale.ROOT, "%.0f %%", 100 * r.commitShare) : "-");
    }

    private static double median(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private record Result(double perSecond, double meanMs, double p50Ms, double p99Ms, long commits, double commitShare) {
    }

    private static Result run(Path db, boolean groupCommit, int threads, int binds) throws Exception {
        deleteRecursively(db);
        long[] latencies = new long[binds];
        long elapsed;
        long commits;
        double commitShare = Double.NaN;
        try (DerbyStore store = new DerbyStore(db, groupCommit)) {
            Pool pool = Pool.of("bench", "10.0.0.0/8", 3600);
            store.createPool(pool);
            long commitsBefore = groupCommit ? store.writer().batches() : 0;
            long runBefore = groupCommit ? store.writer().runNanos() : 0;
            long commitBefore = groupCommit ? store.writer().commitNanos() : 0;
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                int first = t;
                Thread w = new Thread(() -> {
                    ready.countDown();
                    try {
                        go.await();
                        for (int i = first; i < binds; i += threads) {
                            Lease offer = new Lease("bench", DeviceId.of("dev-" + i), pool.addressAt(2 + i), LeaseState.LOCKED, 1,
                                    EXPIRY, "bench");
                            long start = System.nanoTime();
                            BindResult r = store.tryBind(offer);
                            latencies[i] = System.nanoTime() - start;
                            if (r.outcome() != BindResult.Outcome.BOUND) {
                                throw new IllegalStateException("bind " + i + " was " + r.outcome());
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }, "bench-" + t);
                workers.add(w);
                w.start();
            }
            ready.await();
            long start = System.nanoTime();
            go.countDown();
            for (Thread w : workers) {
                w.join();
            }
            elapsed = System.nanoTime() - start;
            if (!errors.isEmpty()) {
                throw new IllegalStateException("benchmark failed: " + errors.get(0), errors.get(0));
            }
            commits = groupCommit ? store.writer().batches() - commitsBefore : binds;
            if (groupCommit) {
                long run = store.writer().runNanos() - runBefore;
                long commit = store.writer().commitNanos() - commitBefore;
                commitShare = (double) commit / (run + commit);
            }
            if (store.leases("bench", null, 1).isEmpty() || store.countLeases("bench", EXPIRY.minusSeconds(1),
                    EXPIRY.minusSeconds(2)).locked() != binds) {
                throw new IllegalStateException("not every bind was stored");
            }
        }
        deleteRecursively(db);
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(latencies).average().orElse(0) / 1e6;
        return new Result(binds / (elapsed / 1e9), mean, sorted[(int) (0.50 * (binds - 1))] / 1e6,
                sorted[(int) Math.ceil(0.99 * (binds - 1))] / 1e6, commits, commitShare);
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> files = Files.walk(p)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        }
    }
}
