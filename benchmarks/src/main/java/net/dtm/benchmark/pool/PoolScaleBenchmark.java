package net.dtm.benchmark.pool;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import net.dtm.api.AddressRange;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.benchmark.Progress;
import net.dtm.pool.PoolManager;
import net.dtm.pool.PoolSettings;
import net.dtm.store.derby.DerbyStore;

/**
 * Scale of the address pool on the embedded Derby store, durable (synced log) as in production:
 * <ol>
 * <li>allocation time in an empty pool of {@code --size} addresses (default 1,000,000: a /12 with
 * its top excluded so exactly that many are assignable);</li>
 * <li>fills the pool to 100 % through the pool manager from {@code --threads} threads (new
 * leases per second, durable, group-committed by the store), then frees a random
 * {@code 1 - --fill} share (default 1 %) straight in the store, so the free addresses are
 * scattered single holes rather than one range;</li>
 * <li>restarts: closes the store, opens it again and loads the pool (the time a node takes to
 * start with that many leases), and measures the heap the loaded pool state holds per lease;</li>
 * <li>allocation time at that fill, compared with the empty pool.</li>
 * </ol>
 * Allocation times are of sequential allocations from one thread, each a durable lock of a new
 * address. Prints figures and progress lines (standard error); writes {@code pool-scale.csv}
 * (allocation times per phase), {@code pool-scale-fill.csv} (the fill's rate over time),
 * {@code pool-scale-summary.csv} (every figure) and {@code pool-scale.png} into {@code --out}
 * (default {@code target}). {@code --size 100000} for a quick run.
 */
public final class PoolScaleBenchmark {

    private final Path out;
    private final PoolScaleReport report = new PoolScaleReport();

