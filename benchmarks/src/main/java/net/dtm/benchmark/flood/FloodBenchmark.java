package net.dtm.benchmark.flood;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.pool.PoolManager;
import net.dtm.pool.PoolSettings;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Direction;
import net.dtm.benchmark.Progress;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Establish;
import net.dtm.server.internal.DeviceManager;
import net.dtm.server.node.ServerNode;
import net.dtm.store.derby.DerbyStore;

/**
 * Flood benchmark (issue 14, target 1) and soak (target 10): a standalone node as shipped
 * ({@link ServerNode}, embedded Derby in a temporary folder, the device store wrapped in a counter of
 * reads) on 127.0.0.1, real agents establishing over loopback UDP from 127.0.200.x, and a flood of
 * well-formed request headers from spoofed 127.x.y.z sources sent by a small raw-socket program
 * ({@code flood}, built from src/main/c/flood.c; root only; loopback only; bounded in time and count).
 * <p>
 * Flood phases: a baseline without flood, then random sources with random device ids, then
 * random sources with a fixed set of unknown device ids, then one source. Prints a line per phase
 * and {@code flood: sent=N heap_growth_mb=H p99_ratio=R unknown_store_reads=U}: heap after a full
 * GC at the end of the floods minus after the baseline; the highest establishment p99 of a flood
 * phase over the baseline's; the device store reads during the unknown-id phase.
 * <p>
 * Soak ({@code --soak}): agents holding leases of a 60 s pool (renewing), a few re-establishing,
 * and garbage, for {@code --soak-seconds}; every {@code --sample-seconds} a line with the heap after
 * GC, answers cached, source state, replay windows and device cache; then whether memory stayed flat.
 */
public final class FloodBenchmark {

    static final String USAGE = """
            usage: FloodBenchmark --flood <flood binary> [options]
              --phase-seconds S   length of each flood phase and of the baseline (default 60)
              --rate R            flood datagrams per second (default 30000)
              --agents N          agents establishing during the phases (default 20)
              --unknown-ids K     unknown device ids of the second phase (default 1000)
              --soak              run the soak instead of the flood phases
              --soak-seconds S    soak length (default 600)
              --sample-seconds S  soak sampling period (default 30)
              --soak-rate R       garbage per second during the soak (default 2000)
              --soak-agents N     agents holding leases during the soak (default 200)
            """;

    private static final String POOL = "flood";
    private static final double MB = 1024.0 * 1024.0;
    /** The flood benchmark's unmeasured warm-up (JIT, Derby), seconds. */
    private static final int WARMUP_SECONDS = 15;

    record Options(String flood, double phaseSeconds, int rate, int agents, int unknownIds, boolean soak,
                   double soakSeconds, double sampleSeconds, int soakRate, int soakAgents) {
        static Options parse(String[] args) {
            Map<String, String> m = new TreeMap<>();
            boolean soak = false;
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--soak")) {
                    soak = true;
                } else if (args[i].startsWith("--") && i + 1 < args.length) {
                    m.put(args[i].substring(2), args[++i]);
                } else {
                    throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            Options o = new Options(m.remove("flood"), d(m, "phase-seconds", 60), (int) d(m, "rate", 30000),
                    (int) d(m, "agents", 20), (int) d(m, "unknown-ids", 1000), soak, d(m, "soak-seconds", 600),
                    d(m, "sample-seconds", 30), (int) d(m, "soak-rate", 2000), (int) d(m, "soak-agents", 200));
            if (!m.isEmpty()) {
                throw new IllegalArgumentException("unknown options " + m.keySet());
            }
            if (o.flood() == null || o.phaseSeconds() <= 0 || o.rate() <= 0 || o.agents() < 1 || o.soakSeconds() <= 0
                    || o.phaseSeconds() > 3600 || o.soakSeconds() > 3600 || o.agents() > 250 || o.soakAgents() > 250 * 200) {
                throw new IllegalArgumentException("missing --flood, or an option out of range");
            }
            return o;
        }

        private static double d(Map<String, String> m, String key, double otherwise) {
            String v = m.remove(key);
            return v == null ? otherwise : Double.parseDouble(v);
        }
    }

