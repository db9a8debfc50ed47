package net.dtm.config.ssh.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/** An exec channel: sends an {@link ExecOutcome}'s output and exit status, then closes. */
final class EmulatedExecCommand implements Command {

    private final ExecOutcome outcome;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;

    EmulatedExecCommand(ExecOutcome outcome) {
        this.outcome = outcome;
    }

    @Override
    public void setInputStream(InputStream in) {
        // an emulated command reads no input
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        out.write(outcome.stdout().getBytes(StandardCharsets.UTF_8));
        out.flush();
        err.write(outcome.stderr().getBytes(StandardCharsets.UTF_8));
        err.flush();
        exit.onExit(outcome.exitStatus());
    }

    @Override
    public void destroy(ChannelSession channel) {
        // nothing runs after start
    }
}
