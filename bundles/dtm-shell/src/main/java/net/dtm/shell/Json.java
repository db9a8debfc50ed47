package net.dtm.shell;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Minimal JSON writer for the {@code -j/--json} output of the commands: objects whose values are
 * strings, numbers, booleans, null, lists of those, or nested objects.
 */
final class Json {

    private Json() {
    }

    /** An array of objects. */
    static String array(List<? extends Map<String, ?>> rows) {
        StringBuilder sb = new StringBuilder("[");
        for (Iterator<? extends Map<String, ?>> it = rows.iterator(); it.hasNext();) {
            object(sb, it.next());
            if (it.hasNext()) {
                sb.append(',');
            }
        }
        return sb.append(']').toString();
    }

    /** One object. */
    static String object(Map<String, ?> row) {
        StringBuilder sb = new StringBuilder();
        object(sb, row);
        return sb.toString();
    }

    private static void object(StringBuilder sb, Map<String, ?> row) {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, ?> e : row.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            string(sb, e.getKey());
            sb.append(':');
            value(sb, e.getValue());
        }
        sb.append('}');
    }

    private static void value(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Number n && !(v instanceof Double d && (d.isNaN() || d.isInfinite()))) {
            sb.append(n);
        } else if (v instanceof Boolean b) {
            sb.append(b);
        } else if (v instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, ?> object = (Map<String, ?>) m;
            object(sb, object);
        } else if (v instanceof Collection<?> c) {
            sb.append('[');
            boolean first = true;
            for (Object item : c) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                value(sb, item);
            }
            sb.append(']');
        } else {
            string(sb, v.toString());
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