    private final Options o;
    private final Path dir;
    private final Path template;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);
    private DerbyStore store;
    private CountingDeviceStore counted;
    private DeviceManager devices;
    private ServerNode node;

    private FloodBenchmark(Options o) throws IOException {
        this.o = o;
        this.dir = Files.createTempDirectory("dtm-flood-");
        this.template = dir.resolve("template.bin");
        Files.write(template, template());
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        FloodBenchmark b = new FloodBenchmark(o);
        try {
            if (o.soak()) {
                b.soak();
            } else {
                b.flood();
            }
        } finally {
            b.close();
        }
        System.exit(0);
    }

    /** A well-formed ESTABLISH of device "fl" + 14 hex digits (the flood program rewrites the id), sealed with a random key. */
    private static byte[] template() {
        byte[] key = new byte[Codec.KEY_LENGTH];
        new SecureRandom().nextBytes(key);
        return Codec.encode(new Envelope(Direction.TO_SERVER, DeviceId.of("fl00000000000000"), 1, 1,
                new Establish(TunnelType.VXLAN, "", List.of(), Optional.empty())), key);
    }

    private List<DeviceCredential> start(int agents, int leaseSeconds) throws IOException {
        store = new DerbyStore(dir.resolve("db"));
        counted = new CountingDeviceStore(store);
        PoolManager pools = new PoolManager(store, "flood", Clock.systemUTC(), PoolSettings.DEFAULTS, null);
        pools.createPool(Pool.of(POOL, "10.96.0.0/12", leaseSeconds));
        devices = new DeviceManager(counted.store);
        List<DeviceCredential> enrolled = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            enrolled.add(devices.enroll(DeviceId.of(String.format(Locale.ROOT, "agent-%05d", i))));
        }
        devices.preload();   // as the Karaf component does at start
        node = ServerNode.start(ServerNode.Config.defaults().toBuilder().nodeId("flood")
                .bind(new InetSocketAddress("127.0.0.1", 0)).defaultPool(POOL).build(), pools, devices, null);
        return enrolled;
    }

    /** Agent {@code i}'s loopback address: 127.0.200.1 onwards (the flood never uses 127.0.x.y). */
    private static String agentAddress(int i) {
        return "127.0." + (200 + i / 250) + "." + (1 + i % 250);
    }

    private void flood() throws Exception {
        List<DeviceCredential> enrolled = start(o.agents(), 3600);
        List<AgentLoop> agents = new ArrayList<>();
        AtomicReference<AgentLoop.Sample> sink = new AtomicReference<>(new AgentLoop.Sample());
        System.out.printf(Locale.ROOT, "flood benchmark: node %s, %d agents, %.0f s per phase, %d datagrams/s, %d cores%n",
                node.localAddress(), o.agents(), o.phaseSeconds(), o.rate(), Runtime.getRuntime().availableProcessors());
        try {
            for (int i = 0; i < enrolled.size(); i++) {
                AgentLoop a = new AgentLoop(enrolled.get(i), agentAddress(i), node.localAddress(), scheduler);
                agents.add(a);
                a.loop(sink, 200);
            }
            try (Progress p = phase("warm-up (JIT, Derby), not measured", 0, WARMUP_SECONDS, sink.get())) {
                Thread.sleep(WARMUP_SECONDS * 1000L);
            }
            AgentLoop.Sample baseline = new AgentLoop.Sample();
            sink.set(baseline);
            try (Progress p = phase("baseline, no flood", 1, o.phaseSeconds(), baseline)) {
                Thread.sleep((long) (o.phaseSeconds() * 1000));
            }
            double heap0 = heapAfterGc();
            System.out.printf(Locale.ROOT, "phase baseline: establishments=%d failed=%d p99_ms=%.1f heap_mb=%.1f sources=%d%n",
                    baseline.millis.size(), baseline.failed.get(), baseline.p99(), heap0, Gauges.sources(node));
            long sentAll = 0;
            double heapMax = heap0;
            double worstRatio = 0;
            long unknownReads = 0;
            Map<String, Double> p99s = new TreeMap<>();
            int index = 1;
            for (String mode : new String[] {"random", "ids", "one"}) {
                AgentLoop.Sample during = new AgentLoop.Sample();
                sink.set(during);
                Map<String, Long> before = node.counters();
                long finds = counted.finds.sum();
                long sent;
                try (Progress p = phase("flood " + mode, ++index, o.phaseSeconds(), during)) {
                    sent = runFlood(mode, o.rate(), o.phaseSeconds());
                }
                long reads = counted.finds.sum() - finds;
                double heap = heapAfterGc();
                sentAll += sent;
                heapMax = Math.max(heapMax, heap);
                p99s.put(mode, during.p99());
                if (mode.equals("ids")) {
                    unknownReads = reads;
                }
                System.out.printf(Locale.ROOT, "phase %s: sent=%d establishments=%d failed=%d p99_ms=%.1f "
                                + "heap_mb=%.1f store_reads=%d%s sources=%d answers=%d windows=%d devices=%d%n  drops %s%n",
                        mode, sent, during.millis.size(), during.failed.get(), during.p99(), heap, reads,
                        mode.equals("ids") ? String.format(Locale.ROOT, " (%d ids, %.2f per id per minute)", o.unknownIds(),
                                reads / (double) o.unknownIds() / (o.phaseSeconds() / 60)) : "",
                        Gauges.sources(node), Gauges.answers(node), Gauges.replayWindows(node), Gauges.devices(devices),
                        delta(before, node.counters()));
            }
            // a closing baseline: the p99 without flood is over both, so a noisy minute on a shared
            // machine weighs less
            AgentLoop.Sample closing = new AgentLoop.Sample();
            sink.set(closing);
            try (Progress p = phase("closing baseline, no flood", 5, o.phaseSeconds(), closing)) {
                Thread.sleep((long) (o.phaseSeconds() * 1000));
            }
            AgentLoop.Sample quiet = new AgentLoop.Sample();
            quiet.millis.addAll(baseline.millis);
            quiet.millis.addAll(closing.millis);
            System.out.printf(Locale.ROOT, "phase closing baseline: establishments=%d failed=%d p99_ms=%.1f; both baselines "
                    + "p99_ms=%.1f%n", closing.millis.size(), closing.failed.get(), closing.p99(), quiet.p99());
            StringBuilder ratios = new StringBuilder();
            for (Map.Entry<String, Double> e : p99s.entrySet()) {
                worstRatio = Math.max(worstRatio, e.getValue() / quiet.p99());
                ratios.append(String.format(Locale.ROOT, " %s=%.2f", e.getKey(), e.getValue() / quiet.p99()));
            }
            System.out.println("p99 ratios:" + ratios);
            System.out.printf(Locale.ROOT, "flood: sent=%d heap_growth_mb=%.1f p99_ratio=%.2f unknown_store_reads=%d%n",
                    sentAll, heapMax - heap0, worstRatio, unknownReads);
        } finally {
            agents.forEach(AgentLoop::close);
        }
    }

    /**
     * Announces phase {@code index} (0 = the warm-up, then 5 phases of {@code --phase-seconds}) with
     * the time left in the whole run, and returns its progress lines: the agents' establishments so far.
     */
    private Progress phase(String name, int index, double seconds, AgentLoop.Sample sample) {
        double left = (index == 0 ? WARMUP_SECONDS : 0) + (index == 0 ? 5 : 6 - index) * o.phaseSeconds();
        System.err.printf(Locale.ROOT, "%s: %s, %.0f s; about %s left in the run%n",
                index == 0 ? "flood warm-up" : "flood phase " + index + " of 5", name, seconds, Progress.duration(left));
        return Progress.ofTime("phase " + name, seconds, "agent establishments", sample.millis::size);
    }

    private void soak() throws Exception {
        int holders = o.soakAgents();
        int loopers = Math.max(1, Math.min(10, holders / 20));
        List<DeviceCredential> enrolled = start(holders + loopers, 60);
        List<AgentLoop> agents = new ArrayList<>();
        AtomicReference<AgentLoop.Sample> sink = new AtomicReference<>(new AgentLoop.Sample());
        System.out.printf(Locale.ROOT, "soak: node %s, %d agents holding 60 s leases (renewing), %d re-establishing, "
                        + "garbage %d/s, %.0f s, a line every %.0f s%n", node.localAddress(), holders, loopers, o.soakRate(),
                o.soakSeconds(), o.sampleSeconds());
        Process garbage = null;
        try {
            int failedHolds = 0;
            for (int i = 0; i < holders + loopers; i++) {
                AgentLoop a = new AgentLoop(enrolled.get(i), agentAddress(i), node.localAddress(), scheduler);
                agents.add(a);
                if (i < holders) {
                    failedHolds += a.hold() < 0 ? 1 : 0;
                } else {
                    a.loop(sink, 1000);
                }
            }
            garbage = floodProcess("random", o.soakRate(), o.soakSeconds() + 5).start();
            long started = System.nanoTime();
            List<Double> heaps = new ArrayList<>();
            Map<String, Long> last = node.counters();
            System.out.printf(Locale.ROOT, "soak: %d holders established (%d failed)%n", holders - failedHolds, failedHolds);
            Progress progress = Progress.ofTime("soak", o.soakSeconds(), "datagrams received by the node",
                    () -> node.counters().getOrDefault("received", 0L));
            try {
                soakSamples(started, heaps, last, sink);
            } finally {
                progress.close();
            }
            // flat: the later half's heap after GC stays within 16 MB of the earlier half's
            int half = heaps.size() / 2;
            double first = heaps.subList(0, Math.max(1, half)).stream().mapToDouble(Double::doubleValue).max().orElse(0);
            double second = heaps.subList(half, heaps.size()).stream().mapToDouble(Double::doubleValue).max().orElse(0);
            System.out.printf(Locale.ROOT, "soak: memory %s (heap after GC, max of first half %.1f MB, of second half %.1f MB)%n",
                    second - first <= 16 ? "flat" : "GREW", first, second);
        } finally {
            if (garbage != null) {
                garbage.destroy();
                garbage.waitFor();
            }
            agents.forEach(AgentLoop::close);
        }
    }

    /** The soak's line every --sample-seconds until --soak-seconds have passed since {@code started}. */
    private void soakSamples(long started, List<Double> heaps, Map<String, Long> last,
                             AtomicReference<AgentLoop.Sample> sink) throws InterruptedException {
        while ((System.nanoTime() - started) / 1e9 < o.soakSeconds()) {
            Thread.sleep((long) (o.sampleSeconds() * 1000));
            double heap = heapAfterGc();
            heaps.add(heap);
            Map<String, Long> now = node.counters();
            AgentLoop.Sample s = sink.getAndSet(new AgentLoop.Sample());
            System.out.printf(Locale.ROOT, "soak t=%.0fs heap_mb=%.1f answers=%d sources=%d windows=%d devices=%d "
                            + "renewals=%d establishments=%d (p99 %.1f ms, failed %d) garbage_dropped=%d%n",
                    (System.nanoTime() - started) / 1e9, heap, Gauges.answers(node), Gauges.sources(node),
                    Gauges.replayWindows(node), Gauges.devices(devices),
                    diff(now, last, "answered.params") - s.millis.size(), s.millis.size(), s.p99(), s.failed.get(),
                    garbageDropped(now) - garbageDropped(last));
            last = now;
        }
    }

    private static long garbageDropped(Map<String, Long> c) {
        return c.entrySet().stream().filter(e -> e.getKey().startsWith("dropped.")).mapToLong(Map.Entry::getValue).sum();
    }

    private static long diff(Map<String, Long> now, Map<String, Long> before, String key) {
        return now.getOrDefault(key, 0L) - before.getOrDefault(key, 0L);
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach((k, v) -> {
            long x = v - before.getOrDefault(k, 0L);
            if (x != 0 && (k.startsWith("dropped.") || k.equals("received"))) {
                d.put(k, x);
            }
        });
        return d;
    }

    private ProcessBuilder floodProcess(String mode, int rate, double seconds) {
        long max = (long) Math.ceil(rate * seconds * 1.01);
        return new ProcessBuilder(o.flood(), template.toString(), String.valueOf(node.port()), String.valueOf(rate),
                String.format(Locale.ROOT, "%.1f", seconds), String.valueOf(max), mode, String.valueOf(o.unknownIds()))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
    }

    /** Runs the flood program to its end. @return datagrams it sent */
    private long runFlood(String mode, int rate, double seconds) throws IOException, InterruptedException {
        Process p = floodProcess(mode, rate, seconds).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (p.waitFor() != 0 || !out.startsWith("sent=")) {
            throw new IOException("flood program failed: " + out);
        }
        return Long.parseLong(out.substring(5, out.indexOf(' ')));
    }

    private static double heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / MB;
    }

    private void close() {
        if (node != null) {
            node.close();
        }
        if (store != null) {
            store.close();
        }
        scheduler.shutdownNow();
        try (var files = Files.walk(dir)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e.getMessage());
        }
    }
}
