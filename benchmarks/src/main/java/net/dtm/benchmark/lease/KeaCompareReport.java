package net.dtm.benchmark.lease;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import net.dtm.benchmark.Chart;
import net.dtm.benchmark.Chart.Axis;
import net.dtm.benchmark.Chart.Mark;
import net.dtm.benchmark.Chart.Panel;
import net.dtm.benchmark.Chart.Series;
import net.dtm.benchmark.CsvTable;

/**
 * The figures of {@code run-kea-compare.sh} as one CSV file and one PNG: reads the Kea trials the
 * script wrote ({@code kea-trials.csv}: mt, offered_per_s, completed_per_s, leases_in_file,
 * distinct_addresses, kea_cpu_percent, perfdhcp_rate) and the DTM trials of
 * {@link NewLeaseBenchmark} ({@code new-lease.csv}), and writes {@code kea-compare.csv} (every
 * trial of both) and {@code kea-compare.png} (Kea's completed exchanges against the offered rate,
 * DTM's new leases against concurrency, on one scale, each with the other's best as a reference).
 * Usage: {@code KeaCompareReport <kea-trials.csv> <new-lease.csv> <out dir> <seconds per trial>}.
 */
public final class KeaCompareReport {

    private KeaCompareReport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: KeaCompareReport <kea-trials.csv> <new-lease.csv> <out dir> <seconds per trial>");
            System.exit(2);
        }
        write(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), args[3]);
    }

    static void write(Path keaTrials, Path dtmTrials, Path out, String seconds) throws IOException {
        List<Map<String, String>> kea = Files.exists(keaTrials) ? read(keaTrials) : List.of();
        List<Map<String, String>> dtm = Files.exists(dtmTrials) ? read(dtmTrials) : List.of();
        CsvTable csv = new CsvTable("system", "setting", "offered_per_s", "concurrency", "completed_per_s", "p50_ms",
                "p99_ms", "server_cpu_percent");
        Map<String, List<double[]>> keaSeries = new LinkedHashMap<>();
        double keaBest = 0;
        for (Map<String, String> t : kea) {
            String setting = "multi-threading " + t.get("mt");
            double offered = number(t.get("offered_per_s"));
            double completed = number(t.get("completed_per_s"));
            csv.row("kea", setting, offered, null, completed, null, null, number(t.get("kea_cpu_percent")));
            keaSeries.computeIfAbsent(setting, k -> new ArrayList<>()).add(new double[] {offered, completed});
            keaBest = Math.max(keaBest, completed);
        }
        List<double[]> dtmPoints = new ArrayList<>();
        double dtmBest = 0;
        for (Map<String, String> t : dtm) {
            if (t.containsKey("phase") && !t.get("phase").equals("trial")) {
                continue; // the --fill variant's trials compare table sizes, not DTM with Kea
            }
            double concurrency = number(t.get("concurrency"));
            double rate = number(t.get("leases_per_s"));
            csv.row("dtm", "durable Derby", null, concurrency, rate, number(t.get("p50_ms")), number(t.get("p99_ms")),
                    number(t.get("node_cpu_percent")));
            dtmPoints.add(new double[] {concurrency, rate});
            dtmBest = Math.max(dtmBest, rate);
        }
        Path csvFile = csv.write(out.resolve("kea-compare.csv"));
        double top = Math.max(1, Math.max(keaBest, dtmBest) * 1.1);
        List<Series> keaLines = new ArrayList<>();
        keaSeries.forEach((setting, points) -> keaLines.add(Series.line("Kea, " + setting,
                Chart.PALETTE.get(1 + keaLines.size()), points)));
        Panel keaPanel = new Panel("ISC Kea DHCPv4 (memfile), perfdhcp", Axis.linear("offered DORA exchanges per second (1/s)"),
                Axis.linear("completed exchanges per second (1/s)").range(0, top), keaLines,
                dtmBest > 0 ? List.of(new Mark(false, dtmBest, String.format(Locale.ROOT, "DTM best %.0f/s", dtmBest)))
                        : List.of());
        Panel dtmPanel = new Panel("DTM, one node (durable Derby)", Axis.log("devices in flight (concurrency, log scale)"),
                Axis.linear("new leases per second (1/s)").range(0, top),
                List.of(Series.line("DTM new leases (ESTABLISH, PARAMS, CONFIRM, ACK)", Chart.PALETTE.get(0), dtmPoints)),
                keaBest > 0 ? List.of(new Mark(false, keaBest, String.format(Locale.ROOT, "Kea best %.0f/s", keaBest)))
                        : List.of());
        Path png = out.resolve("kea-compare.png");
        Chart.write(png, String.format(Locale.ROOT, "New leases per second on this machine (%d cores, %s s per trial):"
                        + " DTM %.0f/s, Kea %.0f/s%s", Runtime.getRuntime().availableProcessors(), seconds, dtmBest, keaBest,
                keaBest > 0 ? String.format(Locale.ROOT, ", DTM/Kea %.2f", dtmBest / keaBest) : ""),
                List.of(keaPanel, dtmPanel));
        System.out.println("csv: " + csvFile.toAbsolutePath());
        System.out.println("png: " + png.toAbsolutePath());
    }

    /** A plain CSV file with a header (no quoted fields) as one map per row. */
    static List<Map<String, String>> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Map<String, String>> rows = new ArrayList<>();
        if (lines.isEmpty()) {
            return rows;
        }
        String[] header = lines.get(0).split(",", -1);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i].trim(), i < f.length ? f[i].trim() : "");
            }
            rows.add(row);
        }
        return rows;
    }

    private static double number(String s) {
        try {
            return s == null || s.isEmpty() ? Double.NaN : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
