package net.dtm.vendor.linux;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.config.ConfigException;

/**
 * Runs the adapter's tools on the target: this machine, or inside network namespace {@code netns}
 * ({@code ip -n NS ...} for iproute2, {@code ip netns exec NS TOOL ...} for every other tool).
 * A tool that is missing, hangs or cannot be started is a channel failure
 * ({@link ConfigException#rejected()} false) with a sentence that says what to do; what the tool
 * itself answers is returned for the caller to judge.
 */
final class LinuxHost {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxHost.class);

    private final CommandRunner runner;
    private final ToolLocator locator;
    private final Optional<String> netns;
    private final Duration timeout;
    private final Map<Tool, String> resolved = new EnumMap<>(Tool.class);

    LinuxHost(CommandRunner runner, ToolLocator locator, Optional<String> netns, Duration timeout) {
        this.runner = runner;
        this.locator = locator;
        this.netns = netns;
        this.timeout = timeout;
    }

    /** {@code this host} or {@code netns NAME}, for messages. */
    String where() {
        return netns.map(n -> "netns " + n).orElse("this host");
    }

    /** The network namespace the target is, if any. */
    Optional<String> netns() {
        return netns;
    }

    /** The command timeout of this target. */
    Duration timeout() {
        return timeout;
    }

    /** True if {@code tool} is installed. */
    boolean installed(Tool tool) {
        return path(tool).isPresent();
    }

    /** Runs {@code tool} in the target with the target's timeout and no input. */
    CommandRunner.Result run(Tool tool, List<String> args) throws ConfigException {
        return run(tool, args, "", timeout, Set.of());
    }

    /** Runs {@code tool} in the target with {@code stdin} and the target's timeout. */
    CommandRunner.Result run(Tool tool, List<String> args, String stdin) throws ConfigException {
        return run(tool, args, stdin, timeout, Set.of());
    }

    /**
     * Runs {@code tool} in the target ({@link Tool#MODPROBE} always on the host: modules are the
     * kernel's, not a namespace's).
     *
     * @throws ConfigException rejected = false when the tool is missing, timed out or could not run
     */
    CommandRunner.Result run(Tool tool, List<String> args, String stdin, Duration limit, Set<String> unsetEnvironment)
            throws ConfigException {
        List<String> argv = argv(tool, args);
        CommandRunner.Command command = new CommandRunner.Command(argv, stdin, limit, unsetEnvironment);
        String shown = display(tool, args);
        try {
            CommandRunner.Result result = runner.run(command);
            LOG.debug("{} in {}: {}", shown, where(), result);
            return result;
        } catch (NoSuchFileException e) {
            throw new ConfigException(notFound(tool, e), false, e);
        } catch (TimeoutException e) {
            throw new ConfigException(shown + " in " + where() + " did not finish within " + limit.toMillis()
                    + " ms and was killed", false, e);
        } catch (IOException e) {
            throw new ConfigException("could not run " + shown + " in " + where() + ": " + e.getMessage(), false, e);
        }
    }

    /**
     * Runs a command that only reads and returns its standard output.
     *
     * @throws ConfigException rejected = false, with the tool's own error text, when it exits non-zero
     */
    String read(Tool tool, List<String> args) throws ConfigException {
        CommandRunner.Result r = run(tool, args);
        if (r.exitCode() != 0) {
            throw new ConfigException(display(tool, args) + " failed in " + where() + " (exit " + r.exitCode() + "): "
                    + firstLines(r.stderr()), false);
        }
        return r.stdout();
    }

    /** {@code tool args...} as an operator would type it, for messages. */
    static String display(Tool tool, List<String> args) {
        return args.isEmpty() ? tool.program() : tool.program() + " " + String.join(" ", args);
    }

    /** The tool's error text without blank lines, or a note that it printed none. */
    static String firstLines(String stderr) {
        String s = stderr.strip();
        return s.isEmpty() ? "(no error text)" : String.join("; ", s.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
    }

    private List<String> argv(Tool tool, List<String> args) throws ConfigException {
        List<String> argv = new ArrayList<>();
        if (netns.isEmpty() || tool == Tool.MODPROBE) {
            argv.add(required(tool));
        } else if (tool == Tool.IP) {
            argv.add(required(Tool.IP));
            argv.add("-n");
            argv.add(netns.get());
        } else {
            String program = required(tool);
            argv.add(required(Tool.IP));
            argv.add("netns");
            argv.add("exec");
            argv.add(netns.get());
            argv.add(program);
        }
        argv.addAll(args);
        return argv;
    }

    private String required(Tool tool) throws ConfigException {
        return path(tool).orElseThrow(() -> new ConfigException(tool.notFound(), false));
    }

    private Optional<String> path(Tool tool) {
        String p = resolved.get(tool);
        if (p == null) {
            Optional<String> found = locator.find(tool.program());
            if (found.isEmpty()) {
                return Optional.empty();
            }
            p = found.get();
            resolved.put(tool, p);
        }
        return Optional.of(p);
    }

    private static String notFound(Tool tool, NoSuchFileException e) {
        String missing = String.valueOf(e.getFile());
        return missing.endsWith("/ip") || missing.equals("ip") ? Tool.IP.notFound() : tool.notFound();
    }
}
