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
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import net.dtm.api.DeviceId;
import net.dtm.benchmark.CsvTable;
import net.dtm.benchmark.Progress;
import net.dtm.testkit.lease.DeviceKeys;
import net.dtm.testkit.lease.LeaseClient;
import net.dtm.testkit.lease.LeaseNode;
import net.dtm.testkit.lease.ThreadCpu;

/**
 * New leases per second on one durable standalone node: the DTM side of the comparison with ISC
 * Kea DHCPv4 ({@code benchmarks/run-kea-compare.sh}, {@code benchmarks/KEA.md}).
 * <p>
 * The node ({@link LeaseNode}: Derby with its default, durable log sync; pool manager; device
 * registry; request handler; MINA UDP endpoint) runs as its own JVM process by default
 * ({@code --in-process} puts it in this JVM). Before anything is timed it creates a pool
 * ({@code --prefix}, 10.0.0.0/8) and enrolls {@code --devices} devices in one JDBC transaction.
 * Then, for each {@code --concurrency} value, a {@link LeaseClient} establishes never-seen devices
 * (ESTABLISH, PARAMS, CONFIRM, ACK each) for {@code --seconds}; a confirmed device is one new durable
 * lease. An untimed warm-up first (its devices not reused) lets the JIT compile the node's hot
 * path: at the highest concurrency, in {@value #WARMUP_SLICE}-second slices, for at least
 * {@value #WARMUP_MIN} s and at most {@code --warmup} seconds, ending once a slice completes within
 * 5 % of the slice before (on two cores the node's C2 compiler was busy for 40 s of full load; a
 * JVM server is measured warm, as it runs for days). Printed per trial: leases confirmed, leases/s, latency p50/p99, the
 * node's CPU (from /proc for a separate process) and where it went by thread group. The last line,
 * {@code RESULT ...}, is the best trial in key=value form for scripts. Progress lines go to standard
 * error; the trials are written to {@code --csv} (default {@code new-lease.csv} in {@code --dir}).
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

    record Options(int seconds, int warmup, int timeoutMs, List<Integer> concurrency, int sources, int receivers, int devices,
                   int workers, int queue, int sourceLimit, String prefix, boolean inProcess, String nodeLog,
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
                        + "node %s, %d worker threads, queue %d, per-source limit %d, pool %s, %d devices enrolled, "
                        + "%d cores, node log level %s, node JVM options %s%n",
                o.seconds(), o.timeoutMs(), o.concurrency(), o.sources(), o.inProcess() ? "in this JVM" : "in its own JVM",
                o.workers(), o.queue(), o.sourceLimit(), o.prefix(), o.devices(), cores, o.nodeLog(), o.nodeJvm());

        Node started;
        try (Progress progress = Progress.ofStep("starting the node and enrolling " + o.devices() + " devices")) {
            started = o.inProcess() ? new InProcessNode(o) : new ProcessNode(o);
        }
        CsvTable csv = new CsvTable("concurrency", "confirmed", "leases_per_s", "refused", "timed_out", "p50_ms", "p99_ms",
                "node_cpu_percent", "client_cpu_percent", "seconds");
        try (Node node = started) {
            InetSocketAddress server = node.address();
            List<DeviceId> all = DeviceKeys.ids("dev", o.devices());
            long t0 = System.nanoTime();
            Map<DeviceId, byte[]> keys;
            try (Progress progress = Progress.ofStep("client: deriving " + all.size() + " device keys")) {
                keys = DeviceKeys.keys(SEED, all);
            }
            System.out.printf(Locale.ROOT, "client: %d keys derived in %.1f s%n", keys.size(), (System.nanoTime() - t0) / 1e9);
            Iterator<DeviceId> devices = all.iterator();

            warmUp(server, keys, o, devices);
            System.out.printf("%-11s %9s %10s %8s %9s %9s %9s %11s %11s %24s  %s%n", "concurrency", "confirmed", "leases/s",
                    "refused", "timedout", "p50 ms", "p99 ms", "node cpu %", "client cpu%", "commits x writes [sync]",
                    "node cpu by thread (ms)");
            Trial best = null;
            if (o.profile() != null) {
                node.profileStart();
            }
            for (int c : o.concurrency()) {
                long nodeCpu0 = node.cpuNanos();
                long clientCpu0 = processCpuNanos();
                Map<String, Long> threads0 = node.threadCpu();
                long batches0 = node.counter("store.batches");
                long writes0 = node.counter("store.writes");
                long commitNanos0 = node.counter("store.commitNanos");
                long wall0 = System.nanoTime();
                LeaseClient.Result r = run(server, keys, o, c, devices, o.seconds(), "trial, concurrency " + c);
                long wall = System.nanoTime() - wall0;
                double nodeCpu = 100.0 * (node.cpuNanos() - nodeCpu0) / wall;
                double clientCpu = o.inProcess() ? Double.NaN : 100.0 * (processCpuNanos() - clientCpu0) / wall;
                Map<String, Long> threads = ThreadCpu.deltaMillis(threads0, node.threadCpu());
                long batches = node.counter("store.batches") - batches0;
                long writes = node.counter("store.writes") - writes0;
                long commitNanos = node.counter("store.commitNanos") - commitNanos0;
                String commits = batches0 < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f/s x %.1f", batches / (wall / 1e9),
                        batches == 0 ? 0.0 : (double) writes / batches)
                        + (commitNanos0 < 0 || batches == 0 ? "" : String.format(Locale.ROOT, " %.1fms", commitNanos / 1e6 / batches));
                Trial t = new Trial(c, r, nodeCpu, clientCpu);
                System.out.printf(Locale.ROOT, "%-11d %9d %10.0f %8d %9d %9.2f %9.2f %11.0f %11.0f %24s  %s%n", c, r.confirmed(),
                        r.confirmedPerSecond(), r.refused(), r.timedOut(), r.latencyPercentileMicros(0.5) / 1000.0,
                        r.latencyPercentileMicros(0.99) / 1000.0, nodeCpu, clientCpu, commits, top(threads, 8));
                csv.row(c, r.confirmed(), r.confirmedPerSecond(), r.refused(), r.timedOut(),
                        r.latencyPercentileMicros(0.5) / 1000.0, r.latencyPercentileMicros(0.99) / 1000.0, nodeCpu, clientCpu,
                        r.elapsed().toNanos() / 1e9);
                if (!devices.hasNext()) {
                    System.out.println("WARNING: ran out of enrolled devices; raise --devices");
                }
                if (best == null || r.confirmedPerSecond() > best.result().confirmedPerSecond()) {
                    best = t;
                }
            }
            if (o.profile() != null) {
                node.profileStop(o.profile());
                System.out.println("node CPU profile (JFR, timed trials only): " + o.profile().toAbsolutePath());
            }
            System.out.println("node counters: " + node.counters());
            System.out.println("csv: " + csv.write(o.csv()).toAbsolutePath());
            LeaseClient.Result r = best.result();
            System.out.printf(Locale.ROOT, "RESULT system=dtm leases_per_s=%.0f confirmed=%d seconds=%.1f concurrency=%d "
                            + "p50_ms=%.2f p99_ms=%.2f node_cpu_pct=%.0f client_cpu_pct=%.0f workers=%d sources=%d "
                            + "refused=%d timed_out=%d node=%s%n",
                    r.confirmedPerSecond(), r.confirmed(), r.elapsed().toNanos() / 1e9, best.concurrency(),
                    r.latencyPercentileMicros(0.5) / 1000.0, r.latencyPercentileMicros(0.99) / 1000.0, best.nodeCpu(),
                    best.clientCpu(), o.workers(), o.sources(), r.refused(), r.timedOut(),
                    o.inProcess() ? "in-process" : "process");
        }
        System.exit(0);
    }

    record Trial(int concurrency, LeaseClient.Result result, double nodeCpu, double clientCpu) {
    }

    private static LeaseClient.Result run(InetSocketAddress server, Map<DeviceId, byte[]> keys, Options o,
                                          int concurrency, Iterator<DeviceId> devices, int seconds, String what)
            throws IOException {
        LeaseClient.Options options = LeaseClient.Options.DEFAULTS.withTimeout(Duration.ofMillis(o.timeoutMs()))
                .withLocalAddresses(LeaseClient.Options.loopbackAddresses(o.sources()))
                .withReceiverThreads(o.receivers());
        ConfirmedCount confirmed = new ConfirmedCount();
        try (LeaseClient client = new LeaseClient(server, keys, concurrency, confirmed, options);
             Progress progress = Progress.ofTime(what, seconds, "leases confirmed", confirmed::sum)) {
            return client.runFor(devices, Duration.ofSeconds(seconds));
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
        final LeaseNode node;

        InProcessNode(Options o) throws IOException {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", o.nodeLog());
            node = LeaseNode.start(nodeConfig(o, o.dir().resolve("db")));
            long t0 = System.nanoTime();
            String how = node.enroll(DeviceKeys.ids("dev", o.devices()), d -> DeviceKeys.key(SEED, d));
            System.out.printf(Locale.ROOT, "node: %d devices enrolled in %.1f s (%s)%n", o.devices(),
                    (System.nanoTime() - t0) / 1e9, how);
        }

        @Override
        public InetSocketAddress address() {
            return node.address();
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
            return node.counters().toString();
        }

        @Override
        public void close() {
            node.close();
        }
    }

    /** The node as a child JVM ({@link LeaseNode#main}); CPU read from /proc/&lt;pid&gt;/stat. */
    static final class ProcessNode implements Node {
        private static final long CLOCK_TICKS_PER_SECOND = 100;   // USER_HZ, 100 on Linux
        final Process process;
        final BufferedReader out;
        final PrintWriter in;
        final InetSocketAddress address;
        final long pid;

        ProcessNode(Options o) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(java, "-Xms" + o.nodeHeap(), "-Xmx" + o.nodeHeap()));
            cmd.addAll(o.nodeJvm());
            cmd.addAll(List.of(
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + o.nodeLog(),
                    "-Dorg.slf4j.simpleLogger.showDateTime=true",
                    "-Dderby.stream.error.file=" + o.dir().resolve("derby.log"),
                    "-cp", System.getProperty("java.class.path"), LeaseNode.class.getName(),
                    o.dir().resolve("db").toString(), "0", Integer.toString(o.devices()), Long.toString(SEED), o.prefix(),
                    Integer.toString(o.workers()), Integer.toString(o.queue()), Integer.toString(o.sourceLimit())));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(o.dir().resolve("node.log").toFile());
            process = pb.start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII), true);
            String line;
            int port = -1;
            while ((line = out.readLine()) != null) {
                System.out.println("node: " + line);
                if (line.startsWith("READY ")) {
                    port = Integer.parseInt(line.replaceAll(".*port=(\\d+).*", "$1"));
                    break;
                }
            }
            if (port < 0) {
                process.destroyForcibly();
                throw new IOException("the node process ended before it was ready; see " + o.dir().resolve("node.log"));
            }
            pid = process.pid();
            address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        }

        @Override
        public InetSocketAddress address() {
            return address;
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

        private String ask(String command, String prefix) {
            in.println(command);
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(prefix)) {
                        return line.substring(prefix.length());
                    }
                }
            } catch (IOException e) {
                return "";
            }
            return "";
        }

        @Override
        public Map<String, Long> threadCpu() {
            String s = ask("threads", "THREADS ");
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
            return ask("counters", "COUNTERS ");
        }

        @Override
        public void profileStart() {
            ask("profile-start", "PROFILING");
        }

        @Override
        public void profileStop(Path file) {
            ask("profile-stop " + file.toAbsolutePath(), "PROFILED");
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

    /** The untimed warm-up: slices at the highest concurrency until the rate settles (see the class comment). */
    private static void warmUp(InetSocketAddress server, Map<DeviceId, byte[]> keys, Options o, Iterator<DeviceId> devices)
            throws IOException {
        int concurrency = o.concurrency().stream().mapToInt(Integer::intValue).max().orElseThrow();
        double previous = -1;
        for (int spent = 0; spent < o.warmup(); ) {
            int slice = Math.min(WARMUP_SLICE, o.warmup() - spent);
            LeaseClient.Result w = run(server, keys, o, concurrency, devices, slice, String.format(Locale.ROOT,
                    "warm-up, %d of at most %d s done", spent, o.warmup()));
            spent += slice;
            double rate = w.confirmedPerSecond();
            boolean settled = spent >= Math.min(WARMUP_MIN, o.warmup()) && previous > 0
                    && Math.abs(rate - previous) <= 0.05 * previous;
            System.out.printf(Locale.ROOT, "warm-up %d s of at most %d (concurrency %d, not counted)%s: %s%n", spent,
                    o.warmup(), concurrency, settled ? ", settled" : "", w);
            if (settled) {
                return;
            }
            previous = rate;
        }
    }

    // ------------------------------------------------------------------ options

    static String usage() {
        return String.join("\n",
                "usage: NewLeaseBenchmark [options]",
                "  --seconds N          length of each timed trial (30)",
                "  --warmup N           longest untimed warm-up first, seconds (" + WARMUP_MAX + "; 0 = none): " + WARMUP_SLICE
                        + " s slices at the highest",
                "                       concurrency, at least " + WARMUP_MIN + " s, until a slice is within 5 % of the one before",
                "  --concurrency A,B    devices in flight, one trial each; the best is the RESULT (64,256,1024)",
                "  --timeout-ms N       client retransmission timeout per request (1000; 4 sends before giving up)",
                "  --sources N          client source addresses 127.0.0.2.. (16): the server limits datagrams per source address",
                "  --receivers N        client receiver threads (1)",
                "  --devices N          devices enrolled before timing (default: 6000 per timed second, at least 200000); each trial uses fresh ones",
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
        int sources = 16;
        int receivers = 1;
        int devices = 0; // 0: enough for 6000 new leases per second of every trial
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
                case "--devices" -> devices = positive(a, v);
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
        if (devices == 0) {
            devices = Math.max(200_000, 6_000 * (warmup + seconds * concurrency.size()));
        }
        return new Options(seconds, warmup, timeoutMs, concurrency, sources, receivers, devices, workers, queue, sourceLimit,
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
