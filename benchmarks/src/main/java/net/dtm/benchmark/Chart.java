package net.dtm.benchmark;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;

import javax.imageio.ImageIO;

/**
 * The benchmarks' PNG charts, drawn with java.awt only (headless): a title, a legend, and up to
 * three panels a row, each with its own title, labelled axes (linear or logarithmic), grid, grey
 * dotted reference lines and series drawn as lines, markers or both.
 */
public final class Chart {

    /** How an axis maps values. */
    public enum Scale { LINEAR, LOG }

    /** How a series' points are joined (NONE: markers only, a scatter plot). */
    public enum Line { SOLID, DASHED, DOTTED, NONE }

    /** What marks each point of a series. */
    public enum Marker { DOT, SQUARE, NONE }

    /** Colours for series in order: blue, orange, red, green, purple, brown. */
    public static final List<Color> PALETTE = List.of(new Color(0x1f77b4), new Color(0xff7f0e), new Color(0xd62728),
            new Color(0x2ca02c), new Color(0x9467bd), new Color(0x8c564b));

    static final int PANEL_W = 420;
    static final int PANEL_H = 300;
    private static final int LEFT = 76;
    private static final int RIGHT = 16;
    private static final int TOP = 30;
    private static final int BOTTOM = 42;
    private static final int TITLE_H = 30;
    private static final int TITLE_LINE_H = 19;
    private static final int LEGEND_LINE_H = 20;
    private static final int GAP_UNDER_LEGEND = 6;
    /** Wide enough for the title and legend when there are only one or two panels. */
    static final int MIN_WIDTH = 880;
    private static final Color GRID = new Color(0xe6e6e6);

    /**
     * One axis. {@code label} names the quantity and its unit, e.g. "new leases per second (1/s)";
     * {@code min}/{@code max} NaN are taken from the data (a linear axis starts at 0 unless a value
     * is negative); {@code ticks} formats a tick value, null for plain numbers.
     */
    public record Axis(String label, Scale scale, double min, double max, DoubleFunction<String> ticks) {

        public static Axis linear(String label) {
            return new Axis(label, Scale.LINEAR, Double.NaN, Double.NaN, null);
        }

        public static Axis log(String label) {
            return new Axis(label, Scale.LOG, Double.NaN, Double.NaN, null);
        }

        public Axis range(double lo, double hi) {
            return new Axis(label, scale, lo, hi, ticks);
        }

        public Axis ticks(DoubleFunction<String> format) {
            return new Axis(label, scale, min, max, format);
        }
    }

    /** A series: {@code points} are {x, y} pairs; NaN coordinates are skipped. */
    public record Series(String name, Color colour, Line line, Marker marker, List<double[]> points) {

        public static Series line(String name, Color colour, List<double[]> points) {
            return new Series(name, colour, Line.SOLID, Marker.DOT, points);
        }

        public static Series scatter(String name, Color colour, List<double[]> points) {
            return new Series(name, colour, Line.NONE, Marker.DOT, points);
        }
    }

    /** A grey dotted reference line across a panel at {@code value} on the x axis (vertical) or y axis. */
    public record Mark(boolean vertical, double value, String label) {
    }

    /** One entry of the legend. */
    public record Key(String label, Color colour, Line line, Marker marker) {
    }

    /** One panel. */
    public record Panel(String title, Axis x, Axis y, List<Series> series, List<Mark> marks) {

        public Panel(String title, Axis x, Axis y, List<Series> series) {
            this(title, x, y, series, List.of());
        }
    }

    private Chart() {
    }

    /** The legend every series name gives, first occurrence of each name, in order. */
    public static List<Key> keysOf(List<Panel> panels) {
        Map<String, Key> keys = new LinkedHashMap<>();
        for (Panel p : panels) {
            for (Series s : p.series()) {
                keys.putIfAbsent(s.name(), new Key(s.name(), s.colour(), s.line(), s.marker()));
            }
        }
        return new ArrayList<>(keys.values());
    }

    /** Writes the panels to {@code png} with the legend of their series' names. */
    public static void write(Path png, String title, List<Panel> panels) throws IOException {
        write(png, title, keysOf(panels), panels);
    }

