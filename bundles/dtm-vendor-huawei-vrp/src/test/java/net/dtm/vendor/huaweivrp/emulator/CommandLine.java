package net.dtm.vendor.huaweivrp.emulator;

import java.util.ArrayList;
import java.util.List;

/** A typed line split into words, each with its column, for VRP's caret under the offending word. */
final class CommandLine {

    /** One word and where it starts. */
    record Word(String text, int column) {
    }

    final String text;
    final List<Word> words = new ArrayList<>();

    CommandLine(String text) {
        this.text = text;
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && text.charAt(i) == ' ') {
                i++;
            }
            int start = i;
            while (i < text.length() && text.charAt(i) != ' ') {
                i++;
            }
            if (i > start) {
                words.add(new Word(text.substring(start, i), start));
            }
        }
    }

    int size() {
        return words.size();
    }

    String word(int i) {
        return i < words.size() ? words.get(i).text() : "";
    }

    /** The rest of the line from word {@code i} on, as typed. */
    String rest(int i) {
        return i < words.size() ? text.substring(words.get(i).column()).strip() : "";
    }

    /** True if the first words are {@code keywords} (case-insensitive, as VRP reads keywords). */
    boolean startsWith(String... keywords) {
        if (words.size() < keywords.length) {
            return false;
        }
        for (int i = 0; i < keywords.length; i++) {
            if (!words.get(i).text().equalsIgnoreCase(keywords[i])) {
                return false;
            }
        }
        return true;
    }

    // ---- refusals, as VRP prints them (the caret column is relative to the line)

    /** A refusal: the caret column (-1 for none) and the error sentence. */
    record Refusal(int column, String message) {
        String render(int promptLength) {
            return column < 0 ? message : " ".repeat(promptLength + column) + "^\n" + message;
        }
    }

    Refusal unrecognized(int word) {
        return new Refusal(column(word), "Error: Unrecognized command found at '^' position.");
    }

    Refusal wrong(int word) {
        return new Refusal(column(word), "Error: Wrong parameter found at '^' position.");
    }

    Refusal incomplete() {
        return new Refusal(text.stripTrailing().length(), "Error: Incomplete command found at '^' position.");
    }

    Refusal tooMany(int word) {
        return new Refusal(column(word), "Error: Too many parameters found at '^' position.");
    }

    static Refusal plain(String message) {
        return new Refusal(-1, "Error: " + message);
    }

    private int column(int word) {
        return word < words.size() ? words.get(word).column() : text.stripTrailing().length();
    }
}
