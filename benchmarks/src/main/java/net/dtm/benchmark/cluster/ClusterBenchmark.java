package net.dtm.benchmark.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import net.dtm.api.DeviceId;
import net.dtm.api.Pool;
import net.dtm.benchmark.Progress;
import net.dtm.benchmark.WarmUp;
import net.dtm.benchmark.lease.ConfirmedCount;
import net.dtm.testkit.cluster.AgentFleet;
import net.dtm.testkit.cluster.ChaosChecker;
import net.dtm.testkit.cluster.Ensemble;
import net.dtm.testkit.cluster.History.Event;
import net.dtm.testkit.cluster.History.Kind;
import net.dtm.testkit.cluster.History;
import net.dtm.testkit.cluster.Launcher;
import net.dtm.testkit.cluster.NodeProcess;
import net.dtm.testkit.cluster.StoreClient;
import net.dtm.testkit.lease.DeviceKeys;
import net.dtm.testkit.lease.LeaseClient;

/**
 * The cluster benchmark (issue 5): on a real 3-peer ZooKeeper ensemble ({@link Ensemble}, each peer
 * its own JVM, fsync on), with DTM nodes as their own JVMs ({@link NodeProcess}):
 * <ol>
 * <li><b>new leases per second, 1 node and 3 nodes</b>: node-1 starts and warms up alone; nodes 2
 * and 3 join and each warms up alone as node-1 did, then the three together. Then {@code --rounds}
 * rounds of two trials of {@code --seconds}: the load client ({@link LeaseClient}: ESTABLISH, PARAMS,
 * CONFIRM, ACK per never-seen device, durable: a lease is confirmed once the quorum has it) against
 * node-1 alone (nodes 2 and 3 idle), then the same total concurrency spread over three load
 * clients, one per node. The medians of the rounds are compared (RESULT line). A trial that runs out
 * of enrolled devices fails the run instead of reporting a shortened trial;</li>
 * <li><b>establishment time while a node is killed</b>: {@code --agents} real agents (as the chaos
 * test runs them) knowing all three nodes start evenly over {@code --kill-window} seconds; a third
 * of the way in, node-1 is killed with SIGKILL. Printed: p50/p90/p99/max establishment time of the
 * agents that started before and after the kill, failed attempts, agents not established, tunnels
 * dropped.</li>
 * </ol>
 * Every trial prints where the CPU went per lease ({@link CpuPerLease}) and the nodes' ZooKeeper
 * commits ({@link Commits}). The machine's load average is printed with every row: the figures mean little on a box busy with something else.
 * Progress lines go to standard error; {@link ClusterReport} writes the CSV files and the PNG into
 * {@code --out} (default {@code target}).
 */
public final class ClusterBenchmark {

    private static final long SEED = 5_1234L;
    private static final String POOL = "bench";
    /**
     * How long a node may take to start: it reads every enrolled device's key first, and 280,020 keys
     * took 28-59 s here while another node started beside it.
     */
    private static final Duration NODE_START = Duration.ofSeconds(300);
    /** The load clients' source addresses, 127.0.0.2 and up (as {@code NewLeaseBenchmark --sources}). */
    private static final int SOURCES = 250;
    /** Each warm-up: 5 s slices, at least 10 s, until a slice is within 5 % of the one before. */
    static final WarmUp WARM_UP = new WarmUp(5, 10, 20);

    /** One rate trial: confirmed leases per second, and the requests the nodes dropped meanwhile. */
    record Trial(double perSecond, long dropped) {
    }

    record Options(int seconds, int warmup, int rounds, int concurrency, int devices, int agents, int killWindow,
                   int workers, Path dir, Path out) {
    }