    /** Writes the panels to {@code png} under {@code title} and {@code legend}. */
    public static void write(Path png, String title, List<Key> legend, List<Panel> panels) throws IOException {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("a chart needs at least one panel");
        }
        System.setProperty("java.awt.headless", "true");
        int cols = Math.min(3, panels.size());
        int rowsOfPanels = (panels.size() + cols - 1) / cols;
        int panelW = Math.max(PANEL_W, MIN_WIDTH / cols);
        int width = cols * panelW;
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        pg.setFont(legendFont());
        int legendLines = legendLines(pg.getFontMetrics(), legend, width - 24);
        pg.setFont(titleFont());
        List<String> titleLines = wrap(pg.getFontMetrics(), title, width - 24);
        pg.dispose();
        int titleH = TITLE_H + (titleLines.size() - 1) * TITLE_LINE_H;
        int header = titleH + legendLines * LEGEND_LINE_H + GAP_UNDER_LEGEND;
        BufferedImage img = new BufferedImage(width, header + rowsOfPanels * PANEL_H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(titleFont());
            for (int i = 0; i < titleLines.size(); i++) {
                g.drawString(titleLines.get(i), 12, 20 + i * TITLE_LINE_H);
            }
            legend(g, legend, 12, titleH + 12, width - 24);
            for (int i = 0; i < panels.size(); i++) {
                panel(g, (i % cols) * panelW, header + (i / cols) * PANEL_H, panelW, panels.get(i));
            }
        } finally {
            g.dispose();
        }
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(img, "png", png.toFile());
    }

    private static Font titleFont() {
        return new Font(Font.SANS_SERIF, Font.BOLD, 15);
    }

    /** {@code text} in lines no wider than {@code width}, broken between words. */
    static List<String> wrap(FontMetrics fm, String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && fm.stringWidth(line + " " + word) > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    private static Font legendFont() {
        return new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    }

    private static int keyWidth(FontMetrics fm, Key k) {
        return 30 + fm.stringWidth(k.label()) + 18;
    }

    private static int legendLines(FontMetrics fm, List<Key> legend, int width) {
        int lines = legend.isEmpty() ? 0 : 1;
        int x = 0;
        for (Key k : legend) {
            int w = keyWidth(fm, k);
            if (x > 0 && x + w > width) {
                lines++;
                x = 0;
            }
            x += w;
        }
        return lines;
    }

    private static void legend(Graphics2D g, List<Key> legend, int left, int y, int width) {
        g.setFont(legendFont());
        FontMetrics fm = g.getFontMetrics();
        int x = left;
        for (Key k : legend) {
            int w = keyWidth(fm, k);
            if (x > left && x + w > left + width) {
                x = left;
                y += LEGEND_LINE_H;
            }
            g.setColor(k.colour());
            if (k.line() != Line.NONE) {
                g.setStroke(stroke(k.line()));
                g.drawLine(x, y - 4, x + 24, y - 4);
            }
            g.setStroke(new BasicStroke(1.5f));
            marker(g, k.marker(), x + 12, y - 4);
            g.setColor(Color.BLACK);
            g.drawString(k.label(), x + 30, y);
            x += w;
        }
    }

    private static void panel(Graphics2D g, int ox, int oy, int panelW, Panel p) {
        int x0 = ox + LEFT;
        int x1 = ox + panelW - RIGHT;
        int y0 = oy + PANEL_H - BOTTOM;
        int y1 = oy + TOP;
        Range xr = Range.of(p.x(), p, true);
        Range yr = Range.of(p.y(), p, false);

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(p.title(), x0, oy + 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1f));
        int lastLabel = Integer.MAX_VALUE; // labels that would overlap the one before are left out
        for (double v : yr.ticks()) {
            int y = (int) Math.round(yr.map(v, y0, y1));
            g.setColor(GRID);
            g.drawLine(x0, y, x1, y);
            if (lastLabel - y >= fm.getAscent() + 2) {
                g.setColor(Color.BLACK);
                String label = yr.label(v);
                g.drawString(label, x0 - 6 - fm.stringWidth(label), y + 4);
                lastLabel = y;
            }
        }
        lastLabel = Integer.MIN_VALUE;
        for (double v : xr.ticks()) {
            int x = (int) Math.round(xr.map(v, x0, x1));
            g.setColor(GRID);
            g.drawLine(x, y0, x, y1);
            String label = xr.label(v);
            int left = x - fm.stringWidth(label) / 2;
            if (left >= lastLabel + 6) {
                g.setColor(Color.BLACK);
                g.drawString(label, left, y0 + 15);
                lastLabel = left + fm.stringWidth(label);
            }
        }
        g.drawString(p.x().label(), (x0 + x1) / 2 - fm.stringWidth(p.x().label()) / 2, y0 + 32);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        // rotated a quarter turn: drawString(x, y) puts the text at (y, -x) of the page, upwards
        g.drawString(p.y().label(), -((y0 + y1) / 2 + fm.stringWidth(p.y().label()) / 2), ox + 14);
        g.setTransform(saved);
        g.drawRect(x0, y1, x1 - x0, y0 - y1);

        g.setStroke(stroke(Line.DOTTED));
        for (Mark m : p.marks()) {
            Range r = m.vertical() ? xr : yr;
            if (!r.contains(m.value())) {
                continue;
            }
            g.setColor(Color.GRAY);
            if (m.vertical()) {
                int x = (int) Math.round(xr.map(m.value(), x0, x1));
                g.drawLine(x, y0, x, y1);
                if (m.label() != null) {
                    g.drawString(m.label(), x + 3, y1 + 12);
                }
            } else {
                int y = (int) Math.round(yr.map(m.value(), y0, y1));
                g.drawLine(x0, y, x1, y);
                if (m.label() != null) {
                    g.drawString(m.label(), x1 - 3 - fm.stringWidth(m.label()), y - 3);
                }
            }
        }
        for (Series s : p.series()) {
            g.setColor(s.colour());
            int px = -1;
            int py = -1;
            for (double[] pt : s.points()) {
                if (!xr.contains(pt[0]) || !yr.contains(pt[1])) {
                    continue;
                }
                int x = (int) Math.round(xr.map(pt[0], x0, x1));
                int y = (int) Math.round(yr.map(pt[1], y0, y1));
                if (px >= 0 && s.line() != Line.NONE) {
                    g.setStroke(stroke(s.line()));
                    g.drawLine(px, py, x, y);
                }
                g.setStroke(new BasicStroke(1.5f));
                marker(g, s.marker(), x, y);
                px = x;
                py = y;
            }
        }
    }

    private static void marker(Graphics2D g, Marker m, int x, int y) {
        switch (m) {
            case DOT -> g.fillOval(x - 3, y - 3, 7, 7);
            case SQUARE -> g.drawRect(x - 3, y - 3, 6, 6);
            case NONE -> {
            }
        }
    }

    private static Stroke stroke(Line line) {
        return switch (line) {
            case DASHED -> new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {7, 5}, 0);
            case DOTTED -> new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {2, 3}, 0);
            default -> new BasicStroke(2f);
        };
    }

    /** Plain tick numbers: as many decimals as the tick step needs. */
    static String number(double v, double step) {
        int decimals = step >= 1 || step <= 0 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** An axis' extent and ticks over a panel's data. */
    record Range(Axis axis, double lo, double hi, double step) {

        static Range of(Axis a, Panel p, boolean x) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (Series s : p.series()) {
                for (double[] pt : s.points()) {
                    double v = x ? pt[0] : pt[1];
                    if (Double.isFinite(v) && (a.scale() == Scale.LINEAR || v > 0)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
            if (a.scale() == Scale.LOG) {
                if (lo > hi) {
                    lo = 1;
                    hi = 10;
                }
                lo = Double.isNaN(a.min()) ? lo * 0.8 : a.min();
                hi = Double.isNaN(a.max()) ? hi * 1.25 : a.max();
                if (hi <= lo) {
                    hi = lo * 10;
                }
                return new Range(a, lo, hi, 0);
            }
            if (lo > hi) {
                lo = 0;
                hi = 1;
            }
            lo = Double.isNaN(a.min()) ? Math.min(0, lo) : a.min();
            hi = Double.isNaN(a.max()) ? hi : a.max();
            if (hi <= lo) {
                hi = lo + 1;
            }
            double step = niceStep((hi - lo) / 6);
            if (Double.isNaN(a.min()) && lo < 0) {
                lo = Math.floor(lo / step + 1e-9) * step;
            }
            if (Double.isNaN(a.max())) {
                hi = Math.ceil(hi / step - 1e-9) * step;
                hi = hi <= lo ? lo + step : hi;
            }
            return new Range(a, lo, hi, step);
        }

        static double niceStep(double raw) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            for (double m : new double[] {1, 2, 5}) {
                if (m * magnitude >= raw) {
                    return m * magnitude;
                }
            }
            return 10 * magnitude;
        }

        boolean contains(double v) {
            return Double.isFinite(v) && v >= lo - 1e-9 * Math.abs(lo) && v <= hi + 1e-9 * Math.abs(hi)
                    && (axis.scale() == Scale.LINEAR || v > 0);
        }

        /** Screen coordinate of {@code v}, from {@code from} (at lo) to {@code to} (at hi). */
        double map(double v, int from, int to) {
            double f = axis.scale() == Scale.LOG ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))
                    : (v - lo) / (hi - lo);
            return from + (to - from) * f;
        }

        List<Double> ticks() {
            List<Double> t = new ArrayList<>();
            if (axis.scale() == Scale.LOG) {
                int first = (int) Math.floor(Math.log10(lo));
                int last = (int) Math.ceil(Math.log10(hi));
                int[] steps = last - first > 4 ? new int[] {1} : new int[] {1, 2, 5};
                for (int dec = first; dec <= last; dec++) {
                    for (int m : steps) {
                        double v = m * Math.pow(10, dec);
                        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) {
                            t.add(v);
                        }
                    }
                }
                return t;
            }
            for (double v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
                t.add(Math.abs(v) < step * 1e-9 ? 0 : v);
            }
            return t;
        }

        String label(double v) {
            if (axis.ticks() != null) {
                return axis.ticks().apply(v);
            }
            if (axis.scale() == Scale.LOG) {
                return v >= 1e6 ? number(v / 1e6, Math.min(1, v / 1e6)) + "M"
                        : v >= 1e3 ? number(v / 1e3, Math.min(1, v / 1e3)) + "k" : number(v, Math.min(1, v));
            }
            return number(v, step);
        }
    }
}
