package net.dtm.benchmark.enrol;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import net.dtm.api.DeviceCredential;
import net.dtm.api.EnrolmentService;
import net.dtm.benchmark.CsvTable;
import net.dtm.benchmark.Progress;
import net.dtm.benchmark.enrol.RouterFleet.Router;
import net.dtm.protocol.EnrolmentToken;

/**
 * The fleet enrolment benchmark (issue 15): {@code --routers} routers out of the box, each with only
 * an enrolment token and the server list, enrol at the same moment and then establish with the
 * credential they were granted ({@link RouterFleet}), through one standalone node (embedded Derby)
 * and then through a 3-node cluster (in-process ZooKeeper ensemble of three peers, one DTM node per
 * peer), at each loss rate given. Prints per scenario the time until 99 % and 100 % of the routers
 * were enrolled and established, and checks the outcome against the store: exactly the fleet's
 * devices, each with the key its router holds and its router's public key (no duplicate device, no
 * lost credential), no router granted two different keys. Progress goes to stderr every 5 s.
 * Writes {@code enrol.csv} in the output folder.
 */
public final class EnrolBenchmark {

    static final String POOL = "fleet";

    record Options(int routers, List<Double> losses, List<String> topologies, int sources, int timeoutSeconds,
                   double[] limits, Path outDir) {
    }

    static final String USAGE = """
            usage: run-enrol.sh [--routers N] [--loss 0,50] [--topology standalone,cluster] [--sources N]
                                [--timeout SECONDS] [--limits SOURCE_RATE,SOURCE_BURST,KEY_RATE,KEY_BURST] [--out DIR]
              --routers   routers enrolling at once (default 10000)
              --loss      loss each way in percent, one scenario per value (default 0,50)
              --topology  standalone (one node, Derby) and/or cluster (3 nodes, ZooKeeper) (default both)
              --sources   loopback source addresses the routers' links share, as behind NAT (default 250)
              --timeout   give up a scenario after this many seconds (default 600)
              --limits    the nodes' enrol.source.rate, enrol.source.burst, enrol.key.rate, enrol.key.burst
                          (default: the product's defaults)
              --quick     1000 routers, 0 and 50 %, both topologies
            """;

