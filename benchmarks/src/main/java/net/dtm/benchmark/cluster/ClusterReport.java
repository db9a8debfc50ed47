package net.dtm.benchmark.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import net.dtm.benchmark.Chart;
import net.dtm.benchmark.Chart.Axis;
import net.dtm.benchmark.Chart.Mark;
import net.dtm.benchmark.Chart.Panel;
import net.dtm.benchmark.Chart.Series;
import net.dtm.benchmark.CsvTable;

/**
 * What the cluster benchmark writes: {@code cluster.csv} (one row per rate trial, warm-ups
 * included), {@code cluster-rate.csv} (each trial's confirmed leases per second, second by second),
 * {@code cluster-establish.csv} (every establishment of the kill trial: its start relative to the
 * kill, its time, device and serving node) and {@code cluster.png} (the timed trials' rate over
 * time; establishment times against start, the kill marked).
 */
final class ClusterReport {

    private final CsvTable trials = new CsvTable("trial", "nodes", "concurrency", "confirmed", "leases_per_s", "p50_ms",
            "p99_ms", "refused", "timed_out", "load_average", "client_cpu_us_per_lease", "nodes_cpu_us_per_lease",
            "zookeeper_cpu_us_per_lease", "cores_busy", "datagrams_dropped");
    private final CsvTable rateRows = new CsvTable("trial", "elapsed_s", "confirmed", "leases_per_s");
    private final CsvTable establishRows = new CsvTable("started_after_kill_s", "establishment_ms", "device", "node");
    private final List<Series> rateSeries = new ArrayList<>();
    private final List<double[]> before = new ArrayList<>();
    private final List<double[]> after = new ArrayList<>();

    /** One rate trial; {@code rates} as {@link net.dtm.benchmark.Progress#rates} gives them. */
    void rateTrial(String name, int nodes, String concurrency, long confirmed, double perSecond, double p50Ms,
                   double p99Ms, long refused, long timedOut, String load, CpuPerLease cpu, long dropped,
                   List<double[]> rates) {
        trials.row(name, nodes, concurrency, confirmed, perSecond, p50Ms, p99Ms, refused, timedOut, load,
                cpu.clientMicros(), cpu.nodesMicros(), cpu.zookeeperMicros(), cpu.coresBusy(), dropped);
        List<double[]> points = new ArrayList<>();
        for (double[] r : rates) {
            rateRows.row(name, r[0], (long) r[1], r[2]);
            points.add(new double[] {r[0], r[2]});
        }
        if (!name.contains("warm-up")) {
            Chart.Series s = Series.line(name + " (concurrency " + concurrency + ")",
                    Chart.PALETTE.get(rateSeries.size() % Chart.PALETTE.size()), points);
            rateSeries.add(s);
        }
    }

    /** One establishment of the kill trial: started {@code startS} seconds after the kill (negative: before). */
    void establishment(double startS, double ms, String device, String node) {
        establishRows.row(startS, ms, device, node);
        (startS < 0 ? before : after).add(new double[] {startS, ms});
    }

    void write(Path dir, String title) throws IOException {
        List<Path> files = List.of(trials.write(dir.resolve("cluster.csv")), rateRows.write(dir.resolve("cluster-rate.csv")),
                establishRows.write(dir.resolve("cluster-establish.csv")));
        Panel rate = new Panel("New durable leases per second", Axis.linear("time into the trial (s)"),
                Axis.linear("leases confirmed per second (1/s)"), rateSeries);
        Panel kill = new Panel("Establishment time around kill -9 of node-1",
                Axis.linear("agent's start relative to the kill (s)"),
                Axis.log("establishment time (ms, log scale)"),
                List.of(Series.scatter("agent started before the kill", Chart.PALETTE.get(0), before),
                        Series.scatter("agent started after the kill", Chart.PALETTE.get(2), after)),
                List.of(new Mark(true, 0, "kill -9 node-1")));
        Path png = dir.resolve("cluster.png");
        Chart.write(png, title, List.of(rate, kill));
        files.forEach(f -> System.out.println("csv: " + f.toAbsolutePath()));
        System.out.println("png: " + png.toAbsolutePath());
    }
}
