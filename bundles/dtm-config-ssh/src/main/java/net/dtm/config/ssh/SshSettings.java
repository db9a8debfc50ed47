package net.dtm.config.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The connector's settings from configuration {@code net.dtm.ssh}, checked, with {@code ${name}}
 * placeholders (e.g. {@code ${karaf.etc}}) resolved from framework or system properties.
 *
 * @param knownHostsFile where host keys are pinned
 * @param connectTimeout limit for connecting and logging in
 * @param commandTimeout limit for opening a shell and reading its first prompt
 */
record SshSettings(Path knownHostsFile, Duration connectTimeout, Duration commandTimeout) {

    static final String PID = "net.dtm.ssh";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    /**
     * Checks and resolves raw configuration values.
     *
     * @param property looks up a framework or system property; null when unset
     * @throws IllegalArgumentException naming the setting and what to change
     */
    static SshSettings of(String knownHostsFile, long connectSeconds, long commandSeconds,
                          UnaryOperator<String> property) {
        if (knownHostsFile == null || knownHostsFile.isBlank()) {
            throw new IllegalArgumentException("known.hosts.file in etc/" + PID + ".cfg is empty: give the file where"
                    + " DTM pins device host keys");
        }
        Matcher m = PLACEHOLDER.matcher(knownHostsFile.strip());
        StringBuilder resolved = new StringBuilder();
        while (m.find()) {
            String value = property.apply(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("known.hosts.file = " + knownHostsFile + " in etc/" + PID
                        + ".cfg: property " + m.group(1) + " is not set; give an absolute path instead");
            }
            m.appendReplacement(resolved, Matcher.quoteReplacement(value));
        }
        m.appendTail(resolved);
        return new SshSettings(Path.of(resolved.toString()), seconds("connect.timeout.seconds", connectSeconds),
                seconds("command.timeout.seconds", commandSeconds));
    }

    /** Creates the connector these settings describe. */
    MinaSshConnector connector() {
        return new MinaSshConnector(knownHostsFile, connectTimeout, commandTimeout);
    }

    private static Duration seconds(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " = " + value + " in etc/" + PID + ".cfg: must be at least 1");
        }
        return Duration.ofSeconds(value);
    }
}
