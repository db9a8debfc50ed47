package net.dtm.vendor.huaweivrp;

import java.time.Duration;
import java.util.Optional;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ssh.CliShell;

/**
 * One VRP CLI session over a {@link CliShell}: sends a line, returns what the device printed and
 * whether it refused the line. VRP refuses with a caret line under the echoed command and an
 * {@code Error:} line ({@code Error: Unrecognized command found at '^' position.},
 * {@code Error: Wrong parameter found at '^' position.}, {@code Error: Incomplete command found at '^' position.}
 * and command-specific {@code Error: ...} sentences).
 */
final class VrpCli {

    /**
     * What the device printed for one line.
     *
     * @param output everything printed before the next prompt
     * @param error  the refusal, for an operator (the error line and the word the caret points at), if any
     */
    record Reply(String output, Optional<String> error) {
        boolean ok() {
            return error.isEmpty();
        }
    }

    private final CliShell shell;
    private final Duration timeout;
    private final String where;

    VrpCli(CliShell shell, Duration timeout, String where) {
        this.shell = shell;
        this.timeout = timeout;
        this.where = where;
    }

    /**
     * Sends {@code line}; a refusal is in the reply, a failed channel is the exception. A question
     * the device asks is declined ({@code N}, or {@code C} where VRP offers to cancel) and counts as
     * a refusal: DTM only says yes where it expects the question ({@link #confirmed}).
     */
    Reply run(String line) throws ConfigException {
        return run(line, false);
    }

    /** Sends {@code line} and answers {@code Y} if the device asks whether to go on (as {@code abort trial} does). */
    Reply confirmed(String line) throws ConfigException {
        return run(line, true);
    }

    private Reply run(String line, boolean yes) throws ConfigException {
        String promptBefore = shell.prompt();
        String out = shell.send(line, timeout);
        Optional<String> error = refusal(promptBefore, line, out);
        if (VrpPrompt.isQuestion(shell.prompt())) {
            String question = shell.prompt().strip();
            String answer = yes ? "Y" : question.contains("C(cancel)") ? "C" : "N";
            String after = shell.send(answer, timeout);
            out = out + (out.isEmpty() ? "" : "\n") + question + " " + answer + (after.isEmpty() ? "" : "\n" + after);
            if (error.isEmpty()) {
                error = yes ? refusal("", answer, after)
                        : Optional.of("the device asked \"" + question + "\" and DTM answered " + answer);
            }
        }
        return new Reply(out, error);
    }

    /** Sends {@code line} and fails with a rejected exception if the device refuses it. */
    String expect(String line) throws ConfigException {
        Reply r = run(line);
        if (!r.ok()) {
            throw new ConfigException("huawei-vrp device " + where + " refused '" + line + "': " + r.error().get(), true);
        }
        return r.output();
    }

    /** The prompt seen last, parsed; empty if it is not a VRP prompt. */
    Optional<VrpPrompt> prompt() {
        return VrpPrompt.parse(shell.prompt());
    }

    /** The prompt seen last, parsed; a prompt that is not VRP's fails the session (not rejected). */
    VrpPrompt current() throws ConfigException {
        return prompt().orElseThrow(() -> new ConfigException("huawei-vrp device " + where + " shows a prompt that is not VRP's: '"
                + shell.prompt() + "'", false));
    }

    /** The prompt as printed. */
    String rawPrompt() {
        return shell.prompt();
    }

    void close() {
        shell.close();
    }

    /**
     * The device's refusal in {@code out}, or empty. The caret sits under the echoed prompt and
     * line, so its column minus the prompt's length points into {@code line}.
     */
    static Optional<String> refusal(String promptBefore, String line, String out) {
        String[] lines = out.split("\\r?\\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (!l.startsWith("Error:")) {
                continue;
            }
            String where = "";
            if (i > 0 && lines[i - 1].strip().equals("^")) {
                int column = lines[i - 1].indexOf('^') - (promptBefore == null ? 0 : promptBefore.length());
                if (column >= 0 && column < line.length()) {
                    where = " (at '" + wordAt(line, column) + "')";
                } else if (column >= line.length()) {
                    where = " (at the end of the line)";
                }
            }
            return Optional.of(l + where);
        }
        return Optional.empty();
    }

    private static String wordAt(String line, int column) {
        int start = column;
        while (start > 0 && line.charAt(start - 1) != ' ') {
            start--;
        }
        int end = column;
        while (end < line.length() && line.charAt(end) != ' ') {
            end++;
        }
        return line.substring(start, end);
    }
}
