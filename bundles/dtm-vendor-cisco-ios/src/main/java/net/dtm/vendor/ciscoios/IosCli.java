package net.dtm.vendor.ciscoios;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ssh.CliShell;

/**
 * The IOS command line of one session: knows the prompt's shape and the mode it shows, and tells
 * device errors apart from output. The prompt is learned again after every line by the
 * {@link CliShell}, so a {@code hostname} change (even inside a batch) is followed.
 */
final class IosCli implements AutoCloseable {

    /**
     * Any IOS prompt: a hostname of up to 63 characters, an optional mode such as {@code (config)} or
     * {@code (config-if)}, then {@code >} (user EXEC) or {@code #} (privileged EXEC and configuration).
     */
    static final Pattern PROMPT = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}(\\([A-Za-z0-9./-]+\\))?[>#] ?$");

    private final CliShell shell;
    private final Duration timeout;

    IosCli(CliShell shell, Duration timeout) {
        this.shell = shell;
        this.timeout = timeout;
    }

    /** The prompt now. */
    String prompt() {
        return shell.prompt();
    }

    /** True while the prompt shows a configuration mode. */
    boolean inConfig() {
        return prompt().contains("(config");
    }

    /** True when the prompt shows user EXEC ({@code >}), where nothing can be configured. */
    boolean userExec() {
        return prompt().trim().endsWith(">");
    }

    /** Sends {@code line} and returns the output; a channel failure is a (not rejected) ConfigException. */
    String send(String line) throws ConfigException {
        return shell.send(line, timeout);
    }

    /**
     * Sends {@code line} in privileged EXEC (leaving configuration mode first) and returns its output.
     *
     * @throws ConfigException (rejected as given) if IOS printed an error for it
     */
    String exec(String line, boolean rejected) throws ConfigException {
        toExec();
        return checked(line, rejected);
    }

    /**
     * Sends {@code line} in the current mode and returns its output.
     *
     * @throws ConfigException (rejected as given) if IOS printed an error for it
     */
    String checked(String line, boolean rejected) throws ConfigException {
        String promptBefore = prompt();
        String out = send(line);
        Optional<String> error = IosErrors.find(out);
        if (error.isPresent()) {
            String word = IosErrors.offendingWord(out, promptBefore, line).map(w -> " (at '" + w + "')").orElse("");
            throw new ConfigException("IOS refused '" + line + "'" + word + ": " + error.get(), rejected);
        }
        return out;
    }

    /** Leaves configuration mode if the prompt shows one. */
    void toExec() throws ConfigException {
        if (inConfig()) {
            send("end");
        }
    }

    @Override
    public void close() {
        shell.close();
    }
}
