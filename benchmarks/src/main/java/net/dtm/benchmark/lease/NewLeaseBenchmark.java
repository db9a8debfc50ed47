package net.dtm.benchmark.lease;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import net.dtm.api.DeviceId;
import net.dtm.benchmark.CsvTable;
import net.dtm.benchmark.Progress;
import net.dtm.benchmark.WarmUp;
import net.dtm.testkit.lease.DeviceKeys;
import net.dtm.testkit.lease.LeaseClient;
import net.dtm.testkit.lease.LeaseNode;
import net.dtm.testkit.lease.ThreadCpu;

/**
 * New leases per second on one durable standalone node: the DTM side of the comparison with ISC
 * Kea DHCPv4 ({@code benchmarks/run-kea-compare.sh}, {@code benchmarks/KEA.md}).
 * <p>
 * The node ({@link BenchNode} over a {@link LeaseNode}: Derby with its default, durable log sync;
 * pool manager; device registry; request handler; MINA UDP endpoint) runs as its own JVM process by
 * default ({@code --in-process} puts it in this JVM) with a pool ({@code --prefix}, 10.0.0.0/8). Every
 * run of the load client ({@link LeaseClient}) establishes never-seen devices (ESTABLISH, PARAMS,
 * CONFIRM, ACK each); a confirmed device is one new durable lease. Before each run the node enrols
 * the devices it will use, as many as the best rate measured so far needs for the run's length twice
 * over ({@link DeviceBudget}); a timed trial that runs out of them anyway, or ends early for any other
 * reason, fails the benchmark (exit 3, a {@code FAILED} line) instead of being reported
 * ({@link TrialCheck}).
 * <p>
 * An untimed warm-up first lets the JIT compile the node's hot path, on a scratch database: at the
 * highest concurrency, in {@value #WARMUP_SLICE}-second slices, for at least {@value #WARMUP_MIN} s and
 * at most {@code --warmup} seconds, ending once a slice completes within
 * {@value WarmUp#TOLERANCE_PERCENT} % of the slice before ({@link WarmUp}; on two cores the node's C2
 * compiler was busy for 40 s of full load; a JVM server is measured warm, as it runs for days). Then
 * each {@code --concurrency} value gets a timed trial of {@code --seconds} on a fresh, empty database
 * in the same node JVM, as each Kea trial starts with an empty lease file.
 * {@code --fill N} adds the long-trial variant: a trial on an empty table, load until the table holds
 * N bindings, and a trial at that size ({@code FILL ...} line: both rates and their ratio).
 * <p>
 * Printed per trial: the bindings in the table before it, leases confirmed, leases/s, latency
 * p50/p99, the node's CPU (from /proc for a separate process) and where it went by thread group. The
 * last line, {@code RESULT ...}, is the best trial in key=value form for scripts. Progress lines go to
 * standard error; the trials are written to {@code --csv} (default {@code new-lease.csv} in {@code --dir}).
 */
public final class NewLeaseBenchmark {

    private static final long SEED = 20261125L;
    /** Length of one warm-up slice, seconds. */
    static final int WARMUP_SLICE = 10;
    /** Shortest warm-up, seconds (unless --warmup asks for less). */
    static final int WARMUP_MIN = 30;
    /** Default longest warm-up, seconds. */
    static final int WARMUP_MAX = 90;

    private NewLeaseBenchmark() {
    }