    private ClusterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ClusterBenchmark: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        boolean temporary = o.dir() == null;
        Path dir = temporary ? Files.createTempDirectory("dtm-cluster-bench") : o.dir();
        Files.createDirectories(dir);
        System.out.printf(Locale.ROOT, "DTM cluster benchmark: 3-peer ZooKeeper ensemble (fsync on), nodes as JVMs with %d"
                        + " workers, %d rounds of %d s rate trials (%d s warm-ups), total concurrency %d, %d devices, %d agents"
                        + " over a %d s kill window, %d cores, load average %s, work dir %s%n", o.workers(), o.rounds(),
                o.seconds(), o.warmup(),
                o.concurrency(), o.devices(), o.agents(), o.killWindow(), Runtime.getRuntime().availableProcessors(),
                Progress.loadAverage(), dir);
        List<NodeProcess> nodes = new ArrayList<>();
        NodeProcess.Options nodeOptions = new NodeProcess.Options(10_000, 3_000, o.workers(), "512m", "warn");
        ClusterReport report = new ClusterReport();
        Ensemble started;
        try (Progress progress = Progress.ofStep("starting the 3-peer ZooKeeper ensemble")) {
            started = Ensemble.start(dir.resolve("zk"), 3, Duration.ofSeconds(120));
        }
        try (Ensemble ensemble = started) {
            List<DeviceId> all = DeviceKeys.ids("bench", o.devices());
            List<DeviceId> agentDevices = DeviceKeys.ids("agent", o.agents());
            long t0 = System.nanoTime();
            try (StoreClient admin = new StoreClient(ensemble);
                 Progress progress = Progress.ofStep("enrolling " + (o.devices() + o.agents()) + " devices")) {
                admin.ensurePool(Pool.of(POOL, "10.0.0.0/8", 3600));
                // many at once: one client pipelines them, and ZooKeeper syncs its log for many together
                admin.enroll(all, d -> DeviceKeys.key(SEED, d), 64);
                admin.enroll(agentDevices, d -> DeviceKeys.key(SEED, d), 64);
            }
            System.out.printf(Locale.ROOT, "enrolled %d devices in %.1f s%n", o.devices() + o.agents(),
                    (System.nanoTime() - t0) / 1e9);
            Map<DeviceId, byte[]> keys = DeviceKeys.keys(SEED, all);
            Iterator<DeviceId> fresh = all.iterator();

            try (Progress progress = Progress.ofStep("starting node-1")) {
                nodes.add(NodeProcess.start(dir.resolve("nodes"), ensemble, "node-1", POOL, nodeOptions,
                        NODE_START));
            }
            System.out.printf("%-34s %5s %11s %9s %9s %8s %8s %8s %8s  %s%n", "trial", "nodes", "concurrency", "confirmed",
                    "leases/s", "p50 ms", "p99 ms", "refused", "timedout", "load average");
            warmUp("new leases, 1 node", nodes, keys, fresh, o, report);

            nodes.add(NodeProcess.launch(dir.resolve("nodes"), ensemble, "node-2", POOL, nodeOptions));
            nodes.add(NodeProcess.launch(dir.resolve("nodes"), ensemble, "node-3", POOL, nodeOptions));
            try (Progress progress = Progress.ofStep("starting node-2 and node-3")) {
                for (NodeProcess n : nodes) {
                    n.awaitReady(NODE_START);
                }
            }
            // Each new JVM gets the solo warm-up node-1 had, so no trial measures a node still
            // compiling its hot paths (a cluster's nodes in service are warm).
            for (NodeProcess n : nodes.subList(1, nodes.size())) {
                warmUp("new leases, " + n.nodeId() + " alone", List.of(n), keys, fresh, o, report);
            }
            warmUp("new leases, 3 nodes", nodes, keys, fresh, o, report);
            // Rounds of one node (nodes 2 and 3 idle, still members) then all three, so a drift of the
            // machine's load or a ZooKeeper snapshot falls on both sides; the medians are compared.
            List<Trial> one = new ArrayList<>();
            List<Trial> three = new ArrayList<>();
            for (int r = 1; r <= o.rounds(); r++) {
                String round = o.rounds() == 1 ? "" : " #" + r;
                one.add(rateTrial("new leases, 1 node" + round, nodes.subList(0, 1), keys, fresh, o.concurrency(),
                        o.seconds(), report));
                three.add(rateTrial("new leases, 3 nodes" + round, nodes, keys, fresh, o.concurrency(), o.seconds(), report));
            }
            double oneMedian = median(one);
            double threeMedian = median(three);
            // a trial whose requests the nodes dropped measured an overload, not a capacity: the drops are
            // printed beside the rates so a comparison of medians can be read with them
            System.out.printf(Locale.ROOT, "RESULT rounds=%d one_node_median=%.0f three_nodes_median=%.0f ratio=%.2f"
                    + " one_node=%s three_nodes=%s one_node_dropped=%s three_nodes_dropped=%s%n", o.rounds(), oneMedian,
                    threeMedian, threeMedian / oneMedian, rates(one), rates(three), dropped(one), dropped(three));

            killTrial(o, nodes, agentDevices, report);
            report.write(o.out(), String.format(Locale.ROOT, "DTM cluster on a 3-peer ZooKeeper ensemble (fsync on): new"
                    + " leases per second with 1 and 3 nodes, and establishment time while node-1 is killed (%d agents, %d"
                    + " cores, load average %s)", o.agents(), Runtime.getRuntime().availableProcessors(), Progress.loadAverage()));
        } finally {
            for (NodeProcess n : nodes) {
                n.close();
            }
            if (temporary) {
                deleteTree(dir);
            }
        }
        System.exit(0);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Untimed slices of the trial until the rate settles ({@link #WARM_UP}, at most {@code --warmup}
     * seconds): node-1 still spent more CPU compiling than serving after fixed 5 s warm-ups, and the
     * three nodes' cost per lease fell round by round through the timed trials.
     */
    private static void warmUp(String name, List<NodeProcess> nodes, Map<DeviceId, byte[]> keys,
                               Iterator<DeviceId> fresh, Options o, ClusterReport report)
            throws IOException, InterruptedException, ExecutionException {
        if (o.warmup() == 0) {
            return;
        }
        WarmUp rule = WARM_UP.withMaxSeconds(o.warmup());
        double previous = -1;
        for (int spent = 0; !rule.over(spent); ) {
            int slice = rule.nextSlice(spent);
            double rate = rateTrial(String.format(Locale.ROOT, "%s (warm-up %d-%d s)", name, spent, spent + slice), nodes,
                    keys, fresh, o.concurrency(), slice, report).perSecond();
            spent += slice;
            if (rule.settled(previous, rate, spent)) {
                System.out.printf(Locale.ROOT, "  settled after %d s (within %d %% of the slice before)%n", spent,
                        WarmUp.TOLERANCE_PERCENT);
                return;
            }
            previous = rate;
        }
        System.out.printf(Locale.ROOT, "  not settled within %d s (--warmup): the trials may measure nodes still"
                + " compiling%n", o.warmup());
    }

    /** The total concurrency spread over one load client per node; devices taken from one shared source. */
    private static Trial rateTrial(String name, List<NodeProcess> nodes, Map<DeviceId, byte[]> keys,
                                  Iterator<DeviceId> fresh, int concurrency, int seconds, ClusterReport report)
            throws IOException, InterruptedException, ExecutionException {
        Iterator<DeviceId> shared = synchronizedIterator(fresh);
        List<LeaseClient> clients = new ArrayList<>();
        List<CompletableFuture<LeaseClient.Result>> runs = new ArrayList<>();
        // many source addresses, as a fleet's routers have: from one, the node's per-source limits drop
        // requests once 144 are in flight (dropped.source-limit in every 1-node slice), and the
        // retransmissions that follow made a 1-node trial's p99 about 1 s
        LeaseClient.Options options = LeaseClient.Options.DEFAULTS.withTimeout(Duration.ofSeconds(1)).withAttempts(5)
                .withLocalAddresses(LeaseClient.Options.loopbackAddresses(SOURCES));
        int per = Math.max(1, concurrency / nodes.size());
        ConfirmedCount counting = new ConfirmedCount();
        Progress progress = Progress.ofTime(name, seconds, "leases confirmed", counting::sum);
        CpuPerLease.Mark cpu0 = CpuPerLease.Mark.now();
        NodeCounters counters0 = NodeCounters.of(nodes);
        try {
            for (NodeProcess n : nodes) {
                LeaseClient c = new LeaseClient(n.endpoint(), keys, per, counting, options);
                clients.add(c);
                runs.add(CompletableFuture.supplyAsync(() -> c.runFor(shared, Duration.ofSeconds(seconds))));
            }
            long confirmed = 0;
            long refused = 0;
            long timedOut = 0;
            double elapsed = 0;
            List<Long> latencies = new ArrayList<>();
            for (CompletableFuture<LeaseClient.Result> f : runs) {
                LeaseClient.Result r = f.get();
                confirmed += r.confirmed();
                refused += r.refused();
                timedOut += r.timedOut();
                elapsed = Math.max(elapsed, r.elapsed().toNanos() / 1e9);
                for (long l : r.latencyMicros()) {
                    latencies.add(l);
                }
            }
            if (!shared.hasNext()) {
                throw new IllegalStateException("ran out of enrolled devices during '" + name + "', so it was cut short;"
                        + " raise --devices");
            }
            CpuPerLease cpu = cpu0.to(CpuPerLease.Mark.now(), confirmed);
            NodeCounters counters = NodeCounters.of(nodes).since(counters0);
            Commits commits = Commits.of(counters);
            long dropped = counters.dropped();
            latencies.sort(Long::compare);
            progress.close();
            String perNode = nodes.size() == 1 ? Integer.toString(per) : nodes.size() + "x" + per;
            System.out.printf(Locale.ROOT, "%-34s %5d %11s %9d %9.0f %8.1f %8.1f %8d %8d  %s%n", name, nodes.size(),
                    perNode, confirmed, confirmed / elapsed,
                    quantile(latencies, 0.5) / 1000.0, quantile(latencies, 0.99) / 1000.0, refused, timedOut, Progress.loadAverage());
            System.out.println("  " + cpu + "; " + commits + "; datagrams dropped: " + counters.drops());
            report.rateTrial(name, nodes.size(), perNode, confirmed, confirmed / elapsed, quantile(latencies, 0.5) / 1000.0,
                    quantile(latencies, 0.99) / 1000.0, refused, timedOut, Progress.loadAverage(), cpu, dropped,
                    progress.rates(1));
            if (dropped > 0) {
                System.out.printf(Locale.ROOT, "  the nodes dropped %d requests: this rate includes the clients'"
                        + " retransmissions, it is not what the nodes can carry%n", dropped);
            }
            return new Trial(confirmed / elapsed, dropped);
        } finally {
            progress.close();
            for (LeaseClient c : clients) {
                c.close();
            }
        }
    }

    /** Agents start evenly over the window; node-1 is killed a third of the way in. */
    private static void killTrial(Options o, List<NodeProcess> nodes, List<DeviceId> devices, ClusterReport report)
            throws Exception {
        History history = new History();
        List<InetSocketAddress> servers = nodes.stream().map(NodeProcess::endpoint).toList();
        double killAt;
        boolean settled;
        int holding;
        try (AgentFleet fleet = new AgentFleet(history, AgentFleet.Timing.CHAOS, 4);
             Launcher launcher = new Launcher(fleet, devices, d -> DeviceKeys.key(SEED, d), servers);
             Progress progress = Progress.ofCount("kill trial (node-1 killed a third of the way into "
                     + o.killWindow() + " s)", devices.size(), "agents holding a tunnel", fleet::holding)) {
            history.phase("before the kill");
            launcher.batch(devices.size(), Duration.ofSeconds(o.killWindow()));
            Thread.sleep(o.killWindow() * 1000L / 3); // the kill's moment in the window
            nodes.get(0).kill();
            killAt = history.phase("after kill -9 of node-1").start();
            launcher.awaitStarted(Duration.ofSeconds(o.killWindow() + 60L));
            settled = fleet.awaitAllHolding(Duration.ofSeconds(60));
            holding = fleet.holding();
        }
        List<Event> events = history.events();
        List<Double> before = new ArrayList<>();
        List<Double> after = new ArrayList<>();
        int failedBefore = 0;
        int failedAfter = 0;
        int dropped = 0;
        for (Event e : events) {
            if (e.kind() == Kind.ESTABLISHED) {
                (e.at() - e.ms() < killAt ? before : after).add(e.ms());
                report.establishment((e.at() - e.ms() - killAt) / 1000, e.ms(), e.device(), e.node());
            } else if (e.kind() == Kind.FAILED) {
                if (e.at() < killAt) {
                    failedBefore++;
                } else {
                    failedAfter++;
                }
            } else if (e.kind() == Kind.LOST) {
                dropped++;
            }
        }
        before.sort(Double::compare);
        after.sort(Double::compare);
        System.out.printf("%-34s %7s %8s %8s %8s %8s %15s  %s%n", "establishment time (3 nodes)", "agents", "p50 ms",
                "p90 ms", "p99 ms", "max ms", "failed attempts", "load average");
        System.out.printf(Locale.ROOT, "%-34s %7d %8.1f %8.1f %8.1f %8.1f %15d  %s%n", "started before the kill", before.size(),
                ChaosChecker.quantile(before, 0.5), ChaosChecker.quantile(before, 0.9), ChaosChecker.quantile(before, 0.99),
                before.isEmpty() ? 0 : before.get(before.size() - 1), failedBefore, Progress.loadAverage());
        System.out.printf(Locale.ROOT, "%-34s %7d %8.1f %8.1f %8.1f %8.1f %15d  %s%n", "started after kill -9 of node-1",
                after.size(), ChaosChecker.quantile(after, 0.5), ChaosChecker.quantile(after, 0.9),
                ChaosChecker.quantile(after, 0.99), after.isEmpty() ? 0 : after.get(after.size() - 1), failedAfter,
                Progress.loadAverage());
        System.out.printf(Locale.ROOT, "RESULT agents=%d established=%d holding_at_end=%d all_settled=%s dropped=%d"
                        + " failed_attempts_after_kill=%d p99_after_kill_ms=%.1f max_after_kill_ms=%.1f%n", devices.size(),
                before.size() + after.size(), holding, settled, dropped, failedAfter, ChaosChecker.quantile(after, 0.99),
                after.isEmpty() ? 0 : after.get(after.size() - 1));
    }

    /** {@code it} for several load clients at once (each call under {@code it}'s lock). */
    private static <T> Iterator<T> synchronizedIterator(Iterator<T> it) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                synchronized (it) {
                    return it.hasNext();
                }
            }

