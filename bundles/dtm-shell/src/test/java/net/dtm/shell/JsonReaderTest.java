package net.dtm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The reader of the import files reads what {@link Json} writes, and says where a file is malformed. */
class JsonReaderTest {

    @Test
    void readsBackWhatJsonWrites() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("s", "quote \" backslash \\ newline \n tab \t ctl \u0001 é");
        row.put("n", 42);
        row.put("d", -1.5e3);
        row.put("b", true);
        row.put("z", null);
        row.put("l", List.of("a", 1, false));
        row.put("o", Map.of("k", "v"));
        Map<String, Object> expected = new LinkedHashMap<>(row);
        expected.put("n", new BigDecimal("42"));
        expected.put("d", new BigDecimal("-1500.0"));
        expected.put("l", Arrays.asList("a", new BigDecimal("1"), false));
        assertEquals(expected, JsonReader.parse(Json.object(row)));
        assertEquals("\u00e9/", JsonReader.parse("\"\\u00e9\\/\""));
        assertEquals(List.of(), JsonReader.parse(" [ ] "));
    }

    @Test
    void malformedTextIsRefusedNamingLineAndColumn() {
        for (String[] c : new String[][] {
                {"{\"a\":1,\n\"a\":2}", "line 2, column 6: member \"a\" appears twice"},
                {"[1,2]x", "line 1, column 6: unexpected text after the end of the document"},
                {"{\"a\" 1}", "line 1, column 6: expected ':'"},
                {"\"open", "unterminated string"},
                {"[tru]", "line 1, column 2: unexpected character 't'"},
                {"", "unexpected end of the document"},
                {"1.2.3", "malformed number"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(c[0]), c[0]);
            assertEquals(true, e.getMessage().startsWith("malformed JSON") && e.getMessage().contains(c[1]), e.getMessage());
        }
    }
}
