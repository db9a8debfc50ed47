package net.dtm.config.ssh;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders what a device wrote to its terminal into plain lines, as a screen would show them: CR
 * returns to the start of the line (later characters overwrite), backspace and cursor-left
 * ({@code ESC [ n D}) move back, {@code ESC [ K} erases to the end of the line, other ANSI
 * sequences and control characters are dropped, trailing blanks are trimmed. So a pager marker that
 * the device erases (IOS backspaces, VRP cursor moves) leaves nothing behind.
 */
final class TerminalText {

    private TerminalText() {
    }

    /** The lines {@code raw} shows; the last element is the line the cursor is on (maybe empty). */
    static List<String> render(String raw) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int col = 0;
        int n = raw.length();
        for (int i = 0; i < n; i++) {
            char c = raw.charAt(i);
            if (c == '\n') {
                lines.add(stripTrailing(line));
                line.setLength(0);
                col = 0;
            } else if (c == '\r') {
                col = 0;
            } else if (c == '\b') {
                col = Math.max(0, col - 1);
            } else if (c == 0x1b) {
                int end = escapeEnd(raw, i);
                String seq = raw.substring(i, end);
                if (seq.startsWith("\u001b[") && seq.length() >= 3) {
                    char op = seq.charAt(seq.length() - 1);
                    int count = count(seq.substring(2, seq.length() - 1));
                    if (op == 'D') {
                        col = Math.max(0, col - count);
                    } else if (op == 'C') {
                        col += count;
                    } else if (op == 'K') {
                        line.setLength(Math.min(col, line.length()));
                    }
                }
                i = end - 1;
            } else if (c == '\t' || c >= 0x20 && c != 0x7f) {
                while (line.length() < col) {
                    line.append(' ');
                }
                if (col < line.length()) {
                    line.setCharAt(col, c);
                } else {
                    line.append(c);
                }
                col++;
            }
        }
        lines.add(stripTrailing(line));
        return lines;
    }

    /** Index after the escape sequence starting at {@code start} (CSI up to its final byte, else 2 chars). */
    private static int escapeEnd(String raw, int start) {
        int n = raw.length();
        if (start + 1 >= n) {
            return n;
        }
        if (raw.charAt(start + 1) != '[') {
            return start + 2;
        }
        for (int j = start + 2; j < n; j++) {
            char c = raw.charAt(j);
            if (c >= 0x40 && c <= 0x7e) {
                return j + 1;
            }
        }
        return n;
    }

    private static int count(String params) {
        if (params.isEmpty() || !params.chars().allMatch(Character::isDigit)) {
            return 1;
        }
        try {
            return Math.max(1, Integer.parseInt(params));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static String stripTrailing(StringBuilder line) {
        return line.toString().stripTrailing();
    }
}
