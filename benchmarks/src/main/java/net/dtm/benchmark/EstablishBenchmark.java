package net.dtm.benchmark;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import net.dtm.agent.AgentSettings;
import net.dtm.agent.TunnelAgent;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.benchmark.Matrix.Options;
import net.dtm.benchmark.Scenario.LinkProfile;
import net.dtm.benchmark.Scenario.LossModel;
import net.dtm.link.emulated.EmulatedLink;
import net.dtm.link.emulated.EmulatedLinkSettings;
import net.dtm.link.emulated.GilbertElliott;
import net.dtm.spi.link.LinkDriver;
import net.dtm.transport.MultiLinkTransport;
import net.dtm.transport.TransportSettings;

/**
 * Establishment-time benchmark. For each scenario (link set, number of servers, loss model and
 * rate), a number of agents, each a device with its own emulated links and long-lived transport,
 * establish one after another (start, then re-establish) against a standalone server stack in this
 * JVM (Derby, pool, one MINA UDP endpoint per server node). Time is what the agent measures: from
 * its first send to holding validated PARAMS, plus, when an attempt timed out and the agent tried
 * again, what the earlier attempts took (from the first ESTABLISH datagram on; the agent's own figure
 * starts at its last attempt). The first establishment of each agent (cold: no RTT measured yet) is
 * reported separately. Both loss models are the emulated link driver's own:
 * independent, or Gilbert–Elliott bursts of a given mean length.
 * Prints a table to stdout and progress to stderr, writes establish.csv and establish.png.
 * {@link Matrix#USAGE} lists the options.
 */
public final class EstablishBenchmark {

