package net.dtm.benchmark;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import net.dtm.benchmark.Chart.Axis;
import net.dtm.benchmark.Chart.Key;
import net.dtm.benchmark.Chart.Line;
import net.dtm.benchmark.Chart.Mark;
import net.dtm.benchmark.Chart.Marker;
import net.dtm.benchmark.Chart.Panel;
import net.dtm.benchmark.Chart.Series;
import net.dtm.benchmark.Scenario.LossModel;

/**
 * The establishment benchmark's PNG ({@link Chart}): establishment-time percentiles against loss
 * rate, one panel per scenario family (link set × servers), p50/p95/p99 in three colours,
 * independent loss solid, bursty loss dashed, a logarithmic time axis, and the fastest link's round
 * trip, 1.5 times it and the 1 s mark as grey references; where a row has at least
 * {@value #COLD_PLOTTED} cold establishments (freshly started agents), their mean and p99 as
 * unconnected marks.
 */
final class LatencyPlot {

    private static final List<String> NAMES = List.of("p50", "p95", "p99");
    private static final List<ToDoubleFunction<Stats>> SERIES = List.of(Stats::p50, Stats::p95, Stats::p99);
    private static final Color COLD = Chart.PALETTE.get(4);
    /** Cold establishments a row needs for its cold mean and p99 to be drawn (a p99 of ten says little). */
    static final int COLD_PLOTTED = 100;

    private static boolean hasColdSample(Row r) {
        return r.cold().n() >= COLD_PLOTTED;
    }

    static void write(List<Row> rows, String title, Path png) throws IOException {
        Map<String, List<Row>> families = new LinkedHashMap<>();
        for (Row r : rows) {
            families.computeIfAbsent(r.scenario().family(), k -> new ArrayList<>()).add(r);
        }
        List<Panel> panels = new ArrayList<>();
        families.forEach((family, members) -> panels.add(panel(family, members)));
        List<Key> legend = new ArrayList<>();
        for (int s = 0; s < NAMES.size(); s++) {
            legend.add(new Key(NAMES.get(s), Chart.PALETTE.get(s), Line.SOLID, Marker.NONE));
        }
        legend.add(new Key("independent loss", Color.DARK_GRAY, Line.SOLID, Marker.DOT));
        legend.add(new Key("bursty loss (Gilbert-Elliott)", Color.DARK_GRAY, Line.DASHED, Marker.SQUARE));
        legend.add(new Key("fastest RTT, 1.5x RTT, 1 s", Color.GRAY, Line.DOTTED, Marker.NONE));
        if (rows.stream().anyMatch(LatencyPlot::hasColdSample)) {
            legend.add(new Key("cold mean (freshly started agents)", COLD, Line.NONE, Marker.DOT));
            legend.add(new Key("cold p99", COLD, Line.NONE, Marker.SQUARE));
        }
        Chart.write(png, title, legend, panels);
    }

    private static Panel panel(String family, List<Row> rows) {
        double rtt = rows.get(0).scenario().fastestRtt();
        double lo = rtt * 0.7;
        double hi = Math.max(1000, rtt * 5);
        double maxLoss = 70;
        for (Row r : rows) {
            if (r.warm().n() > 0) {
                lo = Math.min(lo, r.warm().p50() * 0.8);
                hi = Math.max(hi, r.warm().p99() * 1.2);
            }
            if (hasColdSample(r)) {
                lo = Math.min(lo, r.cold().mean() * 0.8);
                hi = Math.max(hi, r.cold().p99() * 1.2);
            }
            maxLoss = Math.max(maxLoss, r.scenario().lossPercent());
        }
        Axis x = Axis.linear("loss each way (%)").range(0, maxLoss);
        Axis y = Axis.log("establishment time (log scale)").range(lo, hi)
                .ticks(v -> v >= 1000 ? fmt(v / 1000) + " s" : fmt(v) + " ms");
        List<Series> series = new ArrayList<>();
        Row clean = rows.stream().filter(r -> r.scenario().lossPercent() == 0).findFirst().orElse(null);
        for (LossModel model : LossModel.values()) {
            List<Row> line = new ArrayList<>();
            if (clean != null && model == LossModel.BURSTY) {
                line.add(clean); // at 0 % loss both models are one and the same scenario
            }
            rows.stream().filter(r -> r.scenario().model() == model && (r != clean || model == LossModel.INDEPENDENT))
                    .forEach(line::add);
            if (model == LossModel.BURSTY && line.size() <= 1) {
                continue;
            }
            line.sort((a, b) -> Double.compare(a.scenario().lossPercent(), b.scenario().lossPercent()));
            for (int s = 0; s < NAMES.size(); s++) {
                List<double[]> points = new ArrayList<>();
                for (Row r : line) {
                    if (r.warm().n() > 0) {
                        points.add(new double[] {r.scenario().lossPercent(), SERIES.get(s).applyAsDouble(r.warm())});
                    }
                }
                boolean bursty = model == LossModel.BURSTY;
                series.add(new Series(NAMES.get(s) + " " + model.label, Chart.PALETTE.get(s),
                        bursty ? Line.DASHED : Line.SOLID, bursty ? Marker.SQUARE : Marker.DOT, points));
            }
        }
        List<double[]> coldMean = new ArrayList<>();
        List<double[]> coldP99 = new ArrayList<>();
        for (Row r : rows) {
            if (hasColdSample(r)) {
                coldMean.add(new double[] {r.scenario().lossPercent(), r.cold().mean()});
                coldP99.add(new double[] {r.scenario().lossPercent(), r.cold().p99()});
            }
        }
        if (!coldMean.isEmpty()) {
            series.add(new Series("cold mean (freshly started agents)", COLD, Line.NONE, Marker.DOT, coldMean));
            series.add(new Series("cold p99", COLD, Line.NONE, Marker.SQUARE, coldP99));
        }
        List<Mark> marks = List.of(new Mark(false, rtt, null), new Mark(false, 1.5 * rtt, null),
                new Mark(false, 1000, null));
        return new Panel(family + "   (fastest RTT " + fmt(rtt) + " ms)", x, y, series, marks);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private LatencyPlot() {
    }
}
