package net.dtm.vendor.ciscoios;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds the error IOS printed for a command: a line starting with {@code %} ({@code % Invalid input
 * detected at '^' marker.}, {@code % Incomplete command.}, {@code % Ambiguous command: "..."},
 * {@code %Inconsistent address and mask}...), with the caret line above it when there is one. Syslog
 * messages that reach the terminal ({@code %LINEPROTO-5-UPDOWN: ...}) are not errors.
 */
final class IosErrors {

    private static final Pattern SYSLOG = Pattern.compile("^(\\*?[A-Z][a-z]{2}\\s+\\d+ [\\d:.]+: )?%[A-Z0-9_]+-\\d-[A-Z0-9_]+:.*");

    private IosErrors() {
    }

    /** The error in {@code output}, as IOS printed it (trimmed lines joined by a space), or empty. */
    static Optional<String> find(String output) {
        String[] lines = output.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (!line.startsWith("%") || SYSLOG.matcher(line).matches()) {
                continue;
            }
            StringBuilder b = new StringBuilder(line);
            for (int j = i + 1; j < lines.length && !lines[j].isBlank() && !lines[j].trim().startsWith("%"); j++) {
                b.append(' ').append(lines[j].trim());
            }
            return Optional.of(b.toString());
        }
        return Optional.empty();
    }

    /**
     * The offending word of {@code command} when {@code output} has a caret line: IOS puts the caret
     * under it, counting from the start of the prompt.
     */
    static Optional<String> offendingWord(String output, String prompt, String command) {
        for (String line : output.split("\\R")) {
            if (line.trim().equals("^")) {
                int column = line.indexOf('^') - prompt.length();
                if (column >= 0 && column < command.length()) {
                    int end = command.indexOf(' ', column);
                    return Optional.of(command.substring(column, end < 0 ? command.length() : end));
                }
            }
        }
        return Optional.empty();
    }
}
