package net.dtm.vendor.ciscoios;

import java.time.Duration;
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
 * An {@link SshConnector} that drives an {@link EmulatedDevice}'s shell in memory, with the
 * CliShell contract (prompt must match the pattern, output without echo and prompt, blank edges
 * trimmed): for fast tests of many changes; the SSH path itself is covered by the SSH tests.
 */
final class InMemoryConnector implements SshConnector {

    private final EmulatedDevice device;

    InMemoryConnector(EmulatedDevice device) {
        this.device = device;
    }

    @Override
    public SshConnection connect(DeviceTarget target) {
        return new SshConnection() {
            @Override
            public ExecResult exec(String command, Duration timeout) throws ConfigException {
                throw new ConfigException("exec channel refused (IOS has none)", false);
            }

            @Override
            public CliShell shell(Pattern promptPattern) throws ConfigException {
                EmulatedShell shell = device.openShell();
                Shell s = new Shell(shell, promptPattern);
                s.learn();
                return s;
            }

            @Override
            public String hostKeyFingerprint() {
                return "SHA256:in-memory";
            }

            @Override
            public void close() {
            }
        };
    }

    private static final class Shell implements CliShell {
        private final EmulatedShell shell;
        private final Pattern pattern;
        private String prompt = "";

        Shell(EmulatedShell shell, Pattern pattern) {
            this.shell = shell;
            this.pattern = pattern;
        }

        void learn() throws ConfigException {
            String p = shell.prompt();
            if (shell.ended() || !pattern.matcher(p).find()) {
                throw new ConfigException("no prompt matching " + pattern.pattern() + ", last seen \"" + p + "\"", false);
            }
            prompt = p;
        }

        @Override
        public String send(String line, Duration timeout) throws ConfigException {
            String out = shell.line(line).replaceAll("(?m)^ --More-- $\\n?", "");
            learn();
            return out.strip().isEmpty() ? "" : out.replaceAll("^(\\s*\\n)+", "").stripTrailing();
        }

        @Override
        public String sendKeys(String keys, Duration timeout) throws ConfigException {
            throw new ConfigException("not emulated", false);
        }

        @Override
        public String prompt() {
            return prompt;
        }

        @Override
        public void close() {
        }
    }
}
