package net.dtm.vendor.linux;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader (RFC 8259) for the output of {@code ip -j}: enough to read what
 * iproute2 prints, without a JSON library on a router. Objects become {@code Map<String, Object>}
 * (insertion order kept, unmodifiable), arrays {@code List<Object>}, strings {@code String},
 * integers {@code Long} (or {@code BigInteger} beyond 64 bits, as 64-bit counters can be), other
 * numbers {@code Double}, {@code true}/{@code false} {@code Boolean} and {@code null} Java null.
 */
final class JsonReader {

    /** Deeper nesting than iproute2 ever prints is refused rather than overflowing the stack. */
    static final int MAX_DEPTH = 256;

    private final String text;
    private int pos;
    private int depth;

    private JsonReader(String text) {
        this.text = text;
    }

    /**
     * Parses exactly one JSON value (whitespace around it allowed).
     *
     * @throws MalformedJsonException with the offset and what was expected
     */
    static Object parse(String text) {
        if (text == null) {
            throw new MalformedJsonException("no JSON text (null)");
        }
        JsonReader reader = new JsonReader(text);
        reader.skipWhitespace();
        if (reader.pos >= text.length()) {
            throw new MalformedJsonException("empty JSON text");
        }
        Object value = reader.value();
        reader.skipWhitespace();
        if (reader.pos < text.length()) {
            throw reader.error("unexpected '" + text.charAt(reader.pos) + "' after the JSON value");
        }
        return value;
    }

    private Object value() {
        skipWhitespace();
        if (pos >= text.length()) {
            throw error("unexpected end of input, expected a value");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected '" + c + "', expected a value");
            }
        };
    }

    private Map<String, Object> object() {
        enter();
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return Collections.unmodifiableMap(map);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error(atEnd() ? "unexpected end of input, expected an object key" : "expected '\"' to start an object key");
            }
            String key = string();
            skipWhitespace();
            expect(':', "after object key \"" + key + "\"");
            Object v = value();
            map.put(key, v);
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == '}') {
                pos++;
                depth--;
                return Collections.unmodifiableMap(map);
            } else {
                throw error(atEnd() ? "unexpected end of input, expected ',' or '}'" : "expected ',' or '}' in an object");
            }
        }
    }

    private List<Object> array() {
        enter();
        pos++; // '['
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return Collections.unmodifiableList(list);
        }
        while (true) {
            list.add(value());
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == ']') {
                pos++;
                depth--;
                return Collections.unmodifiableList(list);
            } else {
                throw error(atEnd() ? "unexpected end of input, expected ',' or ']'" : "expected ',' or ']' in an array");
            }
        }
    }

    private String string() {
        int start = pos;
        pos++; // opening quote
        StringBuilder b = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw errorAt(start, "unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\') {
                b.append(escape());
            } else if (c < 0x20) {
                throw errorAt(pos - 1, "control character U+" + String.format("%04X", (int) c) + " inside a string must be escaped");
            } else {
                b.append(c);
            }
        }
    }

    private char escape() {
        if (pos >= text.length()) {
            throw error("unterminated escape sequence");
        }
        char c = text.charAt(pos++);
        return switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '/' -> '/';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> unicode();
            default -> throw errorAt(pos - 1, "invalid escape '\\" + c + "'");
        };
    }

    private char unicode() {
        if (pos + 4 > text.length()) {
            throw error("truncated \\u escape");
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(pos + i), 16);
            if (digit < 0) {
                throw errorAt(pos + i, "invalid hex digit '" + text.charAt(pos + i) + "' in \\u escape");
            }
            value = value * 16 + digit;
        }
        pos += 4;
        // Surrogate pairs arrive as two escapes; each half is appended as it is and Java's UTF-16
        // string joins them.
        return (char) value;
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            while (isDigit(peek())) {
                pos++;
            }
        } else {
            throw error("expected a digit in a number");
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) {
                throw error("expected a digit after the decimal point");
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("expected a digit in the exponent");
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        String literal = text.substring(start, pos);
        if (!integral) {
            return Double.parseDouble(literal);
        }
        BigInteger big = new BigInteger(literal);
        return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("expected '" + word + "'");
        }
        pos += word.length();
        return value;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    private void expect(char c, String where) {
        if (peek() != c) {
            throw error(atEnd() ? "unexpected end of input, expected '" + c + "' " + where : "expected '" + c + "' " + where);
        }
        pos++;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private MalformedJsonException error(String message) {
        return errorAt(pos, message);
    }

    private MalformedJsonException errorAt(int offset, String message) {
        return new MalformedJsonException("malformed JSON at offset " + offset + ": " + message);
    }

    /** The text is not JSON; the message names the offset and what was expected there. */
    static final class MalformedJsonException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MalformedJsonException(String message) {
            super(message);
        }
    }
}
