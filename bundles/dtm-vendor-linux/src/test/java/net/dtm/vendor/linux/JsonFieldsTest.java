package net.dtm.vendor.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class JsonFieldsTest {

    private static final String SRC = "ip -j test";

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(String json) {
        return (Map<String, Object>) JsonReader.parse(json);
    }

    @Test
    void readsTypedFieldsAndTreatsAbsentOrNullAsEmpty() {
        Map<String, Object> o = obj("{\"s\":\"x\",\"n\":5,\"o\":{\"k\":1},\"a\":[\"p\",\"q\"],\"z\":null}");
        assertEquals(Optional.of("x"), JsonFields.string(o, "s", SRC));
        assertEquals(5, JsonFields.requiredInteger(o, "n", SRC));
        assertEquals(Map.of("k", 1L), JsonFields.object(o, "o", SRC).orElseThrow());
        assertEquals(List.of("p", "q"), JsonFields.strings(o, "a", SRC));
        assertEquals(Optional.empty(), JsonFields.string(o, "z", SRC));
        assertEquals(Optional.empty(), JsonFields.string(o, "missing", SRC));
        assertTrue(JsonFields.integer(o, "missing", SRC).isEmpty());
        assertEquals(List.of(), JsonFields.strings(o, "missing", SRC));
        assertEquals(List.of(), JsonFields.objects(o, "missing", SRC));
    }

    @Test
    void namesTheCommandAndFieldWhenTheShapeIsWrong() {
        Map<String, Object> o = obj("{\"s\":1,\"n\":\"5\",\"o\":[],\"a\":[1],\"b\":18446744073709551615,\"x\":{}}");
        assertMessage("ip -j test: field \"s\" should be a string, found 1", () -> JsonFields.string(o, "s", SRC));
        assertMessage("field \"n\" should be an integer, found the string \"5\"", () -> JsonFields.integer(o, "n", SRC));
        assertMessage("field \"o\" should be an object, found an array", () -> JsonFields.object(o, "o", SRC));
        assertMessage("field \"a\" should be an array of strings", () -> JsonFields.strings(o, "a", SRC));
        assertMessage("field \"x\" should be an array, found an object", () -> JsonFields.strings(o, "x", SRC));
        assertMessage("\"b\" = 18446744073709551615 does not fit 64 bits", () -> JsonFields.integer(o, "b", SRC));
        assertMessage("ip -j test: field \"gone\" is missing", () -> JsonFields.requiredString(o, "gone", SRC));
        assertMessage("ip -j test: field \"gone\" is missing", () -> JsonFields.requiredInteger(o, "gone", SRC));
        assertMessage("expected an array at \"x\", found an object", () -> JsonFields.objects(o, "x", SRC));
    }

    @Test
    void topLevelMustBeAnArrayOfObjects() {
        assertMessage("ip -j test: expected an array at top level, found an object", () -> JsonFields.objects("{}", SRC));
        assertMessage("expected objects in the array at top level, found 1", () -> JsonFields.objects("[1]", SRC));
        assertMessage("ip -j test printed malformed JSON at offset 1", () -> JsonFields.objects("[", SRC));
        assertEquals(List.of(), JsonFields.objects("[]", SRC));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        JsonFields.UnexpectedOutputException e = assertThrows(JsonFields.UnexpectedOutputException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
