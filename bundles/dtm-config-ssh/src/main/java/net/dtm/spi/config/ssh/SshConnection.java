package net.dtm.spi.config.ssh;

import java.time.Duration;
import java.util.regex.Pattern;

import org.osgi.annotation.versioning.ProviderType;

import net.dtm.spi.config.ConfigException;

/** One logged-in SSH connection to a device. Not shared between threads. */
@ProviderType
public interface SshConnection extends AutoCloseable {

    /**
     * Runs {@code command} on a new exec channel and waits for it to end.
     *
     * @throws ConfigException (not {@code rejected}) if the channel fails, the connection drops or
     *                         the command does not end within {@code timeout}; a command that runs
     *                         and fails is not an exception: see {@link ExecResult#exitStatus()}
     */
    ExecResult exec(String command, Duration timeout) throws ConfigException;

    /**
     * Opens an interactive shell (with a terminal, as a person would log in), reads the banner and
     * learns the prompt: the last line of output once the device goes quiet, which must match
     * {@code promptPattern} (for example {@code [\w.()/-]+[#>]\s?$} for IOS). Every
     * {@link CliShell#send} re-learns the prompt, so a hostname or mode change is followed.
     *
     * @throws ConfigException (not {@code rejected}) if no prompt matching the pattern appears
     *                         within the connector's command timeout
     */
    CliShell shell(Pattern promptPattern) throws ConfigException;

    /** SHA256 fingerprint of the device's host key, as {@code ssh-keygen -l} prints it. */
    String hostKeyFingerprint();

    /** Closes every channel and the connection. Never throws. */
    @Override
    void close();
}
