package net.dtm.vendor.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonReaderTest {

    @Test
    void readsObjectsInOrderAndNestedArrays() {
        Object v = JsonReader.parse(" {\"b\":1, \"a\": [true, false, null, {}], \"c\": {\"d\": []}} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("b", "a", "c"), List.copyOf(m.keySet()));
        assertEquals(1L, m.get("b"));
        List<?> a = (List<?>) m.get("a");
        assertEquals(4, a.size());
        assertEquals(Boolean.TRUE, a.get(0));
        assertEquals(Boolean.FALSE, a.get(1));
        assertNull(a.get(2));
        assertEquals(Map.of(), a.get(3));
        assertEquals(Map.of("d", List.of()), m.get("c"));
    }

    @Test
    void resultsAreUnmodifiable() {
        Map<?, ?> m = (Map<?, ?>) JsonReader.parse("{\"a\":[1]}");
        assertThrows(UnsupportedOperationException.class, () -> m.clear());
        assertThrows(UnsupportedOperationException.class, () -> ((List<?>) m.get("a")).clear());
    }

    @Test
    void readsStringsWithEveryEscape() {
        assertEquals("q\" b\\ s/ \b\f\n\r\t é", JsonReader.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9\""));
        assertEquals("caf\u00e9 plain UTF-8", JsonReader.parse("\"caf\u00e9 plain UTF-8\""));
    }

    @Test
    void joinsSurrogatePairs() {
        String s = (String) JsonReader.parse("\"\\ud83d\\ude00\"");
        assertEquals("\uD83D\uDE00", s);
        assertEquals(0x1F600, s.codePointAt(0));
    }

    @Test
    void readsNumbers() {
        assertEquals(0L, JsonReader.parse("0"));
        assertEquals(-17L, JsonReader.parse("-17"));
        assertEquals(4294967295L, JsonReader.parse("4294967295"));
        assertEquals(Long.MAX_VALUE, JsonReader.parse("9223372036854775807"));
        assertEquals(new BigInteger("18446744073709551615"), JsonReader.parse("18446744073709551615"));
        assertEquals(1.5, JsonReader.parse("1.5"));
        assertEquals(-2.5e-3, JsonReader.parse("-2.5e-3"));
        assertEquals(1e10, JsonReader.parse("1E+10"));
    }

    @Test
    void readsRecordedIpOutput() {
        List<?> links = (List<?>) JsonReader.parse(Samples.text("linkA-list.json"));
        assertEquals(4, links.size());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|empty JSON text",
            "'   '|empty JSON text",
            "'{'|offset 1: unexpected end of input, expected an object key",
            "'{\"a\" 1}'|offset 5: expected ':' after object key \"a\"",
            "'{\"a\":1,}'|offset 7: expected '\"' to start an object key",
            "'{a:1}'|offset 1: expected '\"' to start an object key",
            "'{\"a\":1 \"b\":2}'|offset 7: expected ',' or '}' in an object",
            "'[1,]'|offset 3: unexpected ']', expected a value",
            "'[1 2]'|offset 3: expected ',' or ']' in an array",
            "'[1'|offset 2: unexpected end of input, expected ',' or ']'",
            "'\"abc'|offset 0: unterminated string",
            "'\"a\\x\"'|offset 3: invalid escape '\\x'",
            "'\"\\u12g4\"'|offset 5: invalid hex digit 'g' in \\u escape",
            "'\"\\u12'|truncated \\u escape",
            "'tru'|offset 0: expected 'true'",
            "'nul'|offset 0: expected 'null'",
            "'-'|offset 1: expected a digit in a number",
            "'1.'|offset 2: expected a digit after the decimal point",
            "'1e'|offset 2: expected a digit in the exponent",
            "'01'|offset 1: unexpected '1' after the JSON value",
            "'[] []'|offset 3: unexpected '[' after the JSON value",
            "'@'|offset 0: unexpected '@', expected a value",
    })
    void refusesMalformedInputSayingWhereAndWhat(String text, String expected) {
        JsonReader.MalformedJsonException e = assertThrows(JsonReader.MalformedJsonException.class, () -> JsonReader.parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void refusesRawControlCharactersInStrings() {
        JsonReader.MalformedJsonException e = assertThrows(JsonReader.MalformedJsonException.class,
                () -> JsonReader.parse("\"a\nb\""));
        assertTrue(e.getMessage().contains("control character U+000A"), e.getMessage());
    }

    @Test
    void refusesNullText() {
        assertThrows(JsonReader.MalformedJsonException.class, () -> JsonReader.parse(null));
    }

    @Test
    void refusesNestingDeeperThanTheLimitInsteadOfOverflowingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        JsonReader.MalformedJsonException e = assertThrows(JsonReader.MalformedJsonException.class, () -> JsonReader.parse(deep));
        assertTrue(e.getMessage().contains("nesting deeper than " + JsonReader.MAX_DEPTH), e.getMessage());
        String ok = "[".repeat(JsonReader.MAX_DEPTH) + "]".repeat(JsonReader.MAX_DEPTH);
        assertTrue(JsonReader.parse(ok) instanceof List);
    }
}
