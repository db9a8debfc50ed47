package net.dtm.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTableTest {

    @Test
    void writesHeaderAndRowsWithPlainNumbersAndQuotedText(@TempDir Path dir) throws Exception {
        CsvTable t = new CsvTable("name", "count", "ms");
        t.row("a,b", 3, 12.345678).row("say \"x\"", 4L, Double.NaN).row(null, 5, 2.0);
        Path f = t.write(dir.resolve("out/t.csv"));
        assertEquals(List.of("name,count,ms", "\"a,b\",3,12.3457", "\"say \"\"x\"\"\",4,", ",5,2"), Files.readAllLines(f));
        assertEquals(3, t.rows());
    }

    @Test
    void refusesARowOfTheWrongLength() {
        CsvTable t = new CsvTable("a", "b");
        assertThrows(IllegalArgumentException.class, () -> t.row(1));
        assertEquals(0, t.rows());
    }

    @Test
    void smallFractionsKeepSixSignificantDigits() {
        assertEquals("0.99995", CsvTable.field(0.99995));
        assertEquals("0.000123457", CsvTable.field(0.0001234567));
        assertEquals("1500000", CsvTable.field(1.5e6));
    }
}
