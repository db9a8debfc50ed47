package net.dtm.vendor.mikrotik;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Recognises RouterOS's answers to a refused command. A command that changes the configuration
 * prints nothing when it succeeds, so apart from the known notices in brackets any output of such
 * a command is a refusal; known error forms are matched first so the message quotes them exactly.
 */
final class DeviceErrors {

    private static final List<Pattern> KNOWN = List.of(
            Pattern.compile("^syntax error \\(line \\d+ column \\d+\\)"),
            Pattern.compile("^expected end of command \\(line \\d+ column \\d+\\)"),
            Pattern.compile("^expected .+ \\(line \\d+ column \\d+\\)"),
            Pattern.compile("^bad command name .*\\(line \\d+ column \\d+\\)"),
            Pattern.compile("^failure: .*"),
            Pattern.compile("^input does not match any value of .*"),
            Pattern.compile("^invalid value for argument .*"),
            Pattern.compile("^invalid value .*"),
            Pattern.compile("^value of .* out of range.*"),
            Pattern.compile("^no such item.*"),
            Pattern.compile("^ambiguous value of .*"),
            Pattern.compile("^.*(not enough permissions|ERROR: ).*"));

    private DeviceErrors() {
    }

    /** The first error line in {@code output} of a configuration command, or empty when it succeeded. */
    static Optional<String> of(String output) {
        String first = null;
        for (String raw : Ansi.strip(output).split("\n")) {
            String line = raw.trim();
            if (line.isEmpty() || isNotice(line)) {
                continue;
            }
            for (Pattern p : KNOWN) {
                if (p.matcher(line).find()) {
                    return Optional.of(line);
                }
            }
            if (first == null) {
                first = line;
            }
        }
        return Optional.ofNullable(first);
    }

    /** True if {@code line} is one of RouterOS's error forms (output that is not data). */
    static boolean known(String line) {
        String l = Ansi.strip(line).trim();
        return KNOWN.stream().anyMatch(p -> p.matcher(l).find());
    }

    /** Notices RouterOS prints in brackets, e.g. {@code [Safe Mode taken]}. */
    static boolean isNotice(String line) {
        return line.startsWith("[") && line.endsWith("]") && !line.contains("@");
    }
}
