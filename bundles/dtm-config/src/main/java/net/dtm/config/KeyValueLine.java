package net.dtm.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One line of {@code key=value} pairs separated by single spaces, the format of the journal and
 * the history. Keys and values are percent-escaped ({@code %}, space, {@code =}, {@code ,} and
 * anything outside printable ASCII), so a value may hold any text; a list is its escaped items
 * joined by commas. Decoding never trusts its input: every problem is an
 * {@link IllegalArgumentException} that says what is wrong.
 */
final class KeyValueLine {

    private final Map<String, String> values;

    private KeyValueLine(Map<String, String> values) {
        this.values = values;
    }

    /** An empty line to fill with {@link #put}. */
    static KeyValueLine create() {
        return new KeyValueLine(new LinkedHashMap<>());
    }

    /** Parses a line written by {@link #toString()}. */
    static KeyValueLine parse(String line) {
        Map<String, String> map = new LinkedHashMap<>();
        if (line == null || line.isBlank()) {
            throw new IllegalArgumentException("empty line");
        }
        for (String token : line.trim().split(" ")) {
            if (token.isEmpty()) {
                continue;
            }
            int eq = token.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + shorten(token) + "' is not key=value");
            }
            String key = unescape(token.substring(0, eq));
            if (map.put(key, unescape(token.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("key '" + key + "' appears twice");
            }
        }
        return new KeyValueLine(map);
    }

    KeyValueLine put(String key, Object value) {
        values.put(key, String.valueOf(value));
        return this;
    }

    KeyValueLine putList(String key, List<String> items) {
        List<String> escaped = new ArrayList<>(items.size());
        for (String item : items) {
            escaped.add(escape(item));
        }
        values.put(key, String.join(",", escaped));
        return this;
    }

    /** The value of {@code key}. @throws IllegalArgumentException if absent */
    String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing '" + key + "'");
        }
        return v;
    }

    Optional<String> find(String key) {
        return Optional.ofNullable(values.get(key));
    }

    int getInt(String key) {
        String v = get(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' is not a number: '" + shorten(v) + "'");
        }
    }

    long getLong(String key) {
        String v = get(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' is not a number: '" + shorten(v) + "'");
        }
    }

    boolean getBoolean(String key) {
        String v = get(key);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("'" + key + "' must be true or false, got '" + shorten(v) + "'");
        }
        return Boolean.parseBoolean(v);
    }

    List<String> getList(String key) {
        String v = get(key);
        if (v.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String item : v.split(",", -1)) {
            out.add(unescape(item));
        }
        return out;
    }

    Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(escape(e.getKey())).append('=').append(escape(e.getValue()));
        }
        return b.toString();
    }

    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (byte raw : text.getBytes(StandardCharsets.UTF_8)) {
            int c = raw & 0xff;
            if (c <= 0x20 || c >= 0x7f || c == '%' || c == '=' || c == ',') {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    static String unescape(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                out.write(c);
                continue;
            }
            if (i + 2 >= text.length()) {
                throw new IllegalArgumentException("truncated escape in '" + shorten(text) + "'");
            }
            int hi = Character.digit(text.charAt(i + 1), 16);
            int lo = Character.digit(text.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("bad escape in '" + shorten(text) + "'");
            }
            out.write(hi << 4 | lo);
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String shorten(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