            @Override
            public T next() {
                synchronized (it) {
                    return it.next();
                }
            }
        };
    }

    /** The median rate (nearest rank, the lower middle of an even count). */
    private static double median(List<Trial> trials) {
        return ChaosChecker.quantile(trials.stream().map(Trial::perSecond).sorted().toList(), 0.5);
    }

    private static String rates(List<Trial> trials) {
        return trials.stream().map(t -> String.format(Locale.ROOT, "%.0f", t.perSecond())).collect(Collectors.joining(","));
    }

    private static String dropped(List<Trial> trials) {
        return trials.stream().map(t -> Long.toString(t.dropped())).collect(Collectors.joining(","));
    }

    private static long quantile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    static Options parse(String[] args) {
        int seconds = 10;
        int warmup = WARM_UP.maxSeconds();
        int rounds = 3;
        int concurrency = 48;
        int devices = 0;
        int agents = 200;
        int killWindow = 20;
        int workers = 64;
        Path dir = null;
        Path out = Path.of("target");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help")) {
                throw new IllegalArgumentException("help");
            }
            if (a.equals("--quick")) {
                seconds = 8;
                warmup = 10;
                rounds = 1;
                agents = 100;
                killWindow = 12;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--seconds" -> seconds = positive(a, v);
                case "--warmup" -> warmup = notNegative(a, v);
                case "--rounds" -> rounds = positive(a, v);
                case "--concurrency" -> concurrency = positive(a, v);
                case "--devices" -> devices = positive(a, v);
                case "--agents" -> agents = positive(a, v);
                case "--kill-window" -> killWindow = positive(a, v);
                case "--workers" -> workers = positive(a, v);
                case "--dir" -> dir = Path.of(v);
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (devices == 0) {
            // enough for 2000 leases/s over every round's two trials and the four warm-ups (node-1's,
            // node-2's and node-3's alone, the three together); one warm node gave up to 2,014/s here
            devices = 2000 * (2 * rounds * seconds + 4 * warmup);
        }
        return new Options(seconds, warmup, rounds, concurrency, devices, agents, killWindow, workers, dir, out);
    }

    private static int positive(String name, String v) {
        int n = whole(name, v);
        if (n <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + n);
        }
        return n;
    }

    private static int notNegative(String name, String v) {
        int n = whole(name, v);
        if (n < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + n);
        }
        return n;
    }

    private static int whole(String name, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " expects a whole number, got '" + v + "'");
        }
    }

    static String usage() {
        return "usage: run-cluster.sh [--quick] [--seconds S (10)] [--warmup S (longest of each warm-up: "
                + WARM_UP.maxSeconds() + "; 0 = none)] [--rounds N (3)] [--concurrency N total (48)]"
                + " [--devices N (enough for 2000/s)] [--agents N (200)] [--kill-window S (20)] [--workers N (64)]"
                + " [--dir DIR (a new temporary directory)] [--out DIR (target): CSV files and PNG]";
    }
}
