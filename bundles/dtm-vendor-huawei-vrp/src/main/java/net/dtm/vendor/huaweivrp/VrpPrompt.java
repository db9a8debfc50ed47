package net.dtm.vendor.huaweivrp;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * VRP prompts: {@code <name>} in the user view, {@code [name]} in the system view of a device
 * that commits at once, {@code [~name]} in two-stage mode and {@code [*name]} once the candidate
 * holds uncommitted changes; a sub-view appends itself, e.g. {@code [~name-Tunnel0/0/4000]}. The
 * name is the device's sysname, which may hold spaces and dashes and be long, and which changes
 * when a {@code sysname} command is committed: the pattern therefore accepts any name without
 * brackets or line breaks, and the shell re-learns the prompt after every command.
 *
 * @param raw       the prompt as printed
 * @param userView  true for {@code <name>}
 * @param twoStage  true when the view shows the two-stage marker ({@code ~} or {@code *})
 * @param dirty     true for {@code *}: the candidate holds uncommitted changes
 * @param inside    what stands between the brackets after the marker (sysname and sub-view)
 */
record VrpPrompt(String raw, boolean userView, boolean twoStage, boolean dirty, String inside) {

    /**
     * Every VRP prompt, and the questions VRP asks before some commands go on ({@code ... [Y/N]:},
     * {@code ... [Y(yes)/N(no)/C(cancel)]:}), for the whole line or the last line of output
     * (multi-line mode): a question must end the wait like a prompt, so the session can answer it.
     */
    static final Pattern PATTERN = Pattern.compile("^(?:<[^<>\\r\\n]{1,300}>|\\[[~*]?[^\\[\\]\\r\\n]{1,300}\\]"
            + "|[^\\r\\n]*\\[(?:Y/N|Y\\(yes\\)/N\\(no\\)(?:/C\\(cancel\\))?)\\]:)\\s?$", Pattern.MULTILINE);

    private static final Pattern QUESTION = Pattern.compile("^.*\\[(?:Y/N|Y\\(yes\\)/N\\(no\\)(?:/C\\(cancel\\))?)\\]:\\s?$");

    /** True if {@code text} is a question of VRP's waiting for Y or N (or C). */
    static boolean isQuestion(String text) {
        return text != null && QUESTION.matcher(text.strip()).matches();
    }

    private static final Pattern PARTS = Pattern.compile("^(?:<([^<>\\r\\n]+)>|\\[([~*]?)([^\\[\\]\\r\\n]+)\\])\\s?$");

    /** The prompt {@code text} describes, or empty if it is not a VRP prompt. */
    static Optional<VrpPrompt> parse(String text) {
        Matcher m = PARTS.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        if (m.group(1) != null) {
            return Optional.of(new VrpPrompt(text, true, false, false, m.group(1)));
        }
        String marker = m.group(2);
        return Optional.of(new VrpPrompt(text, false, !marker.isEmpty(), marker.equals("*"), m.group(3)));
    }
}
