package net.dtm.config.ssh;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import net.dtm.config.ssh.testkit.EmulatedDevice;
import net.dtm.config.ssh.testkit.EmulatedShell;
import net.dtm.config.ssh.testkit.ExecOutcome;

/**
 * A tiny IOS-like device for the connector's tests: a hostname, exec and config modes, a few show
 * commands (one paged, one with a {@code #} inside its output), Ctrl-Z/Ctrl-X, and exec commands.
 */
final class TinyRouter implements EmulatedDevice {

    static final String BANNER = "\n*** Authorised access only ***\nrouter-banner# is not a prompt\n";

    volatile String hostname = "edge-1";
    final List<Character> controls = new CopyOnWriteArrayList<>();
    final List<EmulatedShell> ended = new CopyOnWriteArrayList<>();
    volatile boolean execSupported = true;
    /** Holds the exec command {@code hang} until counted down (bounded, so a failing test cannot hang). */
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public EmulatedShell openShell() {
        return new Shell();
    }

    @Override
    public Optional<ExecOutcome> exec(String command) {
        if (!execSupported) {
            return Optional.empty();
        }
        return switch (command) {
            case "uname" -> Optional.of(ExecOutcome.ok("TinyOS 1.0\n"));
            case "hang" -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                yield Optional.of(ExecOutcome.ok("released\n"));
            }
            case "false" -> Optional.of(new ExecOutcome(3, "partial\n", "failed: no such thing\n"));
            default -> Optional.of(ExecOutcome.fail(127, command + ": not found\n"));
        };
    }

    @Override
    public void sessionEnded(EmulatedShell shell) {
        ended.add(shell);
    }

    private final class Shell implements EmulatedShell {
        private String mode = "";
        private boolean ended;

        @Override
        public String banner() {
            return BANNER;
        }

        @Override
        public String prompt() {
            return hostname + mode + "#";
        }

        @Override
        public String line(String line) {
            String cmd = line.strip();
            if (cmd.equals("configure terminal")) {
                mode = "(config)";
                return "Enter configuration commands, one per line.  End with CNTL/Z.";
            }
            if (cmd.equals("interface Gi0/1") && mode.equals("(config)")) {
                mode = "(config-if)";
                return "";
            }
            if (cmd.startsWith("hostname ") && !mode.isEmpty()) {
                hostname = cmd.substring("hostname ".length());
                return "";
            }
            if (cmd.equals("end")) {
                mode = "";
                return "";
            }
            if (cmd.equals("exit")) {
                if (mode.isEmpty()) {
                    ended = true;
                }
                mode = "";
                return "";
            }
            if (cmd.equals("show version")) {
                return "TinyOS Software, Version 1.0\nuptime is 3 weeks\n\nProcessor board ID 42\n";
            }
            if (cmd.equals("show hashes")) {
                return "entry #1 ok\nnot-a-prompt#\nlast line";
            }
            if (cmd.equals("show long")) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= 5; i++) {
                    sb.append("line ").append(i).append('\n');
                }
                sb.append(" --More-- \n");
                for (int i = 6; i <= 10; i++) {
                    sb.append("line ").append(i).append('\n');
                }
                sb.append("  ---- More ----\n");
                sb.append("line 11\n");
                return sb.toString();
            }
            if (cmd.equals("show big")) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= 5000; i++) {
                    sb.append("route 10.").append(i / 250).append('.').append(i % 250).append(".0/24 via 192.0.2.1\n");
                }
                return sb.toString();
            }
            if (cmd.isEmpty()) {
                return "";
            }
            return "% Invalid input detected at '^' marker.";
        }

        @Override
        public String control(char c) {
            controls.add(c);
            if (c == '\u001a') {
                mode = "";
            }
            return c == '\u0018' ? "candidate discarded" : "";
        }

        @Override
        public boolean ended() {
            return ended;
        }
    }
}
