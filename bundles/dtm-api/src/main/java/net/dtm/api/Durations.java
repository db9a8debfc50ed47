package net.dtm.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators type them (shell options, REST fields): {@code 0}, {@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}, or ISO-8601 ({@code PT1H30M}). */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})([smhd]?)");

    private Durations() {
    }

    /** @throws IllegalArgumentException naming the accepted forms if {@code text} is none of them, or negative */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofSeconds(n);
            };
        }
        try {
            Duration d = Duration.parse(t.toUpperCase(Locale.ROOT));
            if (!d.isNegative()) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 0, 90s, 15m, 2h, 7d or PT1H30M)");
    }
}
