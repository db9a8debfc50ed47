package net.dtm.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.benchmark.Scenario.LossModel;

class LatencyPlotTest {

    @Test
    void drawsOnePanelPerFamilyInAReadablePng(@TempDir Path dir) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String set : List.of("5g", "5g+lte+leo", "geo")) {
            for (LossModel m : LossModel.values()) {
                for (double loss : Matrix.LOSSES) {
                    if (loss == 0 && m == LossModel.BURSTY) {
                        continue;
                    }
                    Scenario s = new Scenario(Matrix.LINK_SETS.get(set), 3, m, loss, 10, 2);
                    double base = s.fastestRtt() * (1 + loss / 50);
                    Stats st = loss == 70 && set.equals("5g") ? Stats.of(List.of(), 10)
                            : Stats.of(List.of(base, base * 1.5, base * 3), 0);
                    rows.add(new Row(s, st, base * 2, 3, 5, 4));
                }
            }
        }
        Path png = dir.resolve("p.png");
        LatencyPlot.write(rows, "test", png);
        BufferedImage img = ImageIO.read(png.toFile());
        // three families side by side in one row of panels under the legend
        assertEquals(3 * 420, img.getWidth());
        assertEquals(56 + 300, img.getHeight());
        int coloured = 0;
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                if ((img.getRGB(x, y) & 0xffffff) == 0xd62728) {
                    coloured++;
                }
            }
        }
        assertNotEquals(0, coloured, "p99 lines drawn");
    }
}
