package net.dtm.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.benchmark.Chart.Axis;
import net.dtm.benchmark.Chart.Mark;
import net.dtm.benchmark.Chart.Panel;
import net.dtm.benchmark.Chart.Series;

class ChartTest {

    @Test
    void twoPanelsShareTheMinimumWidthAndDrawTheirSeries(@TempDir Path dir) throws Exception {
        Panel rate = new Panel("rate", Axis.linear("time (s)"), Axis.linear("leases per second (1/s)"),
                List.of(Series.line("1 node", Chart.PALETTE.get(0), List.of(new double[] {0, 10}, new double[] {5, 20}))));
        Panel times = new Panel("times", Axis.linear("start (s)"), Axis.log("establishment time (ms)"),
                List.of(Series.scatter("agents", Chart.PALETTE.get(2), List.of(new double[] {1, 30}, new double[] {2, 3000},
                        new double[] {3, Double.NaN}))), List.of(new Mark(true, 1.5, "kill -9")));
        Path png = dir.resolve("sub/c.png");
        Chart.write(png, "title", List.of(rate, times));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(Chart.MIN_WIDTH, img.getWidth());
        assertTrue(count(img, 0x1f77b4) > 0, "the line drawn");
        assertTrue(count(img, 0xd62728) > 0, "the scatter drawn");
    }

    @Test
    void aChartNeedsAPanel(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> Chart.write(dir.resolve("x.png"), "t", List.of()));
    }

    @Test
    void linearAxesStartAtZeroAndEndOnANiceTick() {
        Panel p = new Panel("p", Axis.linear("x"), Axis.linear("y"),
                List.of(Series.line("s", Chart.PALETTE.get(0), List.of(new double[] {3, 1234}, new double[] {7, 5678}))));
        Chart.Range y = Chart.Range.of(p.y(), p, false);
        assertEquals(0, y.lo());
        assertEquals(1000, y.step());
        assertEquals(6000, y.hi());
        assertEquals(List.of(0.0, 1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 6000.0), y.ticks());
        Chart.Range x = Chart.Range.of(p.x(), p, true);
        assertEquals("0", x.label(0));
        assertEquals(8, x.hi());
    }

    @Test
    void logAxesTickAtOneTwoFive() {
        Axis a = Axis.log("ms").range(15, 1200);
        Chart.Range r = Chart.Range.of(a, new Panel("p", Axis.linear("x"), a, List.of()), false);
        assertEquals(List.of(20.0, 50.0, 100.0, 200.0, 500.0, 1000.0), r.ticks());
        assertEquals("0.5", Chart.number(0.5, 0.5));
        assertEquals("0.25", Chart.number(0.25, 0.05));
        Chart.Range wide = Chart.Range.of(Axis.log("us").range(100, 2e6), new Panel("p", a, a, List.of()), false);
        assertEquals(List.of("100", "1k", "10k", "100k", "1M"), wide.ticks().stream().map(wide::label).toList());
    }

    @Test
    void longTitlesWrapBetweenWords() {
        java.awt.FontMetrics fm = new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB)
                .createGraphics().getFontMetrics(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12));
        List<String> lines = Chart.wrap(fm, "one two three four five six seven eight nine ten", 90);
        assertTrue(lines.size() > 1);
        assertEquals("one two three four five six seven eight nine ten", String.join(" ", lines));
        lines.forEach(l -> assertTrue(fm.stringWidth(l) <= 90 || !l.contains(" "), l));
    }

    private static int count(BufferedImage img, int rgb) {
        int n = 0;
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                if ((img.getRGB(x, y) & 0xffffff) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }
}
