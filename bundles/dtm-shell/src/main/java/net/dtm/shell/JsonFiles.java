package net.dtm.shell;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reading the JSON export files: the envelope ({@code format} and the array of records) and typed
 * fields of a record, each failing with a message naming the field.
 */
final class JsonFiles {

    private JsonFiles() {
    }

    /**
     * The records under {@code member} of a document whose {@code format} is {@code format};
     * problems with the document are added to {@code errors} (and no record is returned).
     */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> records(String text, String format, String member, List<String> errors) {
        Object doc;
        try {
            doc = JsonReader.parse(text);
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
            return List.of();
        }
        if (!(doc instanceof Map<?, ?> top) || !format.equals(top.get("format"))) {
            errors.add("not a DTM export: expected an object with \"format\":\"" + format + "\"");
            return List.of();
        }
        if (!(top.get(member) instanceof List<?> list)) {
            errors.add("\"" + member + "\" must be an array");
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> m) {
                out.add((Map<String, Object>) m);
            } else {
                errors.add(member + " #" + (i + 1) + ": must be an object");
            }
        }
        return out;
    }

    static String string(Map<String, Object> row, String name) {
        if (!(row.get(name) instanceof String s)) {
            throw new IllegalArgumentException("\"" + name + "\" must be a string");
        }
        return s;
    }

    static long number(Map<String, Object> row, String name) {
        if (!(row.get(name) instanceof BigDecimal n)) {
            throw new IllegalArgumentException("\"" + name + "\" must be a number");
        }
        try {
            return n.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("\"" + name + "\" must be a whole number, got " + n);
        }
    }

    static int integer(Map<String, Object> row, String name) {
        long v = number(row, name);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("\"" + name + "\" is out of range: " + v);
        }
        return (int) v;
    }

    static boolean bool(Map<String, Object> row, String name) {
        if (!(row.get(name) instanceof Boolean b)) {
            throw new IllegalArgumentException("\"" + name + "\" must be true or false");
        }
        return b;
    }

    /** A list of strings; an absent member is an empty list. */
    static List<String> strings(Map<String, Object> row, String name) {
        Object v = row.get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new IllegalArgumentException("\"" + name + "\" must be an array of strings");
        }
        return list.stream().map(String.class::cast).toList();
    }
}
