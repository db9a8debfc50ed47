package net.dtm.benchmark;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import javax.imageio.ImageIO;

import net.dtm.benchmark.Scenario.LossModel;

/**
 * Draws establishment-time percentiles against loss rate as a PNG, with java.awt only (headless):
 * one panel per scenario family (link set × servers), p50/p95/p99 in three colours, independent
 * loss solid, bursty loss dashed, a logarithmic time axis, and the fastest link's round trip and
 * the 1 s mark as grey references.
 */
final class LatencyPlot {

    private static final int PANEL_W = 420;
    private static final int PANEL_H = 300;
    private static final int LEFT = 62;
    private static final int RIGHT = 16;
    private static final int TOP = 30;
    private static final int BOTTOM = 42;
    private static final int HEADER = 56;
    /** Wide enough for the title and legend when there is only one panel. */
    private static final int MIN_WIDTH = 880;
    private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0xd62728)};
    private static final String[] NAMES = {"p50", "p95", "p99"};
    private static final List<ToDoubleFunction<Stats>> SERIES = List.of(Stats::p50, Stats::p95, Stats::p99);

    static void write(List<Row> rows, String title, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, List<Row>> families = new LinkedHashMap<>();
        for (Row r : rows) {
            families.computeIfAbsent(r.scenario().family(), k -> new ArrayList<>()).add(r);
        }
        int cols = Math.min(3, families.size());
        int rowsOfPanels = (families.size() + cols - 1) / cols;
        BufferedImage img = new BufferedImage(Math.max(cols * PANEL_W, MIN_WIDTH), HEADER + rowsOfPanels * PANEL_H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, 12, 20);
            legend(g, 12, 42);
            int i = 0;
            for (var e : families.entrySet()) {
                panel(g, (i % cols) * PANEL_W, HEADER + (i / cols) * PANEL_H, e.getKey(), e.getValue());
                i++;
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(img, "png", png.toFile());
    }

    private static void legend(Graphics2D g, int x, int y) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int s = 0; s < 3; s++) {
            g.setColor(COLOURS[s]);
            g.setStroke(new BasicStroke(2.5f));
            g.drawLine(x, y - 4, x + 24, y - 4);
            g.setColor(Color.BLACK);
            g.drawString(NAMES[s], x + 28, y);
            x += 70;
        }
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(2f));
        g.drawLine(x, y - 4, x + 24, y - 4);
        g.drawString("independent loss", x + 28, y);
        x += 140;
        g.setStroke(dashed());
        g.drawLine(x, y - 4, x + 24, y - 4);
        g.drawString("bursty loss (Gilbert-Elliott)", x + 28, y);
        x += 200;
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {2, 3}, 0));
        g.drawLine(x, y - 4, x + 24, y - 4);
        g.drawString("fastest RTT, 1.5x RTT, 1 s", x + 28, y);
    }

    private static void panel(Graphics2D g, int ox, int oy, String family, List<Row> rows) {
        int x0 = ox + LEFT;
        int x1 = ox + PANEL_W - RIGHT;
        int y0 = oy + PANEL_H - BOTTOM;
        int y1 = oy + TOP;
        double rtt = rows.get(0).scenario().fastestRtt();
        double lo = rtt * 0.7;
        double hi = Math.max(1000, rtt * 5);
        for (Row r : rows) {
            if (r.warm().n() > 0) {
                lo = Math.min(lo, r.warm().p50() * 0.8);
                hi = Math.max(hi, r.warm().p99() * 1.2);
            }
        }
        double logLo = Math.log10(lo);
        double logHi = Math.log10(hi);
        double maxLoss = 70;
        for (Row r : rows) {
            maxLoss = Math.max(maxLoss, r.scenario().lossPercent());
        }
        final double mx = maxLoss;
        ToDoubleFunction<Double> px = loss -> x0 + (x1 - x0) * loss / mx;
        ToDoubleFunction<Double> py = ms -> y0 - (y0 - y1) * (Math.log10(ms) - logLo) / (logHi - logLo);

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(family + "   (fastest RTT " + fmt(rtt) + " ms)", x0, oy + 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setStroke(new BasicStroke(1f));
        // time grid: 1-2-5 steps on the log axis
        for (int dec = (int) Math.floor(logLo); dec <= (int) Math.ceil(logHi); dec++) {
            for (int m : new int[] {1, 2, 5}) {
                double v = m * Math.pow(10, dec);
                if (v < lo || v > hi) {
                    continue;
                }
                int y = (int) py.applyAsDouble(v);
                g.setColor(new Color(0xe6e6e6));
                g.drawLine(x0, y, x1, y);
                g.setColor(Color.BLACK);
                String label = v >= 1000 ? fmt(v / 1000) + " s" : fmt(v) + " ms";
                g.drawString(label, x0 - 6 - g.getFontMetrics().stringWidth(label), y + 4);
            }
        }
        for (int loss = 0; loss <= mx; loss += 10) {
            int x = (int) px.applyAsDouble((double) loss);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(x, y0, x, y1);
            g.setColor(Color.BLACK);
            String label = loss + "%";
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, y0 + 15);
        }
        g.drawString("loss each way", (x0 + x1) / 2 - 35, y0 + 32);
        g.drawRect(x0, y1, x1 - x0, y0 - y1);
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {2, 3}, 0));
        for (double ref : new double[] {rtt, 1.5 * rtt, 1000}) {
            if (ref >= lo && ref <= hi) {
                int y = (int) py.applyAsDouble(ref);
                g.drawLine(x0, y, x1, y);
            }
        }
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
            for (int s = 0; s < 3; s++) {
                g.setColor(COLOURS[s]);
                Stroke stroke = model == LossModel.BURSTY ? dashed() : new BasicStroke(2f);
                int px0 = -1;
                int py0 = -1;
                for (Row r : line) {
                    if (r.warm().n() == 0) {
                        continue;
                    }
                    int x = (int) px.applyAsDouble(r.scenario().lossPercent());
                    int y = (int) py.applyAsDouble(SERIES.get(s).applyAsDouble(r.warm()));
                    g.setStroke(new BasicStroke(1.5f));
                    if (model == LossModel.BURSTY) {
                        g.drawRect(x - 3, y - 3, 6, 6);
                    } else {
                        g.fillOval(x - 3, y - 3, 7, 7);
                    }
                    if (px0 >= 0) {
                        g.setStroke(stroke);
                        g.drawLine(px0, py0, x, y);
                    }
                    px0 = x;
                    py0 = y;
                }
            }
        }
    }

    private static Stroke dashed() {
        return new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {7, 5}, 0);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private LatencyPlot() {
    }
}
