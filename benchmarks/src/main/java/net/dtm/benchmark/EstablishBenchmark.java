package net.dtm.benchmark;

import java.io.IOException;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import net.dtm.agent.AgentSettings;
import net.dtm.agent.TunnelAgent;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.TunnelStatus;
import net.dtm.link.emulated.EmulatedLink;
import net.dtm.link.emulated.EmulatedLinkSettings;
import net.dtm.spi.link.LinkKind;
import net.dtm.transport.MultiLinkTransport;
import net.dtm.transport.TransportSettings;

/**
 * Establishment-time benchmark. For each scenario (link profile, number of servers, loss), a
 * number of agents, each a device with its own emulated links and long-lived transport, establish
 * one after another (start, then re-establish) against a standalone server stack in this JVM.
 * Time is what the agent measures: from its first send to holding validated PARAMS. The first
 * establishment of each agent (cold: no RTT measured yet) is reported separately.
 *
 * <pre>
 * EstablishBenchmark [--establishments N] [--agents A] [--seed S] [--csv FILE] [--quick]
 * </pre>
 */
public final class EstablishBenchmark {

    record LinkProfile(String id, LinkKind kind, double rttMs) {
    }

    record Scenario(String name, List<LinkProfile> links, int servers, double lossPercent) {
        double fastestRtt() {
            return links.stream().mapToDouble(LinkProfile::rttMs).min().orElseThrow();
        }
    }

    static final List<LinkProfile> DEMO = List.of(new LinkProfile("5g", LinkKind.FIVE_G, 20),
            new LinkProfile("lte", LinkKind.LTE, 40), new LinkProfile("sat", LinkKind.SATELLITE, 600));
    static final List<LinkProfile> LEO = List.of(new LinkProfile("5g", LinkKind.FIVE_G, 20),
            new LinkProfile("lte", LinkKind.LTE, 40), new LinkProfile("leo", LinkKind.SATELLITE, 50));

