package net.dtm.benchmark.pool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import net.dtm.benchmark.Chart;
import net.dtm.benchmark.Chart.Axis;
import net.dtm.benchmark.Chart.Line;
import net.dtm.benchmark.Chart.Marker;
import net.dtm.benchmark.Chart.Mark;
import net.dtm.benchmark.Chart.Panel;
import net.dtm.benchmark.Chart.Series;
import net.dtm.benchmark.CsvTable;

/**
 * What the pool scale benchmark writes: {@code pool-scale.csv} (allocation times per phase),
 * {@code pool-scale-fill.csv} (the fill's new leases per second as the pool fills),
 * {@code pool-scale-summary.csv} (every single figure, with its unit) and {@code pool-scale.png}
 * (the allocation times' distributions side by side, and the fill rate against the pool's fill).
 */
final class PoolScaleReport {

    private record Phase(String name, double fillPercent, double[] micros) {
    }

    private final List<Phase> phases = new ArrayList<>();
    private final List<double[]> fill = new ArrayList<>();
    private final CsvTable summary = new CsvTable("measure", "value", "unit");
    private int threads;

    /** Allocation times of one phase, in microseconds. */
    void allocations(String name, double fillPercent, double[] micros) {
        double[] sorted = micros.clone();
        Arrays.sort(sorted);
        phases.add(new Phase(name, fillPercent, sorted));
    }

    /**
     * The fill's rates ({@link net.dtm.benchmark.Progress#rates}: seconds, leases filled, leases/s)
     * of a fill that started with {@code before} of {@code assignable} addresses leased.
     */
    void fill(List<double[]> rates, long before, long assignable, int fillThreads) {
        threads = fillThreads;
        for (double[] r : rates) {
            fill.add(new double[] {r[0], before + r[1], 100.0 * (before + r[1]) / assignable, r[2]});
        }
    }

    /** One figure of the summary. */
    void figure(String measure, double value, String unit) {
        summary.row(measure, value, unit);
    }

    void write(Path dir, String title) throws IOException {
        CsvTable allocations = new CsvTable("phase", "fill_percent", "allocations", "mean_us", "p50_us", "p90_us",
                "p99_us", "max_us");
        for (Phase p : phases) {
            double[] v = p.micros();
            allocations.row(p.name(), p.fillPercent(), v.length, PoolScaleBenchmark.mean(v), PoolScaleBenchmark.pct(v, 50),
                    PoolScaleBenchmark.pct(v, 90), PoolScaleBenchmark.pct(v, 99), v[v.length - 1]);
        }
        CsvTable rates = new CsvTable("elapsed_s", "leases", "fill_percent", "new_leases_per_s");
        fill.forEach(f -> rates.row(f[0], f[1], f[2], f[3]));
        List<Path> files = List.of(allocations.write(dir.resolve("pool-scale.csv")),
                rates.write(dir.resolve("pool-scale-fill.csv")), summary.write(dir.resolve("pool-scale-summary.csv")));
        Path png = dir.resolve("pool-scale.png");
        Chart.write(png, title, List.of(distribution(), fillRate()));
        files.forEach(f -> System.out.println("csv: " + f.toAbsolutePath()));
        System.out.println("png: " + png.toAbsolutePath());
    }

    private Panel distribution() {
        List<Series> series = new ArrayList<>();
        for (int i = 0; i < phases.size(); i++) {
            double[] v = phases.get(i).micros();
            List<double[]> points = new ArrayList<>();
            for (int k = 0; k < v.length; k++) {
                points.add(new double[] {v[k], 100.0 * (k + 1) / v.length});
            }
            series.add(new Series(String.format(Locale.ROOT, "allocation, %s (n=%d)", phases.get(i).name(), v.length),
                    Chart.PALETTE.get(i % Chart.PALETTE.size()), Line.SOLID, Marker.NONE, points));
        }
        return new Panel("Allocation time (one durable lock each)", Axis.log("allocation time (µs, log scale)"),
                Axis.linear("allocations at or below (%)").range(0, 100), series,
                List.of(new Mark(false, 50, "p50"), new Mark(false, 99, "p99")));
    }

    private Panel fillRate() {
        List<double[]> points = new ArrayList<>();
        fill.forEach(f -> points.add(new double[] {f[2], f[3]}));
        return new Panel("Filling the pool (" + threads + " threads)", Axis.linear("pool fill (%)"),
                Axis.linear("new leases per second (1/s)"),
                List.of(new Series("new durable leases per second, 1 s intervals", Chart.PALETTE.get(3), Line.SOLID,
                        Marker.DOT, points)));
    }
}