    record Options(int seconds, int warmup, int timeoutMs, List<Integer> concurrency, int sources, int receivers,
                   double firstGuess, int fill, int fillConcurrency, int workers, int queue, int sourceLimit, String prefix, boolean inProcess, String nodeLog,
                   String nodeHeap, List<String> nodeJvm, Path profile, Path dir, Path csv) {
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("NewLeaseBenchmark: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        Files.createDirectories(o.dir());
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "DTM new-lease benchmark: %d s per trial, client timeout %d ms, concurrency %s, %d source addresses, "
                        + "node %s, %d worker threads, queue %d, per-source limit %d, pool %s, devices enrolled per run from the "
                        + "measured rate (first guess %.0f/s, margin %.1f), each trial on an empty lease table%s, "
                        + "%d cores, node log level %s, node JVM options %s%n",
                o.seconds(), o.timeoutMs(), o.concurrency(), o.sources(), o.inProcess() ? "in this JVM" : "in its own JVM",
                o.workers(), o.queue(), o.sourceLimit(), o.prefix(), o.firstGuess(), DeviceBudget.MARGIN,
                o.fill() > 0 ? ", then a trial at " + o.fill() + " leases" : "", cores, o.nodeLog(), o.nodeJvm());

        Node started;
        try (Progress progress = Progress.ofStep("starting the node")) {
            started = o.inProcess() ? new InProcessNode(o) : new ProcessNode(o);
        }
        CsvTable csv = new CsvTable("phase", "concurrency", "leases_before", "confirmed", "leases_per_s", "refused", "timed_out", "p50_ms",
                "p99_ms", "node_cpu_percent", "client_cpu_percent", "seconds", "devices_enrolled");
        Runs runs = new Runs(o, new DeviceBudget(o.firstGuess()), new DeviceSupply(), csv);
        try (Node node = started) {
            warmUp(node, o, runs);
            Trial best = null;
            try {
                if (o.profile() != null) {
                    node.profileStart();
                }
                printHeader();
                for (int c : o.concurrency()) {
                    node.fresh();
                    Trial t = runs.timed(node, "trial", c, "trial, concurrency " + c);
                    if (best == null || t.result().confirmedPerSecond() > best.result().confirmedPerSecond()) {
                        best = t;
                    }
                }
                if (o.profile() != null) {
                    node.profileStop(o.profile());
                    System.out.println("node CPU profile (JFR, timed trials only): " + o.profile().toAbsolutePath());
                }
                if (o.fill() > 0) {
                    fill(node, o, runs, o.fillConcurrency() > 0 ? o.fillConcurrency() : best.concurrency());
                }
            } catch (CutShort e) {
                System.out.println("FAILED: " + e.getMessage());
                System.err.println("NewLeaseBenchmark FAILED: " + e.getMessage());
                System.out.println("csv (trials so far): " + csv.write(o.csv()).toAbsolutePath());
                System.exit(3);
            }
            System.out.println("node counters: " + node.counters());
            System.out.println("csv: " + csv.write(o.csv()).toAbsolutePath());
            LeaseClient.Result r = best.result();
            System.out.printf(Locale.ROOT, "RESULT system=dtm leases_per_s=%.0f confirmed=%d seconds=%.1f concurrency=%d "
                            + "p50_ms=%.2f p99_ms=%.2f node_cpu_pct=%.0f client_cpu_pct=%.0f workers=%d sources=%d "
                            + "refused=%d timed_out=%d devices=%d node=%s%n",
                    r.confirmedPerSecond(), r.confirmed(), r.elapsed().toNanos() / 1e9, best.concurrency(),
                    r.latencyPercentileMicros(0.5) / 1000.0, r.latencyPercentileMicros(0.99) / 1000.0, best.nodeCpu(),
                    best.clientCpu(), o.workers(), o.sources(), r.refused(), r.timedOut(), best.devices(),
                    o.inProcess() ? "in-process" : "process");
        }
        System.exit(0);
    }

    private static void printHeader() {
        System.out.printf("%-11s %9s %9s %10s %8s %9s %9s %9s %11s %11s %24s  %s%n", "concurrency", "table", "confirmed",
                "leases/s", "refused", "timedout", "p50 ms", "p99 ms", "node cpu %", "client cpu%", "commits x writes [sync]",
                "node cpu by thread (ms)");
    }

    /** A trial that did not run its full length ({@link TrialCheck}): the benchmark fails instead of reporting it. */
    static final class CutShort extends RuntimeException {
        CutShort(String message) {
            super(message);
        }
    }

