package net.dtm.benchmark.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

import net.dtm.api.DeviceId;
import net.dtm.benchmark.Chart;
import net.dtm.benchmark.ChildCpu;
import net.dtm.benchmark.CsvTable;
import net.dtm.benchmark.Progress;
import net.dtm.testkit.lease.DeviceKeys;

/**
 * Fleet recovery (issue 17, item 7): {@code --devices} enrolled devices ({@link Fleet}: real
 * protocol, the agent's timing, many per JVM) each establish and hold a lease; then the server side
 * is restarted, the standalone node ({@link StandaloneSide}, durable Derby) and then the 3-node
 * cluster ({@link ClusterSide}, ZooKeeper): every node stopped cleanly, every device loses its
 * server at that moment and starts over as the agent does (ESTABLISH naming its last address,
 * 5 s attempts, back-off 0.5 s doubling to 30 s), the nodes start again on the same store. Measured
 * ({@link RecoveryTracker}): the time from the nodes' being back up (and from the stop) until 99 %
 * and 100 % of the devices hold a lease again, and how many got another address (must be 0); with
 * the nodes' and the fleet's CPU and the counters that say what limited it.
 * <p>
 * Progress lines go to standard error, the table to standard output, {@code fleet.csv},
 * {@code fleet-timeline.csv}, {@code fleet-counters.csv} and {@code fleet.png} to {@code --out}.
 */
public final class FleetRecoveryBenchmark {

    private static final long SEED = 17_0007L;

    /** What one mode came to. */
    private record Run(String mode, String name, RecoveryTracker.Result result, double allUpSeconds,
                       double firstSeconds, int confirmed,
                       double confirmedSeconds, double nodeCpu, double fleetCpu, String load, Map<String, Long> node, Map<String, Long> fleet) {
    }

