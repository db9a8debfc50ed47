package net.dtm.config.ssh;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secrets in text that goes into exception messages (device output, sent lines): the login
 * password wherever it appears, and the value after a keyword such as {@code secret},
 * {@code password} or {@code pre-shared-key} (after modifiers such as {@code 5} or {@code cipher}),
 * as device configurations write credentials.
 */
final class Redaction {

    private static final String HIDDEN = "****";
    /** A credential keyword, a separator, optional modifiers (IOS {@code 5}, VRP {@code cipher}), the value. */
    private static final Pattern KEYWORD_VALUE = Pattern.compile("(?i)\\b(password|passwd|secret|pre-shared-key"
            + "|preshared-key|private-key|psk|key-string|community)((?:\\s*[=:]\\s*|\\s+)"
            + "(?:(?:cipher|simple|plain|irreversible-cipher|\\d)\\s+)*)\\S+");

    private final String password;

    private Redaction(String password) {
        this.password = password == null || password.isEmpty() ? null : password;
    }

    /** Hides {@code password} (may be null) and keyword values. */
    static Redaction hiding(String password) {
        return new Redaction(password);
    }

    /** {@code text} with secrets replaced by {@code ****}. */
    String apply(String text) {
        String out = password == null ? text : text.replace(password, HIDDEN);
        return KEYWORD_VALUE.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + HIDDEN));
    }
}
