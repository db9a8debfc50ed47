package net.dtm.vendor.mikrotik.emulator;

import java.util.ArrayList;
import java.util.List;

/** Splits a RouterOS command line into words, keeping quoted values and {@code [...]} groups whole. */
final class Tokens {

    /** One word and its 1-based column. */
    record Token(String text, int column) {
    }

    /** A syntax error at a 1-based column. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        final int column;

        SyntaxError(int column) {
            super("syntax error (line 1 column " + column + ")");
            this.column = column;
        }
    }

    private Tokens() {
    }

    static List<Token> split(String line) throws SyntaxError {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int start = i;
            int depth = 0;
            boolean quoted = false;
            while (i < n) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '\\') {
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == '[') {
                    depth++;
                } else if (c == ']') {
                    depth--;
                    if (depth < 0) {
                        throw new SyntaxError(i + 1);
                    }
                } else if (Character.isWhitespace(c) && depth == 0) {
                    break;
                }
                i++;
            }
            if (quoted || depth != 0) {
                throw new SyntaxError(Math.min(i, n) + 1);
            }
            out.add(new Token(line.substring(start, i), start + 1));
        }
        return out;
    }

    /** Splits a line at {@code ;} outside quotes and brackets: RouterOS runs several commands from one line. */
    static List<String> commands(String line) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == ';' && depth == 0) {
                out.add(line.substring(start, i));
                start = i + 1;
            }
        }
        out.add(line.substring(start));
        return out;
    }

    /** The value of {@code key=value} text without quotes and escapes. */
    static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            StringBuilder b = new StringBuilder();
            for (int i = 1; i < value.length() - 1; i++) {
                char c = value.charAt(i);
                if (c == '\\' && i + 1 < value.length() - 1) {
                    i++;
                    c = value.charAt(i);
                }
                b.append(c);
            }
            return b.toString();
        }
        return value;
    }
}
