package net.dtm.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import net.dtm.testkit.FreePorts;

/**
 * One of our distributions as an operator runs it, outside OSGi: unpacked from its tar.gz, its
 * etc/ files edited, started with {@code bin/start}, driven with {@code bin/client} using the
 * credentials {@code bin/dtm-init} creates at first start, stopped with {@code bin/stop}.
 *
 * <p>Every wait has a deadline. {@link #close()} stops the JVM and kills it by its pid if it does
 * not exit, so a failed test leaves no Karaf behind; the unpacked folder stays for inspection.
 */
final class KarafProcess implements AutoCloseable {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);

    /** What one {@code bin/client} call printed, and its exit status (1 on a command error). */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0 && !output.contains("Error executing command");
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ":\n" + output;
        }
    }

    private final Path home;
    private final Map<String, String> environment = new HashMap<>();
    private int sshPort;
    private String user;
    private String password;

    private KarafProcess(Path home) {
        this.home = home;
        environment.put("JAVA_HOME", System.getProperty("java.home"));
    }

    /** Unpacks {@code tarGz} into a new folder under {@code parent}. */
    static KarafProcess unpack(Path tarGz, Path parent) throws Exception {
        if (!Files.isRegularFile(tarGz)) {
            throw new AssertionError("distribution not found at " + tarGz + ": build it first");
        }
        Path dir = Files.createTempDirectory(Files.createDirectories(parent.toAbsolutePath()), "run-");
        run(dir, SCRIPT_TIMEOUT, null, Map.of(), "tar", "xzf", tarGz.toAbsolutePath().toString());
        try (var entries = Files.list(dir)) {
            return new KarafProcess(entries.filter(Files::isDirectory).findFirst()
                    .orElseThrow(() -> new AssertionError(tarGz + " holds no folder")));
        }
    }

    Path home() {
        return home;
    }

    /** An environment variable for the Karaf scripts (e.g. EXTRA_JAVA_OPTS). */
    KarafProcess env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Gives the SSH console a free port. */
    KarafProcess randomSshPort() throws IOException {
        sshPort = freeTcpPort();
        set("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(sshPort));
        return this;
    }

    /**
     * Boots the dtm-demo feature (pool demo, device smr-demo-1 and its key, a local agent over three
     * emulated links) at the first start as a second stage after the distribution's own features,
     * as {@code ./run.sh} does: the distribution itself boots no demo.
     */
    KarafProcess withDemo() throws IOException {
        String features = "etc/org.apache.karaf.features.cfg";
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(home.resolve(features))) {
            p.load(in);
        }
        String boot = p.getProperty("featuresBoot", "").trim();
        set(features, "featuresBoot", boot.isEmpty() ? "dtm-demo" : boot + ", (dtm-demo)");
        return demoAgent();
    }

    /**
     * What dtm-demo appends to the agent's settings where missing, written before the start as
     * run.sh does: Karaf then has nothing to append (appending rewrites a file its file watcher may
     * be writing). Until dtm-demo is installed the keys are read by nothing.
     */
    KarafProcess demoAgent() throws IOException {
        String agent = "etc/net.dtm.agent.cfg";
        return setIfAbsent(agent, "device.id", "smr-demo-1")
                .setIfAbsent(agent, "device.key.file", "${karaf.etc}/dtm-keys/smr-demo-1.key")
                .setIfAbsent(agent, "servers", "127.0.0.1:47800")
                .setIfAbsent(agent, "tunnel.type", "vxlan")
                .setIfAbsent(agent, "pool", "");
    }

    /** {@link #set} unless the file already has {@code key}. */
    private KarafProcess setIfAbsent(String file, String key, String value) throws IOException {
        Path path = home.resolve(file);
        Properties p = new Properties();
        if (Files.exists(path)) {
            try (InputStream in = Files.newInputStream(path)) {
                p.load(in);
            }
        }
        return p.containsKey(key) ? this : set(file, key, value);
    }

    /** Gives JMX's RMI registry and RMI server free ports. */
    KarafProcess randomRmiPorts() throws IOException {
        String management = "etc/org.apache.karaf.management.cfg";
        return set(management, "rmiRegistryPort", Integer.toString(freeTcpPort()))
                .set(management, "rmiServerPort", Integer.toString(freeTcpPort()));
    }

    /** The tunnel server binds UDP {@code port}, and the local agent (the demo's) talks to it there. */
    KarafProcess tunnelPort(int port) throws IOException {
        return set("etc/net.dtm.server.cfg", "bind.port", Integer.toString(port))
                .set("etc/net.dtm.agent.cfg", "servers", "127.0.0.1:" + port);
    }

    /**
     * Sets {@code key = value} in a Karaf configuration file, replacing the key's whole logical
     * line (backslash continuations included), or appending it; creates the file if needed.
     */
    KarafProcess set(String file, String key, String value) throws IOException {
        return edit(file, key, key + " = " + value);
    }

    /** Removes {@code key} (its whole logical line) from a Karaf configuration file. */
    KarafProcess remove(String file, String key) throws IOException {
        return edit(file, key, null);
    }

    /** Replaces the logical line of {@code key} with {@code line} (appended if absent), or removes it if null. */
    private KarafProcess edit(String file, String key, String line) throws IOException {
        Path path = home.resolve(file);
        List<String> lines = Files.exists(path) ? Files.readAllLines(path) : List.of();
        List<String> out = new ArrayList<>();
        boolean replaced = false;
        Pattern keyLine = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*[=:].*");
        for (int i = 0; i < lines.size(); i++) {
            String current = lines.get(i);
            if (keyLine.matcher(current).matches()) {
                while (current.endsWith("\\") && i + 1 < lines.size()) {
                    current = lines.get(++i);
                }
                if (!replaced && line != null) {
                    out.add(line);
                }
                replaced = true;
            } else {
                out.add(current);
            }
        }
        if (!replaced && line != null) {
            out.add(line);
        }
        Files.createDirectories(path.getParent());
        Files.write(path, out);
        return this;
    }

    boolean exists(String file) {
        return Files.exists(home.resolve(file));
    }

    /** Runs {@code bin/start} and reads the operator credentials its first start created. */
    void start() throws Exception {
        if (sshPort == 0) {
            throw new IllegalStateException("randomSshPort() first: never touch an operator's 8101");
        }
        String out = run(home, SCRIPT_TIMEOUT, null, environment, "bin/start");
        Path credentials = home.resolve("etc/dtm-operator.credentials");
        if (!Files.isRegularFile(credentials)) {
            throw new AssertionError("first start created no " + credentials + "; bin/start said: " + out);
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(credentials)) {
            p.load(in);
        }
        user = p.getProperty("user");
        password = p.getProperty("password");
    }

    /** Runs a script of the distribution (e.g. {@code bin/dtm-upgrade}) in its folder, with the scripts' environment. */
    Result script(Duration timeout, String... command) throws Exception {
        int[] exit = new int[1];
        String out = run(home, timeout, null, environment, exit, command);
        return new Result(exit[0], out);
    }

    /** One console command through {@code bin/client} (SSH), ANSI colours removed. */
    Result client(String command) throws Exception {
        return client(command, SCRIPT_TIMEOUT);
    }

    Result client(String command, Duration timeout) throws Exception {
        if (password == null) {
            throw new IllegalStateException("not started");
        }
        return client(user, password, command, timeout, 1);
    }

    /**
     * One console command as {@code user} with {@code password} (e.g. wrong ones), letting
     * {@code bin/client} try to connect up to {@code attempts} times.
     */
    Result client(String user, String password, String command, Duration timeout, int attempts) throws Exception {
        int[] exit = new int[1];
        String out = run(home, timeout, command + "\n", environment, exit, "bin/client", "-a", Integer.toString(sshPort),
                "-h", "127.0.0.1", "-u", user, "-p", password, "-r", Integer.toString(attempts), "-b");
        return new Result(exit[0], ANSI.matcher(out).replaceAll(""));
    }

    /**
     * Polls {@code command} until its output satisfies {@code done} or {@code atMost} passes, and
     * returns the last result.
     */
    Result await(String what, Duration atMost, String command, Predicate<Result> done) {
        Result[] last = new Result[1];
        try {
            Awaitility.await(what).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        last[0] = client(command, Duration.ofSeconds(30));
                        return done.test(last[0]);
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + " not within " + atMost.toSeconds() + " s; last " + command + " gave "
                    + last[0] + "\nlog tail:\n" + logTail(40), e);
        }
        return last[0];
    }

    /** The last {@code lines} lines of data/log/karaf.log, for failure messages. */
    String logTail(int lines) {
        Path log = home.resolve("data/log/karaf.log");
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + log + ": " + e + ")";
        }
    }

    /** The Karaf JVM recorded in instances/instance.properties, if any. */
    Optional<ProcessHandle> jvm() throws IOException {
        Path instances = home.resolve("instances/instance.properties");
        if (!Files.exists(instances)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(instances)) {
            p.load(in);
        }
        String pid = p.getProperty("item.0.pid");
        return pid == null || pid.isBlank() ? Optional.empty() : ProcessHandle.of(Long.parseLong(pid.trim()));
    }

    /** {@code bin/stop}, then waits up to {@code atMost} for the JVM to exit (it is not killed). */
    void stop(Duration atMost) throws Exception {
        ProcessHandle jvm = jvm().orElseThrow(() -> new AssertionError("no Karaf pid recorded"));
        run(home, SCRIPT_TIMEOUT, null, environment, "bin/stop");
        Awaitility.await("Karaf JVM exit").atMost(atMost).until(() -> !jvm.isAlive());
    }

    /** {@code bin/stop}, then waits for the JVM to exit; kills it (by its pid) if it does not. */
    @Override
    public void close() throws Exception {
        Optional<ProcessHandle> jvm = jvm();
        if (jvm.isEmpty() || !jvm.get().isAlive()) {
            return;
        }
        try {
            stop(Duration.ofSeconds(30));
        } catch (RuntimeException | AssertionError e) {
            jvm.get().destroyForcibly();
            Awaitility.await("Karaf JVM killed").atMost(Duration.ofSeconds(15)).until(() -> !jvm.get().isAlive());
        }
    }

    /**
     * Closes every one of {@code processes}; if {@code deleteFolders} (a passed run), also deletes
     * the folders they were unpacked into, a failed run's stay for inspection.
     */
    static void closeAll(List<KarafProcess> processes, boolean deleteFolders) throws Exception {
        for (KarafProcess karaf : processes) {
            karaf.close();
        }
        if (deleteFolders) {
            for (KarafProcess karaf : processes) {
                try (Stream<Path> files = Files.walk(karaf.home().getParent())) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** A free TCP port outside the ephemeral range ({@link FreePorts}: no outgoing connection takes it first). */
    static int freeTcpPort() throws IOException {
        return FreePorts.tcp();
    }

    /** A free UDP port outside the ephemeral range. */
    static int freeUdpPort() throws IOException {
        return FreePorts.udp();
    }

    private static String run(Path dir, Duration timeout, String stdin, Map<String, String> env, String... command)
            throws Exception {
        return run(dir, timeout, stdin, env, new int[1], command);
    }

    private static String run(Path dir, Duration timeout, String stdin, Map<String, String> env, int[] exit,
            String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path output = Files.createTempFile("dtm-it-", ".out");
        pb.redirectOutput(output.toFile());
        Process p = pb.start();
        try {
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout.toSeconds()
                        + " s; it printed: " + Files.readString(output, StandardCharsets.UTF_8));
            }
            exit[0] = p.exitValue();
            return Files.readString(output, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