    private PoolScaleBenchmark(Path out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        int size = 1_000_000;
        double fill = 0.99;
        int threads = 64;
        int samples = 2_000;
        Path dir = null;
        Path out = Path.of("target");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--fill" -> fill = Double.parseDouble(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--samples" -> samples = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--help" -> {
                    System.out.println("PoolScaleBenchmark [--size N (1000000)] [--fill F (0.99)] [--threads T (64)]"
                            + " [--samples S (2000)] [--dir D (temp)] [--out DIR (target): CSV and PNG]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (try --help)");
            }
        }
        if (size < 10_000 || size > 4_000_000 || !(fill > 0 && fill < 1) || threads < 1 || samples < 100) {
            throw new IllegalArgumentException("need 10000 <= size <= 4000000, 0 < fill < 1, threads >= 1, samples >= 100");
        }
        Path work = dir != null ? dir : Files.createTempDirectory("dtm-pool-scale");
        try {
            new PoolScaleBenchmark(out).run(work.resolve("db"), size, fill, threads, samples);
        } finally {
            if (dir == null) {
                deleteTree(work);
            }
        }
    }

    private void run(Path db, int size, double fill, int threads, int samples) throws Exception {
        Pool pool = poolOf(size);
        System.out.printf(Locale.ROOT, "pool %s %s: %d assignable addresses (capacity %d, excluded %d), durable Derby at %s%n",
                pool.name(), pool.prefix(), pool.capacity() - pool.excludedCount(), pool.capacity(), pool.excludedCount(), db);
        PoolSettings settings = new PoolSettings(Duration.ofSeconds(30), 0.5, Duration.ZERO, new int[0]);

        DerbyStore store = new DerbyStore(db);
        PoolManager pm = new PoolManager(store, "bench", Clock.systemUTC(), settings, null);
        pm.createPool(pool);
        // Warm the JIT and Derby's statement cache up in a pool of its own, so "empty" is not "cold".
        Pool warm = Pool.of("warmup", "172.16.0.0/16", 3600);
        pm.createPool(warm);
        allocationTimes(pm, warm.name(), "warm-", samples, "warm-up allocations (not measured)");
        pm.deletePool(warm.name());

        double[] empty = allocationTimes(pm, pool.name(), "empty-", samples, "allocations in the empty pool");
        print("allocation, empty pool", empty);
        report.allocations("empty pool", 0, empty);

        long toFill = pool.capacity() - pool.excludedCount() - samples;
        long fillStart = System.nanoTime();
        long assignable = pool.capacity() - pool.excludedCount();
        fillPool(pm, pool.name(), toFill, threads, assignable - toFill, assignable);
        double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
        System.out.printf(Locale.ROOT, "filled %d new leases from %d threads in %.1f s: %.0f new leases/s (durable)%n",
                toFill, threads, fillSeconds, toFill / fillSeconds);
        report.figure("fill_leases_per_s", toFill / fillSeconds, "1/s");

        long holes = Math.round((pool.capacity() - pool.excludedCount()) * (1 - fill));
        freeRandomly(store, pool, holes);
        store.close();

        // ------------------------------------------------ restart with ~size leases
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long start = System.nanoTime();
        DerbyStore reopened;
        try (Progress progress = Progress.ofStep("restart: opening the store")) {
            reopened = new DerbyStore(db);
        }
        long opened = System.nanoTime();
        long afterOpen = usedHeapAfterGc(memory);
        long loadStart = System.nanoTime();
        PoolManager restarted = new PoolManager(reopened, "bench", Clock.systemUTC(), settings, null);
        try (Progress progress = Progress.ofStep("restart: loading the pool")) {
            restarted.loadAll();
        }
        long loaded = System.nanoTime();
        long after = usedHeapAfterGc(memory);
        long leases = reopened.countLeases(pool.name(), java.time.Instant.now(), java.time.Instant.now()).total();
        System.out.printf(Locale.ROOT, "restart with %d leases: %.0f ms to ready (store opened in %.0f ms, pool index loaded in %.0f ms)%n",
                leases, (opened - start + loaded - loadStart) / 1e6, (opened - start) / 1e6, (loaded - loadStart) / 1e6);
        report.figure("restart_leases", leases, "leases");
        report.figure("restart_ms", (opened - start + loaded - loadStart) / 1e6, "ms");
        report.figure("restart_store_open_ms", (opened - start) / 1e6, "ms");
        report.figure("restart_pool_load_ms", (loaded - loadStart) / 1e6, "ms");
        report.figure("heap_per_lease_bytes", Math.max(0, after - afterOpen) / (double) leases, "bytes");
        System.out.printf(Locale.ROOT, "heap per lease: pool manager state %.2f bytes (%d bytes after loading the pool, "
                + "free-address index of %d scattered holes; an upper bound: Derby's page cache fills during the scan)%n",
                Math.max(0, after - afterOpen) / (double) leases, Math.max(0, after - afterOpen), holes);

        double[] full = allocationTimes(restarted, pool.name(), "full-", (int) Math.min(samples, holes),
                "allocations in the full pool");
        double fillPercent = 100.0 * leases / (pool.capacity() - pool.excludedCount());
        print(String.format(Locale.ROOT, "allocation at %.1f %% fill", fillPercent), full);
        report.allocations(String.format(Locale.ROOT, "%.1f %% full", fillPercent), fillPercent, full);
        report.figure("ratio_full_empty_mean", mean(full) / mean(empty), "");
        report.figure("ratio_full_empty_p50", pct(full, 50) / pct(empty, 50), "");
        report.figure("ratio_full_empty_p99", pct(full, 99) / pct(empty, 99), "");
        System.out.printf(Locale.ROOT, "ratio full/empty: mean %.2f, p50 %.2f, p99 %.2f (target <= 2)%n",
                mean(full) / mean(empty), pct(full, 50) / pct(empty, 50), pct(full, 99) / pct(empty, 99));
        java.lang.ref.Reference.reachabilityFence(restarted); // the manager's state counted in the heap figure
        reopened.close();
        report.write(out, String.format(Locale.ROOT, "DTM address pool of %d addresses on durable Derby: allocation time"
                + " and fill rate (restart with %d leases: %.1f s)", assignable, leases, (opened - start + loaded - loadStart) / 1e9));
    }

    /** A pool with exactly {@code size} assignable addresses: the smallest prefix that holds them, its top excluded. */
    static Pool poolOf(int size) {
        int bits = 64 - Long.numberOfLeadingZeros(size + 2L);
        Pool p = Pool.of("scale", "10.0.0.0/" + (32 - bits), 3600);
        long surplus = p.capacity() - size;
        if (surplus > 0) {
            InetAddress first = p.addressAt(p.endHostOffset() - surplus);
            InetAddress last = p.addressAt(p.endHostOffset() - 1);
            p = p.withExcluded(List.of(new AddressRange(first, last)));
        }
        return p;
    }

    private static double[] allocationTimes(PoolManager pm, String pool, String prefix, int n, String what) {
        double[] micros = new double[n];
        AtomicLong done = new AtomicLong();
        try (Progress progress = Progress.ofCount(what, n, "allocations", done::get)) {
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                pm.allocate(pool, DeviceId.of(prefix + i));
                micros[i] = (System.nanoTime() - t0) / 1e3;
                done.incrementAndGet();
            }
        }
        return micros;
    }

    /** Fills {@code n} addresses of a pool holding {@code before} leases of {@code assignable}. */
    private void fillPool(PoolManager pm, String pool, long n, int threads, long before, long assignable) throws Exception {
        AtomicLong next = new AtomicLong();
        AtomicLong done = new AtomicLong();
        ExecutorService exec = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        Progress progress = Progress.ofCount("filling the pool", n, "new leases", done::get);
        for (int t = 0; t < threads; t++) {
            futures.add(exec.submit(() -> {
                for (long i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    pm.allocate(pool, DeviceId.of("fill-" + i));
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            exec.shutdownNow();
            progress.close();
        }
        report.fill(progress.rates(1), before, assignable, threads);
    }

    /** Deletes {@code n} random bindings straight in the store, as reclamation would. */
    private static void freeRandomly(DerbyStore store, Pool pool, long n) {
        Random random = new Random(42);
        AtomicLong freed = new AtomicLong();
        try (Progress progress = Progress.ofCount("freeing random addresses", n, "addresses", freed::get)) {
            while (freed.get() < n) {
                long offset = pool.firstHostOffset() + (long) (random.nextDouble() * pool.capacity());
                InetAddress a = pool.addressAt(offset);
                Lease l = store.findByAddress(pool.name(), a).orElse(null);
                if (l != null && store.remove(pool.name(), l.device(), l.sequence())) {
                    freed.incrementAndGet();
                }
            }
        }
        System.out.printf(Locale.ROOT, "freed %d random addresses (scattered holes)%n", n);
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static void print(String what, double[] micros) {
        System.out.printf(Locale.ROOT, "%-28s n=%d mean %.0f us, p50 %.0f us, p99 %.0f us, max %.0f us%n", what, micros.length,
                mean(micros), pct(micros, 50), pct(micros, 99), Arrays.stream(micros).max().orElse(0));
    }

    static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(0);
    }

    static double pct(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100 * s.length) - 1)];
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