    /**
     * The long-trial variant ({@code --fill N}): on an empty lease table a timed trial, then load
     * until the table holds {@code N} bindings (progress every 10 s), then a timed trial at that size.
     */
    private static void fill(Node node, Options o, Runs runs, int concurrency) throws IOException {
        node.fresh();
        System.out.printf(Locale.ROOT, "fill: concurrency %d; a %d s trial on an empty lease table, then filling it to %d "
                + "bindings, then a %d s trial at that size%n", concurrency, o.seconds(), o.fill(), o.seconds());
        printHeader();
        Trial empty = runs.timed(node, "fill-empty", concurrency, "fill: trial on an empty lease table, concurrency " + concurrency);
        long have = node.leases();
        StringBuilder windows = new StringBuilder();
        long t0 = System.nanoTime();
        // devices given up by the client leave no binding: top up (at most 3 passes) until the table holds N
        for (int pass = 1; have < o.fill() && pass <= 3; pass++) {
            long need = o.fill() - have;
            DeviceSupply.Batch batch = runs.supply.take(need);
            System.out.println("fill: " + node.enroll(batch));
            Map<DeviceId, byte[]> keys = DeviceKeys.keys(SEED, batch.ids());
            ConfirmedCount confirmed = new ConfirmedCount();
            LeaseClient.Result r;
            List<double[]> rates;
            try (LeaseClient client = new LeaseClient(node.address(), keys, concurrency, confirmed, runs.clientOptions());
                 Progress progress = Progress.ofCount(String.format(Locale.ROOT, "fill pass %d: %d to %d bindings", pass, have,
                         o.fill()), need, "leases", confirmed::sum)) {
                r = client.runFor(batch.iterator(), Duration.ofHours(24));
                rates = progress.rates(WARMUP_SLICE);
            }
            for (double[] w : rates) {
                windows.append(String.format(Locale.ROOT, " %.0f:%.0f", have + w[1], w[2]));
            }
            System.out.printf(Locale.ROOT, "fill pass %d: %s%n", pass, r);
            have = node.leases();
        }
        System.out.printf(Locale.ROOT, "fill: the table holds %d bindings after %.0f s of filling; rate per %d s window "
                + "(bindings, leases/s):%s%n", have, (System.nanoTime() - t0) / 1e9, WARMUP_SLICE, windows);
        long full = have;
        printHeader();
        Trial at = runs.timed(node, "fill-full", concurrency, "fill: trial at " + full + " bindings, concurrency " + concurrency);
        double ratio = at.result().confirmedPerSecond() / empty.result().confirmedPerSecond();
        System.out.printf(Locale.ROOT, "FILL concurrency=%d empty_leases=%d empty_leases_per_s=%.0f full_leases=%d "
                        + "full_leases_per_s=%.0f ratio=%.2f target=0.80 %s%n", concurrency, empty.tableBefore(),
                empty.result().confirmedPerSecond(), at.tableBefore(), at.result().confirmedPerSecond(), ratio,
                ratio >= 0.8 ? "met" : "MISSED");
    }

    record Trial(int concurrency, LeaseClient.Result result, double nodeCpu, double clientCpu, long devices, long tableBefore) {
    }

    /** The runs of one benchmark: devices sized by {@link DeviceBudget}, taken from one {@link DeviceSupply}. */
    static final class Runs {
        final Options o;
        final DeviceBudget budget;
        final DeviceSupply supply;
        final CsvTable csv;

        Runs(Options o, DeviceBudget budget, DeviceSupply supply, CsvTable csv) {
            this.o = o;
            this.budget = budget;
            this.supply = supply;
            this.csv = csv;
        }

        LeaseClient.Options clientOptions() {
            return LeaseClient.Options.DEFAULTS.withTimeout(Duration.ofMillis(o.timeoutMs()))
                    .withLocalAddresses(LeaseClient.Options.loopbackAddresses(o.sources()))
                    .withReceiverThreads(o.receivers());
        }

        /** Enrols a batch sized for {@code seconds} at {@code concurrency} and derives its keys. */
        DeviceSupply.Batch prepare(Node node, int seconds, int concurrency, String what) throws IOException {
            long n = budget.devicesFor(seconds, concurrency);
            System.out.println(what + ": " + budget.explain(seconds, concurrency));
            DeviceSupply.Batch batch = supply.take(n);
            try (Progress progress = Progress.ofStep(what + ": enrolling " + n + " devices")) {
                System.out.println(what + ": " + node.enroll(batch));
            }
            return batch;
        }

