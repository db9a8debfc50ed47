package net.dtm.config.ssh;

import java.time.Duration;
import java.util.regex.Pattern;

import org.apache.sshd.client.session.ClientSession;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ssh.CliShell;
import net.dtm.spi.config.ssh.ExecResult;
import net.dtm.spi.config.ssh.SshConnection;

/** A logged-in sshd {@link ClientSession}; closing it closes its channels. */
final class MinaSshConnection implements SshConnection {

    private final ClientSession session;
    private final String where;
    private final String fingerprint;
    private final Duration commandTimeout;
    private final Redaction redaction;

    MinaSshConnection(ClientSession session, String where, String fingerprint, Duration commandTimeout,
                      Redaction redaction) {
        this.session = session;
        this.where = where;
        this.fingerprint = fingerprint;
        this.commandTimeout = commandTimeout;
        this.redaction = redaction;
    }

    @Override
    public ExecResult exec(String command, Duration timeout) throws ConfigException {
        return ExecChannel.run(session, command, timeout, where, redaction);
    }

    @Override
    public CliShell shell(Pattern promptPattern) throws ConfigException {
        return MinaCliShell.open(session, promptPattern, commandTimeout, where, redaction);
    }

    @Override
    public String hostKeyFingerprint() {
        return fingerprint;
    }

    @Override
    public void close() {
        try {
            // graceful: channels close and the device gets a disconnect message, without waiting here
            session.close(false);
        } catch (RuntimeException e) {
            // never throws: the connection is gone either way
        }
    }

    @Override
    public String toString() {
        return "SSH connection to " + where;
    }
}
