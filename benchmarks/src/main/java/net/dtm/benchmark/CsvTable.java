package net.dtm.benchmark;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV file the benchmarks write: a header row of column names, then one row per call to
 * {@link #row}. Numbers are written with a dot and at most six significant digits (whole numbers
 * in full), NaN and infinities as an empty field, text quoted when it holds a comma, quote or
 * line break.
 */
public final class CsvTable {

    private final List<String> columns;
    private final List<String> lines = new ArrayList<>();

    public CsvTable(String... columns) {
        this(List.of(columns));
    }

    public CsvTable(List<String> columns) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a CSV table needs at least one column");
        }
        this.columns = List.copyOf(columns);
        lines.add(join(this.columns));
    }

    /** Adds a row; it must have one value per column. */
    public CsvTable row(Object... values) {
        return row(java.util.Arrays.asList(values));
    }

    /** Adds a row; it must have one value per column (nulls are empty fields). */
    public CsvTable row(List<?> values) {
        if (values.size() != columns.size()) {
            throw new IllegalArgumentException("row of " + values.size() + " values for " + columns.size() + " columns "
                    + columns);
        }
        List<String> fields = new ArrayList<>();
        values.forEach(v -> fields.add(field(v)));
        lines.add(join(fields));
        return this;
    }

    /** Rows written so far, header excluded. */
    public int rows() {
        return lines.size() - 1;
    }

    /** Writes the table (replacing {@code file}), creating its folder if needed, and returns {@code file}. */
    public Path write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, lines);
        return file;
    }

    static String field(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                return "";
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            return new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros().toPlainString();
        }
        String s = v.toString();
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    private static String join(List<String> fields) {
        return String.join(",", fields);
    }
}
