package net.dtm.vendor.huaweivrp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import net.dtm.config.ssh.testkit.EmulatedDevice;
import net.dtm.config.ssh.testkit.EmulatedShell;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.ssh.CliShell;
import net.dtm.spi.config.ssh.ExecResult;
import net.dtm.spi.config.ssh.SshConnection;
import net.dtm.spi.config.ssh.SshConnector;

/**
 * An {@link SshConnector} that drives an {@link EmulatedDevice} in memory, as the SSH server
 * would: the prompt must match the adapter's pattern or the send "times out"; a line matching
 * {@link #dropWhen} ends the session before the device sees it, as a dropped connection does.
 */
final class InMemorySsh implements SshConnector {

    private final EmulatedDevice device;
    private volatile Predicate<String> dropWhen = l -> false;
    final List<String> sent = new ArrayList<>();

    InMemorySsh(EmulatedDevice device) {
        this.device = device;
    }

    void dropWhen(Predicate<String> p) {
        dropWhen = p;
    }

    @Override
    public SshConnection connect(DeviceTarget target) {
        return new Connection();
    }

    private final class Connection implements SshConnection {
        private final List<EmulatedShell> shells = new ArrayList<>();

        @Override
        public ExecResult exec(String command, Duration timeout) throws ConfigException {
            throw new ConfigException("the device has no exec channel", false);
        }

        @Override
        public CliShell shell(Pattern promptPattern) throws ConfigException {
            EmulatedShell s = device.openShell();
            shells.add(s);
            Shell shell = new Shell(s, promptPattern, this);
            shell.learn(s.banner());
            return shell;
        }

        void dropped(EmulatedShell s) {
            if (shells.remove(s)) {
                device.sessionEnded(s);
            }
        }

        @Override
        public String hostKeyFingerprint() {
            return "SHA256:in-memory";
        }

        @Override
        public void close() {
            for (EmulatedShell s : List.copyOf(shells)) {
                dropped(s);
            }
        }
    }

    private final class Shell implements CliShell {
        private final EmulatedShell shell;
        private final Pattern pattern;
        private final Connection connection;
        private String prompt = "";
        private boolean gone;

        Shell(EmulatedShell shell, Pattern pattern, Connection connection) {
            this.shell = shell;
            this.pattern = pattern;
            this.connection = connection;
        }

        void learn(String output) throws ConfigException {
            String p = shell.prompt();
            if (!pattern.matcher(p).find()) {
                throw new ConfigException("no prompt matching " + pattern + " came within the timeout; the device printed: "
                        + output + "\n" + p, false);
            }
            prompt = p;
        }

        @Override
        public String send(String line, Duration timeout) throws ConfigException {
            synchronized (sent) {
                sent.add(line);
            }
            if (gone || shell.ended()) {
                throw new ConfigException("the connection to the device is closed", false);
            }
            if (dropWhen.test(line)) {
                gone = true;
                connection.dropped(shell);
                throw new ConfigException("connection to the device lost", false);
            }
            String out = shell.line(line);
            learn(out);
            return out;
        }

        @Override
        public String sendKeys(String keys, Duration timeout) throws ConfigException {
            StringBuilder out = new StringBuilder();
            for (char c : keys.toCharArray()) {
                out.append(shell.control(c));
            }
            learn(out.toString());
            return out.toString();
        }

        @Override
        public String prompt() {
            return prompt;
        }

        @Override
        public void close() {
            gone = true;
        }
    }
}