    private FleetRecoveryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        FleetOptions o;
        try {
            o = FleetOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (e.getMessage().equals("help")) {
                System.out.println(FleetOptions.USAGE);
                System.exit(0);
            }
            System.err.println("FleetRecoveryBenchmark: " + e.getMessage());
            System.err.println(FleetOptions.USAGE);
            System.exit(2);
            return;
        }
        String command = System.getProperty("fleet.command", "FleetRecoveryBenchmark " + String.join(" ", args));
        System.out.printf(Locale.ROOT, "DTM fleet recovery: %d devices (one link each, %d loopback source addresses),"
                        + " %s%s; %d cores, load average %s%ncommand: %s%n", o.devices(), o.sources(), String.join(" then ", o.modes()),
                o.jitter() == 0.5 ? "" : String.format(Locale.ROOT, ", back-off pauses jittered by up to %.0f %% (the agent: 50 %%)",
                        100 * o.jitter()),
                Runtime.getRuntime().availableProcessors(), Progress.loadAverage(), command);
        List<Run> runs = new ArrayList<>();
        int status = 0;
        for (String mode : o.modes()) {
            try {
                runs.add(run(mode, o));
            } catch (Exception e) {
                status = 1;
                System.err.println("FleetRecoveryBenchmark: " + mode + " failed: " + e);
                e.printStackTrace();
            }
        }
        if (!runs.isEmpty()) {
            table(runs, o);
            write(runs, o, command);
        }
        System.exit(status);
    }

    private static Run run(String mode, FleetOptions o) throws Exception {
        Path dir = Files.createTempDirectory("dtm-fleet-" + mode);
        List<DeviceId> ids = DeviceKeys.ids(FleetNode.PREFIX, o.devices());
        System.err.printf(Locale.ROOT, "%s: work dir %s%n", mode, dir);
        try (ServerSide side = mode.equals("cluster") ? new ClusterSide(dir, ids, SEED, o.workers())
                : startStandalone(dir, o)) {
            RecoveryTracker tracker = new RecoveryTracker(o.devices());
            try (Fleet fleet = new Fleet(ids, d -> DeviceKeys.key(SEED, d), side.endpoints(), o.sources(), o.window(), o.jitter(),
                    tracker)) {
                // 1. every device establishes and confirms its first lease
                long t0 = System.nanoTime();
                try (Progress p = Progress.ofCount(mode + ": first leases (" + o.window() + " devices at a time)",
                        o.devices(), "devices confirmed", fleet::confirmed)) {
                    fleet.establishAll();
                    await(fleet::confirmed, o.devices(), o.timeout());
                }
                double firstSeconds = (System.nanoTime() - t0) / 1e9;
                if (fleet.confirmed() < o.devices()) {
                    throw new IllegalStateException("only " + fleet.confirmed() + " of " + o.devices()
                            + " devices confirmed a first lease within " + o.timeout() + " s (--timeout)");
                }
                System.err.printf(Locale.ROOT, "%s: %d devices hold a confirmed lease after %.1f s (%.0f /s)%n", mode,
                        o.devices(), firstSeconds, o.devices() / firstSeconds);
                Map<String, Long> fleetBefore = fleet.counters();
                // 2. the restart: stopped cleanly, every device loses its server, started again
                try (Progress p = Progress.ofStep(mode + ": stopping " + side.name())) {
                    side.stop();
                }
                long stopped = System.nanoTime();
                tracker.stopped(stopped);
                fleet.lose();
                long selfCpu0 = ChildCpu.self();
                long up;
                try (Progress p = Progress.ofStep(mode + ": starting " + side.name() + " again")) {
                    up = side.start();
                }
                long allUp = System.nanoTime();
                tracker.up(up);
                System.err.printf(Locale.ROOT, "%s: back up %.1f s after the stop (every node: %.1f s)%n", mode,
                        (up - stopped) / 1e9, (allUp - stopped) / 1e9);
                // 3. the fleet comes back
                try (Progress p = Progress.ofCount(mode + ": recovery", o.devices(), "devices re-established",
                        tracker::recovered)) {
                    await(tracker::recovered, o.devices(), o.timeout());
                }
                long end = System.nanoTime();
                // the CONFIRMs that follow each PARAMS: the node's work is over once they are answered
                try (Progress p = Progress.ofCount(mode + ": confirmations", o.devices(), "devices confirmed",
                        fleet::confirmed)) {
                    await(fleet::confirmed, o.devices(), o.timeout());
                }
                double confirmedSeconds = fleet.confirmed() < o.devices() ? Double.NaN : (System.nanoTime() - up) / 1e9;
                double nodeCpu = 100.0 * side.cpuNanos() / (end - up);
                double fleetCpu = 100.0 * (ChildCpu.self() - selfCpu0) / (end - stopped);
                String load = Progress.loadAverage();
                Map<String, Long> node = side.counters();
                Map<String, Long> fleetDelta = delta(fleet.counters(), fleetBefore);
                RecoveryTracker.Result r = tracker.result();
                return new Run(mode, side.name(), r, (allUp - stopped) / 1e9, firstSeconds, fleet.confirmed(), confirmedSeconds, nodeCpu, fleetCpu, load, node,
                        fleetDelta);
            }
        } finally {
            if (o.keep()) {
                System.err.println(mode + ": work directory kept: " + dir);
            } else {
                deleteTree(dir);
            }
        }
    }

    private static ServerSide startStandalone(Path dir, FleetOptions o) throws Exception {
        try (Progress p = Progress.ofStep("standalone: starting the node and enrolling " + o.devices() + " devices")) {
            return new StandaloneSide(dir, o.devices(), SEED, "1g");
        }
    }

    /** Waits (polling, bounded by {@code seconds}) until {@code count} reaches {@code target}. */
    private static void await(IntSupplier count, int target, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (count.getAsInt() < target && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);   // polling with a deadline
        }
    }

    private static Map<String, Long> delta(Map<String, Long> now, Map<String, Long> before) {
        Map<String, Long> out = new TreeMap<>();
        now.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0L)));
        return out;
    }

    private static void table(List<Run> runs, FleetOptions o) {
        System.out.printf("%n%-30s %7s %7s %7s %9s %9s %10s %10s %9s %8s %8s %9s %9s  %s%n", "server side", "devices", "down s", "all up",
                "up->99% s", "up->100%", "stop->99%", "stop->100%", "addr chg", "not back", "node CPU", "fleet CPU",
                "first/s", "load average");
        for (Run run : runs) {
            RecoveryTracker.Result r = run.result();
            System.out.printf(Locale.ROOT, "%-30s %7d %7.1f %7.1f %9s %9s %10s %10s %9d %8d %7.0f%% %8.0f%% %9.0f  %s%n",
                    run.name(), r.devices(), r.downSeconds(), run.allUpSeconds(), secs(r.upTo99()), secs(r.upTo100()), secs(r.stopTo99()),
                    secs(r.stopTo100()), r.addressChanged(), r.missing(), run.nodeCpu(), run.fleetCpu(),
                    r.devices() / run.firstSeconds(), run.load());
        }
        System.out.println("(down: from the stop to the first node READY again, all up: to every node READY; up: the"
                + " first node READY; node CPU: % of one core, from up to the last device back;"
                + " fleet CPU: this JVM from the stop; first/s: first leases per second before the restart)");
        for (Run run : runs) {
            System.out.println(run.mode() + " node counters (restarted run): " + interesting(run.node()));
            System.out.println(run.mode() + " fleet counters (recovery): " + run.fleet());
            RecoveryTracker.Result r = run.result();
            System.out.printf(Locale.ROOT, "RESULT mode=%s devices=%d up_to_99_s=%s up_to_100_s=%s stop_to_99_s=%s"
                            + " stop_to_100_s=%s address_changed=%d not_back=%d confirmed=%d up_to_all_confirmed_s=%s%n",
                    run.mode(), r.devices(), secs(r.upTo99()), secs(r.upTo100()), secs(r.stopTo99()), secs(r.stopTo100()),
                    r.addressChanged(), r.missing(), run.confirmed(), secs(run.confirmedSeconds()));
        }
    }

    /** The node counters that say what limited the recovery: drops, refusals, requests answered. */
    private static Map<String, Long> interesting(Map<String, Long> all) {
        Map<String, Long> out = new TreeMap<>();
        all.forEach((k, v) -> {
            if (v != 0 && (k.startsWith("dropped") || k.startsWith("nak") || k.startsWith("refused")
                    || k.contains("received") || k.contains("answered") || k.contains("establish")
                    || k.contains("confirm") || k.contains("cache"))) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static String secs(double s) {
        return Double.isNaN(s) ? "-" : String.format(Locale.ROOT, "%.1f", s);
    }

    private static void write(List<Run> runs, FleetOptions o, String command) throws IOException {
        CsvTable summary = new CsvTable("mode", "devices", "sources", "down_s", "all_up_s", "up_to_99_s", "up_to_100_s", "stop_to_99_s",
                "stop_to_100_s", "address_changed", "not_back", "confirmed_at_end", "up_to_all_confirmed_s", "node_cpu_pct", "fleet_cpu_pct",
                "first_leases_per_s", "load_average", "command");
        CsvTable timeline = new CsvTable("mode", "seconds_since_stop", "re_established", "percent");
        CsvTable counters = new CsvTable("mode", "side", "counter", "value");
        List<Chart.Series> series = new ArrayList<>();
        List<Chart.Mark> marks = new ArrayList<>();
        int colour = 0;
        for (Run run : runs) {
            RecoveryTracker.Result r = run.result();
            summary.row(run.mode(), r.devices(), o.sources(), r.downSeconds(), run.allUpSeconds(), r.upTo99(), r.upTo100(), r.stopTo99(),
                    r.stopTo100(), r.addressChanged(), r.missing(), run.confirmed(), run.confirmedSeconds(), run.nodeCpu(), run.fleetCpu(),
                    r.devices() / run.firstSeconds(), run.load(), command);
            List<double[]> points = new ArrayList<>();
            for (double[] p : r.timeline()) {
                timeline.row(run.mode(), p[0], (long) p[1], 100.0 * p[1] / r.devices());
                points.add(new double[] {p[0], 100.0 * p[1] / r.devices()});
            }
            run.node().forEach((k, v) -> counters.row(run.mode(), "node", k, v));
            run.fleet().forEach((k, v) -> counters.row(run.mode(), "fleet", k, v));
            series.add(new Chart.Series(run.name(), Chart.PALETTE.get(colour++ % Chart.PALETTE.size()), Chart.Line.SOLID,
                    Chart.Marker.NONE, points));
            marks.add(new Chart.Mark(true, r.downSeconds(), run.mode() + " up"));
        }
        marks.add(new Chart.Mark(false, 99, "99 %"));
        Path out = o.out();
        summary.write(out.resolve("fleet.csv"));
        timeline.write(out.resolve("fleet-timeline.csv"));
        counters.write(out.resolve("fleet-counters.csv"));
        Chart.write(out.resolve("fleet.png"), String.format(Locale.ROOT, "DTM fleet recovery: %d devices re-establishing"
                        + " after a restart of the server side (%d cores, load average %s)", runs.get(0).result().devices(),
                Runtime.getRuntime().availableProcessors(), Progress.loadAverage()),
                List.of(new Chart.Panel("devices holding a lease again", Chart.Axis.linear("seconds since the stop"),
                        Chart.Axis.linear("% of the fleet").range(0, 100), series, marks)));
        System.out.println("wrote " + out.resolve("fleet.csv") + ", fleet-timeline.csv, fleet-counters.csv, fleet.png");
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
