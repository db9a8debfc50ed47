package net.dtm.testkit.dataplane;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One of the shipped distributions as an operator runs it, inside a network namespace: unpacked
 * from its tar.gz, its etc/ files edited, started with {@code ip netns exec NS bin/karaf daemon}
 * (the script execs the JVM, so the process this class holds is the Karaf JVM itself: {@link #kill()}
 * is a kill -9 of Karaf), driven through {@code bin/client} inside the namespace with the operator
 * credentials its first start generated.
 */
final class KarafNode {

    /** The time stamp that begins every line of Karaf's log (local time, as pax-logging writes it). */
    private static final DateTimeFormatter LOG_STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss,SSS")
            .withZone(ZoneId.systemDefault());

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
    /** The console's port in the namespace: the shipped one (each namespace has its own loopback). */
    private static final int SSH_PORT = 8101;

    private final String name;
    private final String namespace;
    private final Path home;
    private final Map<String, String> env;
    private Process jvm;

    private KarafNode(String name, String namespace, Path home) {
        this.name = name;
        this.namespace = namespace;
        this.home = home;
        this.env = Map.of("JAVA_HOME", System.getProperty("java.home"));
    }

    /** Unpacks {@code tarGz} into {@code dir} (created). */
    static KarafNode unpack(String name, String namespace, Path tarGz, Path dir) throws IOException {
        if (!Files.isRegularFile(tarGz)) {
            throw new LabException("distribution not found at " + tarGz + ": build it first (mvn install -DskipTests)");
        }
        Files.createDirectories(dir);
        Sh.run(Duration.ofSeconds(60), null, Map.of(), "tar", "xzf", tarGz.toAbsolutePath().toString(), "-C",
                dir.toString(), "--strip-components=1").orThrow(List.of("tar", "xzf", tarGz.toString()));
        return new KarafNode(name, namespace, dir);
    }

    String name() {
        return name;
    }

    Path home() {
        return home;
    }

    /**
     * Sets {@code key = value} in an etc/ file, replacing the key's whole logical line (backslash
     * continuations included) or appending it; creates the file if needed.
     */
    KarafNode set(String file, String key, String value) throws IOException {
        edit(file, key, key + " = " + value);
        return this;
    }

    /** Removes {@code key} from an etc/ file. */
    KarafNode remove(String file, String key) throws IOException {
        edit(file, key, null);
        return this;
    }

    private void edit(String file, String key, String replacement) throws IOException {
        Path path = home.resolve(file);
        List<String> lines = Files.exists(path) ? Files.readAllLines(path) : List.of();
        List<String> out = new ArrayList<>();
        boolean done = false;
        Pattern keyLine = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*[=:].*");
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!keyLine.matcher(line).matches()) {
                out.add(line);
                continue;
            }
            while (line.endsWith("\\") && i + 1 < lines.size()) {
                line = lines.get(++i);
            }
            if (!done && replacement != null) {
                out.add(replacement);
            }
            done = true;
        }
        if (!done && replacement != null) {
            out.add(replacement);
        }
        Files.createDirectories(path.getParent());
        // Karaf's file watcher may read the file at any moment: replace it whole
        Path tmp = path.resolveSibling("." + path.getFileName() + ".tmp");
        Files.write(tmp, out);
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** The features booted at first start, from etc/org.apache.karaf.features.cfg. */
    List<String> bootFeatures() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(home.resolve("etc/org.apache.karaf.features.cfg"))) {
            p.load(in);
        }
        List<String> out = new ArrayList<>();
        for (String f : p.getProperty("featuresBoot", "").split(",")) {
            if (!f.isBlank()) {
                out.add(f.trim());
            }
        }
        return out;
    }

    /** Leaves the features whose names start with one of {@code names} out of the first start. */
    void withoutBootFeatures(String... names) throws IOException {
        List<String> kept = bootFeatures().stream()
                .filter(f -> List.of(names).stream().noneMatch(n -> f.equals(n) || f.startsWith(n + "/")))
                .toList();
        set("etc/org.apache.karaf.features.cfg", "featuresBoot", " \\\n    "
                + String.join(", \\\n    ", kept));
    }

    /** Starts Karaf in its namespace; its console output goes to console.out. */
    void start() throws IOException {
        if (jvm != null && jvm.isAlive()) {
            throw new IllegalStateException(name + " already running");
        }
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", namespace, home.resolve("bin/karaf").toString(),
                "daemon").directory(home.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.out").toFile()));
        pb.environment().putAll(env);
        jvm = pb.start();
    }

    boolean alive() {
        return jvm != null && jvm.isAlive();
    }

    /** kill -9 of the Karaf JVM; returns once it is gone. */
    void kill() throws InterruptedException {
        if (jvm == null) {
            return;
        }
        jvm.destroyForcibly();
        if (!jvm.waitFor(15, TimeUnit.SECONDS)) {
            throw new LabException(name + " JVM (pid " + jvm.pid() + ") still alive 15 s after SIGKILL");
        }
    }

    /** Runs console commands (one per line) through {@code bin/client} in the namespace; ANSI colours removed. */
    Sh.Result client(String... commands) throws IOException {
        Properties creds = new Properties();
        try (InputStream in = Files.newInputStream(home.resolve("etc/dtm-operator.credentials"))) {
            creds.load(in);
        }
        String stdin = String.join("\n", commands) + "\n";
        Sh.Result r = Sh.run(Duration.ofSeconds(60), stdin, env, "ip", "netns", "exec", namespace,
                home.resolve("bin/client").toString(), "-a", Integer.toString(SSH_PORT), "-h", "127.0.0.1", "-u",
                creds.getProperty("user"), "-p", creds.getProperty("password"), "-r", "3", "-b");
        return new Sh.Result(r.status(), ANSI.matcher(r.out()).replaceAll(""));
    }

    /** Lines of data/log/karaf.log that contain {@code text}. */
    List<String> logLines(String text) {
        return logLines(l -> l.contains(text));
    }

    /** Lines of data/log/karaf.log that {@code keep} accepts; none while the log is missing or unreadable. */
    private List<String> logLines(Predicate<String> keep) {
        Path log = home.resolve("data/log/karaf.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(keep).collect(Collectors.toList());
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    /**
     * DTM's INFO, WARN and ERROR lines of data/log/karaf.log stamped from {@code fromMillis} to
     * {@code toMillis} (epoch ms; Karaf stamps in local time to the millisecond), each prefixed
     * with this node's name.
     */
    List<String> dtmLogBetween(long fromMillis, long toMillis) {
        String from = LOG_STAMP.format(Instant.ofEpochMilli(fromMillis));
        String to = LOG_STAMP.format(Instant.ofEpochMilli(toMillis));
        return logLines(l -> l.length() > from.length() && l.compareTo(from) >= 0
                && l.substring(0, from.length()).compareTo(to) <= 0
                && l.contains("net.dtm.") && !l.contains("| DEBUG") && !l.contains("| TRACE"))
                .stream().map(l -> name() + " " + l).collect(Collectors.toList());
    }

    /**
     * The last {@code n} log lines that are not Karaf's feature resolution chatter (which fills a
     * plain tail at start and hides what the DTM components did).
     */
    String logTailWithoutFeatures(int n) {
        Path log = home.resolve("data/log/karaf.log");
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            List<String> kept = lines.filter(l -> !l.contains("FeaturesServiceImpl") && !l.contains("CommandExtension"))
                    .collect(Collectors.toList());
            return String.join("\n", kept.subList(Math.max(0, kept.size() - n), kept.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no " + log + ": " + e + ")";
        }
    }

    /**
     * The threads of the Karaf JVM that run DTM code or wait for a lock, from {@code jcmd
     * Thread.print} (a component stuck in its activation shows here and nowhere in the log).
     */
    String dtmThreads() {
        if (!alive()) {
            return "(not running)";
        }
        Optional<ProcessHandle> java = Stream.concat(Stream.of(jvm.toHandle()), jvm.descendants())
                .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst();
        if (java.isEmpty()) {
            return "(no java process under pid " + jvm.pid() + ")";
        }
        Sh.Result dump = Sh.run(Duration.ofSeconds(20), null, Map.of(), "jcmd", Long.toString(java.get().pid()), "Thread.print");
        StringBuilder out = new StringBuilder();
        for (String thread : dump.out().split("\n\n")) {
            if (thread.contains("net.dtm.") || thread.contains("State: BLOCKED")) {
                String[] lines = thread.split("\n");
                out.append(String.join("\n", Arrays.asList(lines).subList(0, Math.min(lines.length, 14))))
                        .append("\n");
            }
        }
        return out.length() == 0 ? "(no thread in DTM code; jcmd status " + dump.status() + ")" : out.toString();
    }

    /** Kills the JVM if it still runs (the lab deletes the namespace afterwards). */
    void stop() throws InterruptedException {
        if (alive()) {
            kill();
        }
    }
}