        /** One run of {@code seconds} on {@code batch}; the rate it measured feeds the budget. */
        LeaseClient.Result run(Node node, DeviceSupply.Batch batch, int concurrency, int seconds, String what) throws IOException {
            Map<DeviceId, byte[]> keys = DeviceKeys.keys(SEED, batch.ids());
            ConfirmedCount confirmed = new ConfirmedCount();
            LeaseClient.Result r;
            try (LeaseClient client = new LeaseClient(node.address(), keys, concurrency, confirmed, clientOptions());
                 Progress progress = Progress.ofTime(what, seconds, "leases confirmed", confirmed::sum)) {
                r = client.runFor(batch.iterator(), Duration.ofSeconds(seconds));
            }
            budget.observe(r.confirmedPerSecond());
            return r;
        }

        /**
         * A timed trial: enrols enough devices, runs {@code --seconds}, prints and records its row
         * ({@code phase}: {@code trial}, or {@code fill-empty} and {@code fill-full} for {@code --fill}).
         *
         * @throws CutShort if it did not run its full length
         */
        Trial timed(Node node, String phase, int concurrency, String what) throws IOException {
            DeviceSupply.Batch batch = prepare(node, o.seconds(), concurrency, what);
            double sizedFor = budget.expectedRate();
            long tableBefore = node.leases();
            long nodeCpu0 = node.cpuNanos();
            long clientCpu0 = processCpuNanos();
            Map<String, Long> threads0 = node.threadCpu();
            long batches0 = node.counter("store.batches");
            long writes0 = node.counter("store.writes");
            long commitNanos0 = node.counter("store.commitNanos");
            long wall0 = System.nanoTime();
            LeaseClient.Result r = run(node, batch, concurrency, o.seconds(), what);
            long wall = System.nanoTime() - wall0;
            double ranOutAfter = batch.ranOut() ? (batch.ranOutNanos() - wall0) / 1e9 : -1;
            TrialCheck.cutShort(what, o.seconds(), r.elapsed().toNanos() / 1e9, ranOutAfter, batch.size(), sizedFor)
                    .ifPresent(problem -> {
                        throw new CutShort(problem);
                    });
            double nodeCpu = 100.0 * (node.cpuNanos() - nodeCpu0) / wall;
            double clientCpu = o.inProcess() ? Double.NaN : 100.0 * (processCpuNanos() - clientCpu0) / wall;
            Map<String, Long> threads = ThreadCpu.deltaMillis(threads0, node.threadCpu());
            long batches = node.counter("store.batches") - batches0;
            long writes = node.counter("store.writes") - writes0;
            long commitNanos = node.counter("store.commitNanos") - commitNanos0;
            String commits = batches0 < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f/s x %.1f", batches / (wall / 1e9),
                    batches == 0 ? 0.0 : (double) writes / batches)
                    + (commitNanos0 < 0 || batches == 0 ? "" : String.format(Locale.ROOT, " %.1fms", commitNanos / 1e6 / batches));
            System.out.printf(Locale.ROOT, "%-11d %9d %9d %10.0f %8d %9d %9.2f %9.2f %11.0f %11.0f %24s  %s%n", concurrency,
                    tableBefore, r.confirmed(), r.confirmedPerSecond(), r.refused(), r.timedOut(),
                    r.latencyPercentileMicros(0.5) / 1000.0, r.latencyPercentileMicros(0.99) / 1000.0, nodeCpu, clientCpu,
                    commits, top(threads, 8));
            csv.row(phase, concurrency, tableBefore, r.confirmed(), r.confirmedPerSecond(), r.refused(), r.timedOut(),
                    r.latencyPercentileMicros(0.5) / 1000.0, r.latencyPercentileMicros(0.99) / 1000.0, nodeCpu, clientCpu,
                    r.elapsed().toNanos() / 1e9, batch.size());
            return new Trial(concurrency, r, nodeCpu, clientCpu, batch.size(), tableBefore);
        }
    }

    private static String top(Map<String, Long> ms, int n) {
        StringBuilder b = new StringBuilder();
        ms.entrySet().stream().sorted((a, c) -> Long.compare(c.getValue(), a.getValue())).limit(n)
                .forEach(e -> b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue()));
        return b.toString();
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    // ------------------------------------------------------------------ the node

    interface Node extends AutoCloseable {
        InetSocketAddress address();

        /** Enrols the batch's devices; returns how, for the log. */
        String enroll(DeviceSupply.Batch batch) throws IOException;

        /** Replaces the node's store by an empty one (the JVM, and what its JIT compiled, stay). */
        void fresh() throws IOException;

        /** Bindings in the benchmark pool. */
        long leases() throws IOException;

        long cpuNanos();

        Map<String, Long> threadCpu();

        String counters();

        /** One counter of {@link #counters()}, or -1. */
        default long counter(String name) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(name) + "=(\\d+)")
                    .matcher(counters());
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        }

        /** Starts a JFR CPU profile of the node (separate process only). */
        default void profileStart() {
        }

        /** Stops the profile and writes it to {@code file}. */
        default void profileStop(Path file) {
        }

        @Override
        void close();
    }

    private static LeaseNode.Config nodeConfig(Options o, Path db) {
        return LeaseNode.Config.defaults(db).withPool("bench", o.prefix())
                .withWorkers(o.workers(), o.queue(), o.sourceLimit());
    }

    /** The node in this JVM; its CPU is the whole process's (client included). */
    static final class InProcessNode implements Node {
        final BenchNode node;

        InProcessNode(Options o) throws IOException {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", o.nodeLog());
            node = new BenchNode(nodeConfig(o, o.dir()), o.dir(), SEED);
        }

        @Override
        public InetSocketAddress address() {
            return node.address();
        }

        @Override
        public String enroll(DeviceSupply.Batch batch) {
            return node.enroll(batch);
        }

        @Override
        public void fresh() throws IOException {
            node.fresh();
        }

        @Override
        public long leases() {
            return node.leases();
        }

        @Override
        public long cpuNanos() {
            return processCpuNanos();
        }

        @Override
        public Map<String, Long> threadCpu() {
            return ThreadCpu.snapshot();
        }

        @Override
        public String counters() {
            return node.node().counters().toString();
        }

        @Override
        public void close() {
            node.close();
        }
    }

    /** The node as a child JVM ({@link BenchNode#main}); CPU read from /proc/&lt;pid&gt;/stat. */
    static final class ProcessNode implements Node {
        private static final long CLOCK_TICKS_PER_SECOND = 100;   // USER_HZ, 100 on Linux
        final Process process;
        final BufferedReader out;
        final PrintWriter in;
        final Path log;
        InetSocketAddress address;
        final long pid;

        ProcessNode(Options o) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(java, "-Xms" + o.nodeHeap(), "-Xmx" + o.nodeHeap()));
            cmd.addAll(o.nodeJvm());
            cmd.addAll(List.of(
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + o.nodeLog(),
                    "-Dorg.slf4j.simpleLogger.showDateTime=true",
                    "-Dderby.stream.error.file=" + o.dir().resolve("derby.log"),
                    "-cp", System.getProperty("java.class.path"), BenchNode.class.getName(),
                    o.dir().toString(), Long.toString(SEED), o.prefix(),
                    Integer.toString(o.workers()), Integer.toString(o.queue()), Integer.toString(o.sourceLimit())));
            log = o.dir().resolve("node.log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
            process = pb.start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII), true);
            readReady();
            pid = process.pid();
        }

        private void readReady() throws IOException {
            String line = ask(null, "READY ");
            int port = Integer.parseInt(line.replaceAll(".*port=(\\d+).*", "$1"));
            address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        }

        @Override
        public InetSocketAddress address() {
            return address;
        }

        @Override
        public String enroll(DeviceSupply.Batch batch) throws IOException {
            return ask("enroll " + batch.first() + " " + batch.size(), "ENROLLED ");
        }

        @Override
        public void fresh() throws IOException {
            in.println("fresh");
            readReady();
        }

        @Override
        public long leases() throws IOException {
            return Long.parseLong(ask("leases", "LEASES ").trim());
        }

        @Override
        public long cpuNanos() {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // fields after "(comm) ": state is f[0], utime f[11], stime f[12]
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }

        /** Sends {@code command} (none if null) and returns the rest of the first line starting with {@code prefix}. */
        private String ask(String command, String prefix) throws IOException {
            if (command != null) {
                in.println(command);
            }
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length());
                }
                System.out.println("node: " + line);
            }
            process.destroyForcibly();
            throw new IOException("the node process ended" + (command == null ? "" : " (after '" + command + "')")
                    + "; see " + log);
        }

        private String askQuietly(String command, String prefix) {
            try {
                return ask(command, prefix);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public Map<String, Long> threadCpu() {
            String s = askQuietly("threads", "THREADS ");
            Map<String, Long> out = new java.util.HashMap<>();
            for (String kv : s.split(",")) {
                int eq = kv.lastIndexOf('=');
                if (eq > 0) {
                    out.put(kv.substring(0, eq).trim(), Long.parseLong(kv.substring(eq + 1).trim()));
                }
            }
            return out;
        }

        @Override
        public String counters() {
            return askQuietly("counters", "COUNTERS ");
        }

        @Override
        public void profileStart() {
            askQuietly("profile-start", "PROFILING");
        }

        @Override
        public void profileStop(Path file) {
            askQuietly("profile-stop " + file.toAbsolutePath(), "PROFILED");
        }

        @Override
        public void close() {
            in.close();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The untimed warm-up on a scratch store: slices at the highest concurrency until the rate settles
     * (see the class comment). Its rates size the trials' enrolment; a slice that runs out of devices
     * still measured its rate (over the time it ran), so the next is sized from it.
     */
    private static void warmUp(Node node, Options o, Runs runs) throws IOException {
        int concurrency = o.concurrency().stream().mapToInt(Integer::intValue).max().orElseThrow();
        WarmUp rule = new WarmUp(WARMUP_SLICE, WARMUP_MIN, o.warmup());
        double previous = -1;
        for (int spent = 0; !rule.over(spent); ) {
            int slice = rule.nextSlice(spent);
            String what = String.format(Locale.ROOT, "warm-up, %d of at most %d s done", spent, o.warmup());
            DeviceSupply.Batch batch = runs.prepare(node, slice, concurrency, what);
            LeaseClient.Result w = runs.run(node, batch, concurrency, slice, what);
            spent += slice;
            double rate = w.confirmedPerSecond();
            boolean settled = !batch.ranOut() && rule.settled(previous, rate, spent);
            System.out.printf(Locale.ROOT, "warm-up %d s of at most %d (concurrency %d, not counted)%s%s: %s%n", spent,
                    o.warmup(), concurrency, batch.ranOut() ? ", ran out of devices (the next slice is sized from this one)" : "",
                    settled ? ", settled" : "", w);
            if (settled) {
                return;
            }
            previous = batch.ranOut() ? -1 : rate;
        }
    }

    // ------------------------------------------------------------------ options

    static String usage() {
        return String.join("\n",
                "usage: NewLeaseBenchmark [options]",
                "  --seconds N          length of each timed trial (30)",
                "  --warmup N           longest untimed warm-up first, seconds (" + WARMUP_MAX + "; 0 = none): " + WARMUP_SLICE
                        + " s slices at the highest",
                "                       concurrency, at least " + WARMUP_MIN + " s, until a slice is within " + WarmUp.TOLERANCE_PERCENT
                        + " % of the one before",
                "  --concurrency A,B    devices in flight, one trial each; the best is the RESULT (64,256,1024)",
                "  --timeout-ms N       client retransmission timeout per request (1000; 4 sends before giving up)",
                "  --sources N          client source addresses 127.0.0.2.. (250, the most): the server limits the datagrams of",
                "                       devices it does not know yet per source address (source.rate, 200/s each), so with",
                "                       16 the node's new-lease rate was capped near 3,200/s (3,090/s measured; 5,376/s with",
                "                       250, same machine and code): a fleet's new routers come from many addresses",
                "  --receivers N        client receiver threads (1)",
                "  --first-guess N      new leases/s assumed before any run is measured (20000): sizes the first warm-up slice's",
                "                       enrolment. Every run enrols never-used devices: best rate so far x its seconds x "
                        + DeviceBudget.MARGIN + ";",
                "                       a timed trial that runs out of them anyway fails (exit 3), it is never reported",
                "  --fill N             after the trials, the long-trial variant: on an empty lease table a trial, then load",
                "                       until the table holds N bindings (e.g. 1000000), then a trial at that size (FILL line)",
                "  --fill-concurrency C devices in flight for --fill (the best trial's concurrency)",
                "  --workers N          node worker threads, worker.threads (64, the Karaf default)",
                "  --queue N            node queue capacity, queue.capacity (4096)",
                "  --source-limit N     node per-source limit, source.queue.limit (256)",
                "  --prefix CIDR        pool prefix (10.0.0.0/8)",
                "  --node-log LEVEL     node log level: info (as Karaf: one line per bound lease), warn, off (info)",
                "  --node-heap SIZE     node JVM heap (3g: a million enrolled devices' keys, 200,000 remembered leases and",
                "                       Derby's page cache; with 1g the live set reached 850 MB and GC took the CPU)",
                "  --node-jvm OPTION    one more JVM option for the node process (repeatable), e.g. for a profiler;",
                "                       -Dderby.system.durability=test turns off log syncs: a diagnosis, not a result",
                "  --profile FILE       record a JFR CPU profile of the node during the timed trials into FILE",
                "  --in-process         run the node in this JVM instead of its own process",
                "  --dir PATH           working directory for the database and logs (a new temp dir)",
                "  --csv FILE           where the trials go as CSV (new-lease.csv in --dir)");
    }

    static Options parse(String[] args) throws IOException {
        int seconds = 30;
        int warmup = WARMUP_MAX;
        int timeoutMs = 1000;
        List<Integer> concurrency = List.of(64, 256, 1024);
        int sources = 250;
        int receivers = 1;
        double firstGuess = 20_000;
        int fill = 0;
        int fillConcurrency = 0;
        int workers = 64;
        int queue = 4096;
        int sourceLimit = 256;
        String prefix = "10.0.0.0/8";
        boolean inProcess = false;
        String nodeLog = "info";
        String heap = "3g";
        Path dir = null;
        List<String> nodeJvm = new ArrayList<>();
        Path profile = null;
        Path csv = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--in-process")) {
                inProcess = true;
                continue;
            }
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println(usage());
                System.exit(0);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--seconds" -> seconds = positive(a, v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--timeout-ms" -> timeoutMs = positive(a, v);
                case "--concurrency" -> {
                    List<Integer> list = new ArrayList<>();
                    for (String s : v.split(",")) {
                        list.add(positive(a, s.trim()));
                    }
                    concurrency = list;
                }
                case "--sources" -> sources = positive(a, v);
                case "--receivers" -> receivers = positive(a, v);
                case "--devices" -> throw new IllegalArgumentException("--devices is gone: each run enrols devices sized "
                        + "from the measured rate (see --first-guess)");
                case "--first-guess" -> firstGuess = positive(a, v);
                case "--fill" -> fill = positive(a, v);
                case "--fill-concurrency" -> fillConcurrency = positive(a, v);
                case "--workers" -> workers = positive(a, v);
                case "--queue" -> queue = positive(a, v);
                case "--source-limit" -> sourceLimit = positive(a, v);
                case "--prefix" -> prefix = v;
                case "--node-log" -> nodeLog = v;
                case "--node-heap" -> heap = v;
                case "--dir" -> dir = Path.of(v);
                case "--node-jvm" -> nodeJvm.add(v);
                case "--profile" -> profile = Path.of(v);
                case "--csv" -> csv = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (dir == null) {
            dir = Files.createTempDirectory("dtm-newlease-");
        }
        return new Options(seconds, warmup, timeoutMs, concurrency, sources, receivers, firstGuess, fill, fillConcurrency, workers, queue, sourceLimit,
                prefix, inProcess, nodeLog, heap, nodeJvm, profile, dir, csv == null ? dir.resolve("new-lease.csv") : csv);
    }

    private static int positive(String option, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new IllegalArgumentException(option + " must be at least 1, got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, got '" + v + "'");
        }
    }
}
