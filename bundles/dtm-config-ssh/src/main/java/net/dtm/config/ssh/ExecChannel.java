package net.dtm.config.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.future.CancelOption;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ssh.ExecResult;

/** Runs one command on an exec channel and collects its output and exit status. */
final class ExecChannel {

    private ExecChannel() {
    }

    /** Runs {@code command} on {@code session}; see {@link net.dtm.spi.config.ssh.SshConnection#exec}. */
    static ExecResult run(ClientSession session, String command, Duration timeout, String where, Redaction redaction)
            throws ConfigException {
        String what = "'" + redaction.apply(command) + "' on " + where;
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ChannelExec channel = null;
        try {
            channel = session.createExecChannel(command);
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(timeout, CancelOption.CANCEL_ON_TIMEOUT);
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), left);
            if (!events.contains(ClientChannelEvent.CLOSED)) {
                throw new ConfigException("command " + what + " did not end within " + ConnectFailures.seconds(timeout)
                        + "; its outcome is unknown: read the device's state again", false);
            }
            Integer status = channel.getExitStatus();
            if (status == null) {
                if (!session.isOpen()) {
                    throw lost(what);
                }
                throw new ConfigException("the device closed the exec channel for " + what + " without an exit"
                        + " status: it refused the exec request (IOS and VRP accept only an interactive shell) or"
                        + " the command was killed; use the shell for this device", false);
            }
            return new ExecResult(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            if (!session.isOpen()) {
                throw lost(what);
            }
            throw new ConfigException("cannot run " + what + ": " + e.getMessage(), false, e);
        } finally {
            if (channel != null) {
                channel.close(true);
            }
        }
    }

    private static ConfigException lost(String what) {
        return new ConfigException("connection lost while running " + what
                + "; the command's outcome is unknown: read the device's state again", false);
    }
}
