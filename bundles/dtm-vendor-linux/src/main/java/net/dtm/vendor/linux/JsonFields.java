package net.dtm.vendor.linux;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Typed access to what {@link JsonReader} returns, with errors that name the command whose output
 * did not have the expected shape. A field that is absent or JSON null reads as empty.
 */
final class JsonFields {

    private JsonFields() {
    }

    /** The output of a tool did not have the shape this adapter expects. */
    static final class UnexpectedOutputException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnexpectedOutputException(String message) {
            super(message);
        }
    }

    /** Parses {@code json} printed by {@code source} and expects an array of objects, as every {@code ip -j} listing is. */
    static List<Map<String, Object>> objects(String json, String source) {
        Object parsed;
        try {
            parsed = JsonReader.parse(json);
        } catch (JsonReader.MalformedJsonException e) {
            throw new UnexpectedOutputException(source + " printed " + e.getMessage());
        }
        return objectList(parsed, source, "top level");
    }

    /** The array of objects under {@code key}; empty when absent. */
    static List<Map<String, Object>> objects(Map<String, Object> o, String key, String source) {
        Object v = o.get(key);
        return v == null ? List.of() : objectList(v, source, "\"" + key + "\"");
    }

    /** The array of strings under {@code key}; empty when absent. */
    static List<String> strings(Map<String, Object> o, String key, String source) {
        Object v = o.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw wrongType(source, key, "an array", v);
        }
        List<String> out = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String s)) {
                throw wrongType(source, key, "an array of strings", v);
            }
            out.add(s);
        }
        return out;
    }

    /** The object under {@code key}, if present. */
    @SuppressWarnings("unchecked")
    static Optional<Map<String, Object>> object(Map<String, Object> o, String key, String source) {
        Object v = o.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Map)) {
            throw wrongType(source, key, "an object", v);
        }
        return Optional.of((Map<String, Object>) v);
    }

    /** The string under {@code key}, if present. */
    static Optional<String> string(Map<String, Object> o, String key, String source) {
        Object v = o.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            throw wrongType(source, key, "a string", v);
        }
        return Optional.of(s);
    }

    /** The string under {@code key}; it must be there. */
    static String requiredString(Map<String, Object> o, String key, String source) {
        return string(o, key, source).orElseThrow(() -> missing(source, key));
    }

    /** The integer under {@code key}, if present; it must fit 64 bits. */
    static OptionalLong integer(Map<String, Object> o, String key, String source) {
        Object v = o.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        if (v instanceof Long l) {
            return OptionalLong.of(l);
        }
        if (v instanceof BigInteger) {
            throw new UnexpectedOutputException(source + ": \"" + key + "\" = " + v + " does not fit 64 bits");
        }
        throw wrongType(source, key, "an integer", v);
    }

    /** The integer under {@code key}; it must be there. */
    static long requiredInteger(Map<String, Object> o, String key, String source) {
        OptionalLong v = integer(o, key, source);
        if (v.isEmpty()) {
            throw missing(source, key);
        }
        return v.getAsLong();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> objectList(Object v, String source, String where) {
        if (!(v instanceof List<?> list)) {
            throw new UnexpectedOutputException(source + ": expected an array at " + where + ", found " + describe(v));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map)) {
                throw new UnexpectedOutputException(source + ": expected objects in the array at " + where + ", found "
                        + describe(item));
            }
            out.add((Map<String, Object>) item);
        }
        return out;
    }

    private static UnexpectedOutputException missing(String source, String key) {
        return new UnexpectedOutputException(source + ": field \"" + key + "\" is missing");
    }

    private static UnexpectedOutputException wrongType(String source, String key, String expected, Object found) {
        return new UnexpectedOutputException(source + ": field \"" + key + "\" should be " + expected + ", found "
                + describe(found));
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        if (v instanceof String s) {
            return "the string \"" + s + "\"";
        }
        return v.toString();
    }
}