    /** How long one establishment may take before it counts as failed. */
    private static final long GIVE_UP_SECONDS = 30;

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            // the agents' INFO and WARN lines (every link opened, every timed-out attempt at 70 % loss)
            // would bury the progress lines; -Dorg.slf4j.simpleLogger.defaultLogLevel=warn shows them
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        Options o;
        try {
            o = Matrix.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(Matrix.USAGE);
            System.exit(2);
            return;
        }
        if (o.help()) {
            System.out.print(Matrix.USAGE);
            return;
        }
        PrintStream out = System.out;
        Path dir = Files.createTempDirectory("dtm-bench-");
        Path outDir = Path.of(o.outDir());
        Files.createDirectories(outDir);
        int total = o.scenarios().stream().mapToInt(x -> x.establishments() + x.coldAgents()).sum();
        out.printf(Locale.ROOT, "DTM establishment benchmark: %d scenarios, %d establishments, seed %d, bursty loss "
                + "mean burst %.1f datagrams, %d cores; times in ms%n", o.scenarios().size(), total, o.seed(),
                o.meanBurst(), Runtime.getRuntime().availableProcessors());
        out.println(Row.HEADER);
        List<Row> rows = new ArrayList<>();
        long started = System.nanoTime();
        int deviceBase = 0;
        try (ServerStack stack = new ServerStack(dir.resolve("db"), 3)) {
            if (o.warmup() > 0) {
                // JIT, Derby and MINA warm up on scenarios nobody measures, so the first one is not slower
                Scenario w = new Scenario(Matrix.LINK_SETS.get("5g+lte+leo"), 3, LossModel.INDEPENDENT, 30,
                        o.warmup(), 10);
                System.err.printf(Locale.ROOT, "warm-up (not measured): %s, %d establishments%n", w, w.establishments());
                run(w, stack, o.seed() + 1, o.meanBurst(), deviceBase);
                deviceBase += w.agents();
            }
            int i = 0;
            int measured = 0;
            long measuring = System.nanoTime();
            for (Scenario s : o.scenarios()) {
                i++;
                double spent = (System.nanoTime() - measuring) / 1e9;
                String left = measured == 0 ? "" : ", about " + Progress.duration(spent / measured * (total - measured))
                        + " left at the rate so far";
                System.err.printf(Locale.ROOT, "[%d/%d, %.0f s%s] %s: %d establishments by %d agents%s%n", i,
                        o.scenarios().size(), (System.nanoTime() - started) / 1e9, left, s, s.establishments(),
                        s.agents(), s.coldAgents() == 0 ? "" : ", then " + s.coldAgents() + " cold-only agents");
                Map<String, Long> dropsBefore = stack.drops();
                Row row = run(s, stack, o.seed(), o.meanBurst(), deviceBase, o.traceMs(), o.rehome());
                String drops = droppedSince(dropsBefore, stack.drops());
                if (!drops.isEmpty()) {
                    System.err.println("  the server left datagrams unanswered: " + drops);
                }
                deviceBase += s.agents() + s.coldAgents();
                measured += s.establishments() + s.coldAgents();
                rows.add(row);
                out.println(row.table());
            }
        }
        CsvTable csv = new CsvTable(Row.CSV_COLUMNS);
        rows.forEach(r -> csv.row(r.csv()));
        Path csvFile = csv.write(outDir.resolve("establish.csv"));
        Path png = outDir.resolve("establish.png");
        LatencyPlot.write(rows, "DTM establishment time against loss each way (warm establishments, seed " + o.seed()
                + ")", png);
        out.println("n and percentiles exclude each agent's first, cold establishment (cold = its mean); fail = no "
                + "PARAMS within " + GIVE_UP_SECONDS + " s, counted as not within 1 s; mean/rtt = mean over the "
                + "fastest link's RTT; dg/est = ESTABLISH datagrams the agent put on its links per (warm) establishment, "
                + "dg/lk/sv = the same per link and server; all/est = every datagram the agent sent, per establishment; "
                + "cold-dg = ESTABLISH datagrams of the cold establishment; cold-n = cold establishments (each agent's "
                + "first, and one per freshly started cold-only agent), cold-p99 their p99; cold-all = every datagram a "
                + "cold-only agent sent (ESTABLISH, then CONFIRM until its ACK)");
        out.println("csv: " + csvFile.toAbsolutePath());
        out.println("png: " + png.toAbsolutePath());
        System.err.printf(Locale.ROOT, "done in %.0f s%n", (System.nanoTime() - started) / 1e9);
    }

    static Row run(Scenario s, ServerStack stack, long seed, double meanBurst, int deviceBase) throws Exception {
        return run(s, stack, seed, meanBurst, deviceBase, -1, false);
    }

    /**
     * Runs one scenario: its agents establish in a row (the first cold, the rest warm), then its
     * cold-only agents each start, establish once, wait for the ACK of their CONFIRM and stop.
     *
     * @param traceMs establishments slower than this are printed datagram by datagram to stderr; negative for none
     * @param rehome  warm establishments by {@code rehome()} (ESTABLISH at once, keeping the lease) instead of
     *                {@code reestablish()} (RELEASE, its answer, then ESTABLISH)
     */
    static Row run(Scenario s, ServerStack stack, long seed, double meanBurst, int deviceBase, double traceMs,
                   boolean rehome) throws Exception {
        List<Double> warm = Collections.synchronizedList(new ArrayList<>());
        List<Double> cold = Collections.synchronizedList(new ArrayList<>());
        int perAgent = (s.establishments() + s.agents() - 1) / s.agents() + 1;
        int expected = perAgent * s.agents() + s.coldAgents();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger coldFailed = new AtomicInteger();
        ExecutorService drivers = Executors.newFixedThreadPool(s.agents());
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);
        List<Future<Integer>> failures = new ArrayList<>();
        List<CountingLink> allLinks = Collections.synchronizedList(new ArrayList<>());
        LongAdder coldEstablish = new LongAdder();
        LongAdder coldAll = new LongAdder();
        LongAdder coldOnlyAll = new LongAdder();
        Progress progress = Progress.ofCount("  " + s, expected, "establishments", finished::get);
        try {
            for (int a = 0; a < s.agents(); a++) {
                int agentNo = a;
                failures.add(drivers.submit(() -> {
                    // each agent tears its own fixture down, so agents waiting for unanswered
                    // RELEASEs at the end of a lossy scenario wait side by side, not one after another
                    List<AutoCloseable> closeables = new ArrayList<>();
                    try {
                        Fixture f = fixture(s, stack, seed, meanBurst, deviceBase + agentNo, scheduler, closeables,
                                traceMs >= 0);
                        allLinks.addAll(f.links());
                        int failed = 0;
                        for (int i = 0; i < perAgent; i++) {
                            f.attempts().reset();
                            if (i == 0) {
                                f.agent().start();
                            } else if (rehome) {
                                f.agent().rehome();
                            } else {
                                f.agent().reestablish();
                            }
                            Double ms = f.next(GIVE_UP_SECONDS, TimeUnit.SECONDS);
                            if (ms == null) {
                                failed++;
                            } else if (i == 0) {
                                cold.add(ms);
                            } else {
                                warm.add(ms);
                            }
                            trace(f, i == 0 ? "cold" : "warm", ms, traceMs);
                            if (i == 0) {
                                // what the cold establishment sent, without RTT estimates, is counted apart
                                f.links().forEach(l -> {
                                    coldEstablish.add(l.establishSent.sum());
                                    coldAll.add(l.allSent.sum());
                                });
                            }
                            finished.incrementAndGet();
                        }
                        if (System.getProperty("dtm.bench.debug") != null) {
                            System.err.println(f.device() + " " + f.transport().stats());
                        }
                        return failed;
                    } finally {
                        closeAll(closeables);
                    }
                }));
            }
            int failed = 0;
            for (Future<Integer> f : failures) {
                failed += f.get();
            }
            long establish = allLinks.stream().mapToLong(l -> l.establishSent.sum()).sum() - coldEstablish.sum();
            long all = allLinks.stream().mapToLong(l -> l.allSent.sum()).sum() - coldAll.sum();
            int warmAttempts = expected - s.coldAgents() - s.agents();
            List<Future<?>> coldRuns = new ArrayList<>();
            for (int c = 0; c < s.coldAgents(); c++) {
                int device = deviceBase + s.agents() + c;
                coldRuns.add(drivers.submit(() -> {
                    List<AutoCloseable> closeables = new ArrayList<>();
                    try {
                        Fixture f = fixture(s, stack, seed, meanBurst, device, scheduler, closeables, traceMs >= 0);
                        f.agent().start();
                        Double ms = f.next(GIVE_UP_SECONDS, TimeUnit.SECONDS);
                        if (ms == null) {
                            coldFailed.incrementAndGet();
                        } else {
                            cold.add(ms);
                            awaitConfirmed(f.agent());
                        }
                        trace(f, "cold-only", ms, traceMs);
                        f.links().forEach(l -> {
                            coldEstablish.add(l.establishSent.sum());
                            coldOnlyAll.add(l.allSent.sum());
                        });
                        finished.incrementAndGet();
                        return null;
                    } finally {
                        closeAll(closeables);
                    }
                }));
            }
            for (Future<?> f : coldRuns) {
                f.get();
            }
            int coldCount = s.agents() + s.coldAgents();
            return new Row(s, Stats.of(new ArrayList<>(warm), failed), Stats.of(new ArrayList<>(cold), coldFailed.get()),
                    establish / (double) warmAttempts, all / (double) warmAttempts,
                    coldEstablish.sum() / (double) coldCount,
                    s.coldAgents() == 0 ? Double.NaN : coldOnlyAll.sum() / (double) s.coldAgents());
        } finally {
            progress.close();
            drivers.shutdownNow();
            scheduler.shutdownNow();
        }
    }

    /** One agent of a scenario with its transport, counted links, and the queue of its establishment times. */
    private record Fixture(DeviceId device, TunnelAgent agent, MultiLinkTransport transport, List<CountingLink> links,
                           EstablishTimes times, EstablishTrace trace, AttemptClock attempts) {

        /**
         * The next establishment's time from its first ESTABLISH sent (the agent's own figure counts
         * its last attempt only), or null if none came within the time.
         */
        Double next(long timeout, TimeUnit unit) throws InterruptedException {
            Double ms = times.next(timeout, unit);
            return ms == null ? null : ms + attempts.earlierAttemptsMs();
        }
    }

    /** A freshly started device: enrolled if new, its own transport and emulated links; not started yet. */
    private static Fixture fixture(Scenario s, ServerStack stack, long seed, double meanBurst, int deviceNo,
                                   ScheduledExecutorService scheduler, List<AutoCloseable> closeables, boolean traced)
            throws Exception {
        DeviceId device = DeviceId.of(String.format(Locale.ROOT, "bench-%06d", deviceNo));
        DeviceCredential cred = stack.devices.device(device).orElseGet(() -> stack.devices.enroll(device));
        MultiLinkTransport transport = new MultiLinkTransport(TransportSettings.defaults(), scheduler);
        closeables.add(transport);
        EstablishTrace trace = traced ? new EstablishTrace() : null;
        AttemptClock attempts = new AttemptClock();
        int li = 0;
        List<CountingLink> mine = new ArrayList<>();
        for (LinkProfile p : s.links()) {
            long linkSeed = seed * 1_000_003L + deviceNo * 31L + li++;
            CountingLink counted = new CountingLink(link(p, s, linkSeed, meanBurst, scheduler, closeables), trace,
                    attempts);
            mine.add(counted);
            transport.addLink(counted);
        }
        AgentSettings settings = AgentSettings.of(device, cred.key(), stack.endpoints.subList(0, s.servers()))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofMillis(100), Duration.ofSeconds(2));
        TunnelAgent agent = new TunnelAgent(settings, transport, scheduler, Clock.systemUTC());
        closeables.add(0, agent);
        return new Fixture(device, agent, transport, mine, new EstablishTimes(agent), trace, attempts);
    }

    /** Prints the datagrams of an establishment slower than {@code traceMs} (or failed); forgets them either way. */
    private static void trace(Fixture f, String kind, Double ms, double traceMs) {
        if (f.trace() == null) {
            return;
        }
        String events = f.trace().take();
        if (ms == null || ms > traceMs) {
            System.err.printf(Locale.ROOT, "trace %s %s %s: %s%n", f.device(), kind,
                    ms == null ? "failed" : String.format(Locale.ROOT, "%.1f ms", ms), events);
        }
    }

    /** Waits (up to 5 s) until the agent's CONFIRM is acknowledged, so its datagrams are all counted. */
    private static void awaitConfirmed(TunnelAgent agent) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!agent.confirmed() && System.nanoTime() < end) {
            Thread.sleep(5); // a benchmark's poll: the agent publishes no event for the ACK
        }
    }

    /** "reason=n, ..." for every dropped.* counter that grew; empty if none did. */
    static String droppedSince(Map<String, Long> before, Map<String, Long> after) {
        StringBuilder b = new StringBuilder();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d > 0) {
                b.append(b.length() == 0 ? "" : ", ").append(k).append('=').append(d);
            }
        });
        return b.toString();
    }

    private static void closeAll(List<AutoCloseable> closeables) {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // closing a benchmark fixture; nothing to report
            }
        }
    }

    /** The link a scenario asks for: the emulated driver with independent or Gilbert–Elliott bursty loss. */
    private static LinkDriver link(LinkProfile p, Scenario s, long seed, double meanBurst,
                                   ScheduledExecutorService scheduler, List<AutoCloseable> closeables) throws Exception {
        EmulatedLinkSettings settings = new EmulatedLinkSettings(p.id(), p.kind(), p.rttMs(), 0, s.lossPercent(), seed,
                "127.0.0.1");
        if (s.model() == LossModel.BURSTY) {
            settings = settings.withBurstLoss(burstLoss(s.lossPercent(), meanBurst));
        }
        EmulatedLink link = new EmulatedLink(settings, scheduler);
        closeables.add(link);
        return link;
    }

    /**
     * The simple Gilbert model for a loss rate and mean burst length. Bursts are made longer where
     * the rate could not be reached otherwise (more than burst / (burst + 1) loss), so the scenario
     * always loses what it says.
     */
    static GilbertElliott.Params burstLoss(double lossPercent, double meanBurst) {
        double p = lossPercent / 100.0;
        return GilbertElliott.Params.ofLossAndBurst(p, Math.max(meanBurst, p / (1 - p)));
    }

    private EstablishBenchmark() {
    }
}