    private EnrolBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (o == null) {
            System.out.print(USAGE);
            return;
        }
        PrintStream out = System.out;
        Files.createDirectories(o.outDir());
        out.printf(Locale.ROOT, "DTM fleet enrolment benchmark: %d routers, 3 links each (one way %s ms), %d shared source "
                + "addresses, limits %s, %d cores%n", o.routers(), Arrays.toString(RouterFleet.ONE_WAY_MS), o.sources(),
                o.limits() == null ? "defaults" : Arrays.toString(o.limits()), Runtime.getRuntime().availableProcessors());
        out.println("topology    loss  enrol99_s  enrol100_s  est99_s  est100_s  enrolled  established  devices  dup  lost"
                + "  dg/router  refused  verdict");
        CsvTable csv = new CsvTable("topology", "loss_pct", "routers", "enrol99_s", "enrol100_s", "est99_s", "est100_s",
                "enrolled", "established", "devices", "duplicates", "lost_credentials", "datagrams_per_router", "refused",
                "ok");
        boolean allOk = true;
        int scenario = 0;
        for (String topology : o.topologies()) {
            for (double loss : o.losses()) {
                scenario++;
                System.err.printf(Locale.ROOT, "[%d/%d] %s, %.0f %% loss each way: %d routers%n", scenario,
                        o.topologies().size() * o.losses().size(), topology, loss, o.routers());
                Result r = run(topology, loss, o, "s" + scenario + "-");
                out.println(r.table());
                csv.row(r.csv());
                allOk &= r.ok();
            }
        }
        Path csvFile = csv.write(o.outDir().resolve("enrol.csv"));
        out.println("enrol99/100 = seconds from the start until 99 %/100 % of the routers held a credential; est = until "
                + "they also held a confirmed lease; dup = routers granted two different keys, or devices in the store "
                + "not of the fleet; lost = routers whose key differs from the store's or missing; dg/router = datagrams "
                + "the routers sent (before emulated loss), per router");
        out.println("csv: " + csvFile.toAbsolutePath());
        if (!allOk) {
            System.err.println("run-enrol.sh: a scenario did not end with every router enrolled and established, "
                    + "or the store disagrees with the fleet (see the verdict column)");
            System.exit(1);
        }
    }

    record Result(String topology, double loss, int routers, double enrol99, double enrol100, double est99,
                  double est100, int enrolled, int established, int devices, int duplicates, int lost,
                  double datagramsPerRouter, long refused) {

        boolean ok() {
            return enrolled == routers && established == routers && devices == routers && duplicates == 0 && lost == 0;
        }

        String table() {
            return String.format(Locale.ROOT, "%-10s %4.0f%% %10s %11s %8s %9s %9d %12d %8d %4d %5d %10.1f %8d  %s",
                    topology, loss, secs(enrol99), secs(enrol100), secs(est99), secs(est100), enrolled, established,
                    devices, duplicates, lost, datagramsPerRouter, refused, ok() ? "ok" : "FAILED");
        }

        /** The CSV row: times in seconds (empty when not reached, "-" in the table). */
        List<Object> csv() {
            return Arrays.asList(topology, loss, routers, round(enrol99), round(enrol100), round(est99), round(est100),
                    enrolled, established, devices, duplicates, lost, Math.round(datagramsPerRouter * 10) / 10.0, refused,
                    ok());
        }

        private static double round(double s) {
            return Double.isNaN(s) ? s : Math.round(s * 100) / 100.0;
        }

        private static String secs(double s) {
            return Double.isNaN(s) ? "-" : String.format(Locale.ROOT, "%.2f", s);
        }
    }

    private static Result run(String topology, double lossPercent, Options o, String prefix) throws Exception {
        Path dir = Files.createTempDirectory("dtm-enrol-bench-");
        try (EnrolServers servers = start(topology, dir, o)) {
            try (Progress progress = Progress.ofStep("waiting for the " + topology + " node(s) to serve")) {
                servers.awaitServing(Duration.ofSeconds(60));
            }
            EnrolmentService.Created key = servers.enrolment().create("fleet benchmark", prefix + "*", POOL, 0,
                    Duration.ofHours(1));
            EnrolmentToken token = EnrolmentToken.parse(key.token());
            try (RouterFleet fleet = new RouterFleet(o.routers(), prefix, token, servers.endpoints(), lossPercent / 100,
                    o.sources())) {
                try (Progress progress = Progress.ofStep("preparing " + o.routers() + " routers (keys, links)")) {
                    fleet.prepare();
                }
                fleet.start();
                long start = fleet.startNanos();
                long deadline = start + Duration.ofSeconds(o.timeoutSeconds()).toNanos();
                long nextReport = start;
                int[] p = fleet.progress();
                while (p[1] < o.routers() && System.nanoTime() < deadline) {
                    if (System.nanoTime() >= nextReport) {
                        double spent = (System.nanoTime() - start) / 1e9;
                        System.err.printf(Locale.ROOT, "  %5.1f s: %d enrolled, %d established of %d; %d refused; %s%n",
                                spent, p[0], p[1], o.routers(), fleet.refusals.sum(), p[1] == 0 ? "no estimate yet"
                                        : "about " + Progress.duration(spent * (o.routers() - p[1]) / p[1]) + " left");
                        nextReport += Duration.ofSeconds(5).toNanos();
                    }
                    Thread.sleep(100);   // polling the fleet's progress for the report, not a synchronisation
                    p = fleet.progress();
                }
                System.err.printf(Locale.ROOT, "  %5.1f s: %d enrolled, %d established of %d%s%n",
                        (System.nanoTime() - start) / 1e9, p[0], p[1], o.routers(),
                        p[1] < o.routers() ? " (timed out)" : "");
                StringBuilder c = new StringBuilder();
                servers.counters().forEach((k, v) -> {
                    if (k.startsWith("enrol.") || k.startsWith("dropped.") || k.startsWith("refused.")) {
                        c.append(' ').append(k).append('=').append(v);
                    }
                });
                System.err.println("  nodes:" + c);
                return check(topology, lossPercent, o.routers(), fleet, servers);
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static EnrolServers start(String topology, Path dir, Options o) throws Exception {
        try (Progress progress = Progress.ofStep("starting the " + topology + " node(s)")) {
            return topology.equals("cluster") ? EnrolServers.cluster(dir, 3, POOL, o.limits())
                    : EnrolServers.standalone(dir, POOL, o.limits());
        }
    }

    /** Times and the fleet compared with the store. */
    private static Result check(String topology, double loss, int n, RouterFleet fleet, EnrolServers servers) {
        long start = fleet.startNanos();
        List<Double> enrolled = new ArrayList<>();
        List<Double> established = new ArrayList<>();
        Map<String, DeviceCredential> stored = new HashMap<>();
        for (DeviceCredential c : servers.devices()) {
            stored.put(c.device().value(), c);
        }
        int lost = 0;
        int duplicates = (int) fleet.conflictingGrants.sum();
        for (Router r : fleet.routers()) {
            synchronized (r) {
                if (r.deviceKey != null) {
                    enrolled.add((r.enrolledNanos - start) / 1e9);
                    DeviceCredential c = stored.get(r.device.value());
                    if (c == null || !Arrays.equals(c.key(), r.deviceKey) || !c.enrolledByRouter(r.keys.publicKey())) {
                        lost++;
                    }
                }
                if (r.phase == RouterFleet.Phase.DONE) {
                    established.add((r.establishedNanos - start) / 1e9);
                }
            }
        }
        java.util.Set<String> fleetIds = new java.util.HashSet<>();
        fleet.routers().forEach(r -> fleetIds.add(r.device.value()));
        duplicates += (int) stored.keySet().stream().filter(id -> !fleetIds.contains(id)).count();
        enrolled.sort(null);
        established.sort(null);
        return new Result(topology, loss, n, quantile(enrolled, n, 0.99), quantile(enrolled, n, 1.0),
                quantile(established, n, 0.99), quantile(established, n, 1.0), enrolled.size(), established.size(),
                stored.size(), duplicates, lost, fleet.sentDatagrams.sum() / (double) n, fleet.refusals.sum());
    }

    /** The time by which {@code q} of all {@code n} routers were done; NaN if fewer were. */
    static double quantile(List<Double> sortedTimes, int n, double q) {
        int needed = (int) Math.ceil(q * n);
        if (needed == 0) {
            return 0;
        }
        return sortedTimes.size() < needed ? Double.NaN : sortedTimes.get(needed - 1);
    }

    static Options parse(String[] args) {
        int routers = 10_000;
        List<Double> losses = List.of(0.0, 50.0);
        List<String> topologies = List.of("standalone", "cluster");
        int sources = 250;
        int timeout = 600;
        double[] limits = null;
        Path out = Path.of("target");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--quick" -> routers = 1000;
                case "--routers" -> routers = positive(a, value(args, ++i, a));
                case "--sources" -> sources = positive(a, value(args, ++i, a));
                case "--timeout" -> timeout = positive(a, value(args, ++i, a));
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--loss" -> {
                    losses = new ArrayList<>();
                    for (String s : value(args, ++i, a).split(",")) {
                        double l = number(a, s);
                        if (l < 0 || l >= 100) {
                            throw new IllegalArgumentException("--loss: " + s + " is not in 0..99");
                        }
                        losses.add(l);
                    }
                }
                case "--topology" -> {
                    topologies = List.of(value(args, ++i, a).split(","));
                    for (String t : topologies) {
                        if (!t.equals("standalone") && !t.equals("cluster")) {
                            throw new IllegalArgumentException("--topology: " + t + " is neither standalone nor cluster");
                        }
                    }
                }
                case "--limits" -> {
                    String[] parts = value(args, ++i, a).split(",");
                    if (parts.length != 4) {
                        throw new IllegalArgumentException("--limits needs four numbers: source rate, source burst, "
                                + "key rate, key burst");
                    }
                    limits = new double[4];
                    for (int k = 0; k < 4; k++) {
                        limits[k] = number(a, parts[k]);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (sources > 250 * 250) {
            throw new IllegalArgumentException("--sources: at most " + 250 * 250);
        }
        return new Options(routers, losses, topologies, sources, timeout, limits, out);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String option, String s) {
        try {
            int v = Integer.parseInt(s);
            if (v < 1) {
                throw new IllegalArgumentException(option + " must be positive: " + s);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": not a number: " + s);
        }
    }

    private static double number(String option, String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": not a number: " + s);
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
