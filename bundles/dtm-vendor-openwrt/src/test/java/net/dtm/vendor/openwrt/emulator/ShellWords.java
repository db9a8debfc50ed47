package net.dtm.vendor.openwrt.emulator;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line as ash does for the subset the emulator runs: words with single quotes,
 * double quotes (whose only expansion is {@code $?}, the last command's exit status) and backslash
 * escapes, and the operators {@code &&}, {@code ||}, {@code >} and {@code <<}. Anything that would
 * make a real shell do more (an unquoted {@code ;}, {@code |}, {@code &}, {@code $}, any other
 * expansion, backquote, parenthesis) is reported as {@link Injection}: the
 * emulator refuses it and remembers it, so a test sees when an adapter let a value reach the shell.
 */
final class ShellWords {

    /** An operator token. */
    record Op(String op) {
    }

    /** An unquoted shell metacharacter. */
    static final class Injection extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Injection(String message) {
            super(message);
        }
    }

    private ShellWords() {
    }

    /** Words and {@link Op}s of one line, {@code "$?"} standing for status 0. */
    static List<Object> tokens(String line) {
        return tokens(line, 0);
    }

    /** Words and {@link Op}s of one line; {@code $?} inside double quotes is {@code lastStatus}. */
    static List<Object> tokens(String line, int lastStatus) {
        List<Object> out = new ArrayList<>();
        StringBuilder word = null;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                if (word != null) {
                    out.add(word.toString());
                    word = null;
                }
                i++;
            } else if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("ash: syntax error: unterminated quoted string");
                }
                word = word == null ? new StringBuilder() : word;
                word.append(line, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                word = word == null ? new StringBuilder() : word;
                i++;
                while (true) {
                    if (i >= line.length()) {
                        throw new IllegalArgumentException("ash: syntax error: unterminated quoted string");
                    }
                    char d = line.charAt(i);
                    if (d == '"') {
                        i++;
                        break;
                    }
                    if (d == '$' && i + 1 < line.length() && line.charAt(i + 1) == '?') {
                        word.append(lastStatus);
                        i += 2;
                        continue;
                    }
                    if (d == '$' || d == '`') {
                        throw new Injection("expansion inside double quotes: " + line);
                    }
                    if (d == '\\' && i + 1 < line.length()) {
                        i++;
                        d = line.charAt(i);
                    }
                    word.append(d);
                    i++;
                }
            } else if (c == '\\' && i + 1 < line.length()) {
                word = word == null ? new StringBuilder() : word;
                word.append(line.charAt(i + 1));
                i += 2;
            } else if (line.startsWith("2>&1", i) && word == null) {
                out.add(new Op("2>&1"));
                i += 4;
            } else if (line.startsWith("&&", i) || line.startsWith("||", i) || line.startsWith("<<", i)) {
                if (word != null) {
                    out.add(word.toString());
                    word = null;
                }
                out.add(new Op(line.substring(i, i + 2)));
                i += 2;
            } else if (c == '>') {
                if (word != null) {
                    out.add(word.toString());
                    word = null;
                }
                out.add(new Op(">"));
                i++;
            } else if (";|&$`()<".indexOf(c) >= 0) {
                throw new Injection("unquoted '" + c + "' in: " + line);
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
                i++;
            }
        }
        if (word != null) {
            out.add(word.toString());
        }
        return out;
    }

    /** Words of a UCI batch line or configuration file line (uci's own quoting: the same rules, no operators). */
    static List<String> uciWords(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = null;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                if (word != null) {
                    out.add(word.toString());
                    word = null;
                }
                i++;
            } else if (c == '\'' || c == '"') {
                int end = line.indexOf(c, i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated " + c);
                }
                word = word == null ? new StringBuilder() : word;
                word.append(line, i + 1, end);
                i = end + 1;
            } else if (c == '\\' && i + 1 < line.length()) {
                word = word == null ? new StringBuilder() : word;
                word.append(line.charAt(i + 1));
                i += 2;
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
                i++;
            }
        }
        if (word != null) {
            out.add(word.toString());
        }
        return out;
    }
}
