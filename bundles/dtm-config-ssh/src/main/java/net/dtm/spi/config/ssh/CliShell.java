package net.dtm.spi.config.ssh;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

import net.dtm.spi.config.ConfigException;

/**
 * An interactive CLI on a device. Each {@link #send} writes one line, waits until the device
 * prints a prompt again (a line matching the pattern the shell was opened with, at the end of the
 * output, after the device has gone quiet), and returns what the device printed in between, without
 * the echo of the line and without the prompt.
 */
@ProviderType
public interface CliShell extends AutoCloseable {

    /**
     * Sends {@code line} and a newline, returns the output before the next prompt.
     *
     * @throws ConfigException (not {@code rejected}) if the connection drops or no prompt comes
     *                         within {@code timeout}; deciding whether the output is an error is
     *                         the adapter's job
     */
    String send(String line, Duration timeout) throws ConfigException;

    /**
     * Writes {@code keys} as they are (control characters such as Ctrl-X = {@code "\u0018"}, no
     * newline added) and returns the output before the next prompt, as {@link #send} does.
     */
    String sendKeys(String keys, Duration timeout) throws ConfigException;

    /** The prompt seen last, e.g. {@code edge-router-1(config)#}. */
    String prompt();

    /** Closes the shell channel. Never throws. */
    @Override
    void close();
}