    public static void main(String[] args) throws Exception {
        int establishments = 300;
        int agents = 10;
        long seed = 42;
        Path csv = Path.of("target/establish.csv");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--establishments" -> establishments = Integer.parseInt(args[++i]);
                case "--agents" -> agents = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--csv" -> csv = Path.of(args[++i]);
                case "--quick" -> establishments = 60;
                case "--help", "-h" -> {
                    System.out.println("usage: EstablishBenchmark [--establishments N] [--agents A] [--seed S] [--csv FILE] [--quick]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (try --help)");
            }
        }
        List<Scenario> scenarios = List.of(
                new Scenario("5g/lte/sat600 1 server", DEMO, 1, 0),
                new Scenario("5g/lte/sat600 1 server", DEMO, 1, 50),
                new Scenario("5g/lte/leo50 3 servers", LEO, 3, 0),
                new Scenario("5g/lte/leo50 3 servers", LEO, 3, 50));
        PrintStream out = System.out;
        Path dir = Files.createTempDirectory("dtm-bench-");
        String header = String.format(Locale.ROOT, "%-24s %5s %5s %6s %8s %8s %8s %8s %8s %8s %7s %9s %9s %10s",
                "scenario", "loss", "n", "fail", "mean", "p50", "p95", "p99", "max", "<=1s", "mean/rtt", "dgrams/est",
                "per-link-srv", "cold-mean");
        out.println("DTM establishment benchmark: " + establishments + " establishments per scenario, " + agents
                + " agents, seed " + seed + ", times in ms");
        out.println(header);
        List<String> csvLines = new ArrayList<>();
        csvLines.add("scenario,loss_percent,servers,links,n,failed,mean_ms,p50_ms,p95_ms,p99_ms,max_ms,within_1s,"
                + "mean_over_fastest_rtt,datagrams_per_establishment,cold_mean_ms");
        int deviceBase = 0;
        try (ServerStack servers3 = new ServerStack(dir.resolve("db"), 3)) {
            for (Scenario s : scenarios) {
                Result r = run(s, servers3, establishments, agents, seed, deviceBase);
                deviceBase += agents;
                Stats st = Stats.of(r.warm);
                Stats cold = Stats.of(r.cold);
                int nEst = r.warm.size() + r.cold.size();
                double perEst = nEst == 0 ? Double.NaN : r.establishDatagrams / (double) nEst;
                double perLinkServer = perEst / (s.links.size() * s.servers);
                out.println(String.format(Locale.ROOT,
                        "%-24s %4.0f%% %5d %6d %8.1f %8.1f %8.1f %8.1f %8.1f %7.2f%% %8.2f %9.2f %9.2f %10.1f",
                        s.name, s.lossPercent, st.n(), r.failed, st.mean(), st.p50(), st.p95(), st.p99(), st.max(),
                        100 * st.within1s(), st.mean() / s.fastestRtt(), perEst, perLinkServer, cold.mean()));
                csvLines.add(String.format(Locale.ROOT, "%s,%.0f,%d,%d,%d,%d,%.2f,%.2f,%.2f,%.2f,%.2f,%.5f,%.3f,%.3f,%.2f",
                        s.name, s.lossPercent, s.servers, s.links.size(), st.n(), r.failed, st.mean(), st.p50(),
                        st.p95(), st.p99(), st.max(), st.within1s(), st.mean() / s.fastestRtt(), perEst, cold.mean()));
            }
        }
        Files.createDirectories(csv.toAbsolutePath().getParent());
        Files.write(csv, csvLines);
        out.println("(n and percentiles exclude each agent's first, cold establishment, shown as cold-mean; "
                + "dgrams/est counts ESTABLISH datagrams put on all links; per-link-srv divides by links x servers)");
        out.println("csv: " + csv.toAbsolutePath());
    }

    record Result(List<Double> warm, List<Double> cold, int failed, long establishDatagrams) {
    }

    static Result run(Scenario s, ServerStack stack, int establishments, int agents, long seed, int deviceBase)
            throws Exception {
        List<Double> warm = Collections.synchronizedList(new ArrayList<>());
        List<Double> cold = Collections.synchronizedList(new ArrayList<>());
        int perAgent = Math.max(2, (establishments + agents - 1) / agents + 1);
        ExecutorService drivers = Executors.newFixedThreadPool(agents);
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);
        List<InetSocketAddress> targets = stack.endpoints.subList(0, s.servers);
        List<Future<Integer>> failures = new ArrayList<>();
        List<CountingLink> allLinks = Collections.synchronizedList(new ArrayList<>());
        List<AutoCloseable> closeables = Collections.synchronizedList(new ArrayList<>());
        try {
            for (int a = 0; a < agents; a++) {
                int agentNo = a;
                failures.add(drivers.submit(() -> {
                    DeviceId device = DeviceId.of(String.format(Locale.ROOT, "bench-%05d", deviceBase + agentNo));
                    DeviceCredential cred = stack.devices.device(device).orElseGet(() -> stack.devices.enroll(device));
                    MultiLinkTransport transport = new MultiLinkTransport(TransportSettings.defaults(), scheduler);
                    closeables.add(transport);
                    int li = 0;
                    for (LinkProfile p : s.links) {
                        EmulatedLink link = new EmulatedLink(new EmulatedLinkSettings(p.id(), p.kind(), p.rttMs(), 0,
                                s.lossPercent(), seed * 1_000_003L + (deviceBase + agentNo) * 31L + li++, "127.0.0.1"),
                                scheduler);
                        closeables.add(link);
                        CountingLink counted = new CountingLink(link);
                        allLinks.add(counted);
                        transport.addLink(counted);
                    }
                    AgentSettings settings = AgentSettings.of(device, cred.key(), targets)
                            .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofMillis(100),
                                    Duration.ofSeconds(2));
                    TunnelAgent agent = new TunnelAgent(settings, transport, scheduler, Clock.systemUTC());
                    closeables.add(0, agent);
                    LinkedBlockingQueue<Double> done = new LinkedBlockingQueue<>();
                    long[] seen = {0};
                    agent.addListener(st -> {
                        if (st.state() == TunnelStatus.State.ESTABLISHED) {
                            long count = agent.establishments();
                            synchronized (seen) {
                                if (count > seen[0]) {
                                    seen[0] = count;
                                    done.add(st.lastEstablishMs());
                                }
                            }
                        }
                    });
                    int failed = 0;
                    for (int i = 0; i < perAgent; i++) {
                        if (i == 0) {
                            agent.start();
                        } else {
                            agent.reestablish();
                        }
                        Double ms = done.poll(30, TimeUnit.SECONDS);
                        if (ms == null) {
                            failed++;
                        } else if (i == 0) {
                            cold.add(ms);
                        } else {
                            warm.add(ms);
                        }
                    }
                    if (System.getProperty("dtm.bench.debug") != null) {
                        System.err.println(device + " " + transport.stats());
                    }
                    return failed;
                }));
            }
            int failed = 0;
            for (Future<Integer> f : failures) {
                failed += f.get();
            }
            long datagrams = allLinks.stream().mapToLong(l -> l.establishSent.sum()).sum();
            return new Result(new ArrayList<>(warm), new ArrayList<>(cold), failed, datagrams);
        } finally {
            for (AutoCloseable c : closeables) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing a benchmark fixture; nothing to report
                }
            }
            drivers.shutdownNow();
            scheduler.shutdownNow();
        }
    }

    private EstablishBenchmark() {
    }
}
