package net.dtm.testkit.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A child JVM started by the cluster harness: a main class on the class path of this JVM, its
 * standard output read line by line (kept, and copied to a log file with its standard error), and
 * the signals the chaos test sends: SIGKILL, SIGSTOP, SIGCONT.
 * <p>
 * Every child is also registered with a JVM shutdown hook that kills it, so nothing outlives the
 * test or benchmark even when it is itself killed or fails before its {@code finally}.
 */
public final class ChildJvm implements AutoCloseable {

    private static final Set<ChildJvm> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (ChildJvm c : LIVE) {
                c.process.destroyForcibly();
            }
        }, "dtm-cluster-children-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile boolean stopped;

    private record Waiter(Predicate<String> match, int from, CompletableFuture<String> line) {
    }

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} in a new JVM with this JVM's class path.
     *
     * @param name      for messages and the reader thread
     * @param jvmOptions options before the class name (heap, system properties)
     * @param mainClass the class to run
     * @param args      its arguments
     * @param log       standard error goes here; standard output is appended after the run too
     * @param workDir   working directory
     */
    public static ChildJvm start(String name, List<String> jvmOptions, String mainClass, List<String> args, Path log,
                                 Path workDir) throws IOException {
        return start(name, jvmOptions, System.getProperty("java.class.path"), mainClass, args, log, workDir);
    }

    /** As {@link #start(String, List, String, List, Path, Path)} with another class path. */
    public static ChildJvm start(String name, List<String> jvmOptions, String classPath, String mainClass, List<String> args,
                                 Path log, Path workDir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.addAll(args);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        ChildJvm c = new ChildJvm(name, p, log);
        LIVE.add(c);
        Thread reader = new Thread(c::readOutput, "child-" + name + "-stdout");
        reader.setDaemon(true);
        reader.start();
        return c;
    }

    private void readOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                int index = out.size();
                out.add(line);
                for (Waiter w : waiters) {
                    if (index >= w.from() && w.match().test(line) && w.line().complete(line)) {
                        waiters.remove(w);
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
        IOException gone = new IOException(name + ": standard output ended (process "
                + (process.isAlive() ? "still alive" : "exited with " + exitValueOrDash()) + ")");
        for (Waiter w : waiters) {
            w.line().completeExceptionally(gone);
        }
        waiters.clear();
        ended.complete(null);
    }

    private String exitValueOrDash() {
        try {
            return String.valueOf(process.waitFor(2, TimeUnit.SECONDS) ? process.exitValue() : "-");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "-";
        }
    }

    /** Its name. */
    public String name() {
        return name;
    }

    /** The operating system's process id. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Every line it printed so far. */
    public List<String> output() {
        return List.copyOf(out);
    }

    /**
     * Waits for the first line (already printed or to come) that {@code match} accepts.
     *
     * @throws IllegalStateException naming the child and showing its log's tail when the output ends
     *                               or the deadline passes first
     */
    public String awaitLine(Predicate<String> match, Duration within) throws InterruptedException {
        return awaitLine(0, match, within);
    }

    /** As {@link #awaitLine(Predicate, Duration)}, among the lines from the {@code from}-th (0-based) on. */
    public String awaitLine(int from, Predicate<String> match, Duration within) throws InterruptedException {
        CompletableFuture<String> f = new CompletableFuture<>();
        Waiter w = new Waiter(match, from, f);
        waiters.add(w);
        List<String> sofar = output();
        for (int i = from; i < sofar.size(); i++) {
            if (match.test(sofar.get(i))) {
                f.complete(sofar.get(i));
                break;
            }
        }
        if (ended.isDone() && !f.isDone()) {
            f.completeExceptionally(new IOException(name + ": standard output ended"));
        }
        try {
            return f.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage() + diagnostics(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(name + ": no matching line within " + within.toMillis() + " ms" + diagnostics());
        } finally {
            waiters.remove(w);
        }
    }

    /** Writes one line to its standard input. */
    public void send(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** kill -9: ends it at once, no shutdown hooks, no clean close. Waits (bounded) until it is gone. */
    public void kill() throws InterruptedException {
        if (stopped) {
            signal("CONT"); // a stopped process dies on SIGKILL too, but say what we do
        }
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + pid() + ") still alive 10 s after SIGKILL");
        }
        LIVE.remove(this);
    }

    /** SIGSTOP: the process is frozen (no thread runs, its sockets stay open) until {@link #resume()}. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
        stopped = true;
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
        stopped = false;
    }

    private void signal(String sig) throws InterruptedException {
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid())).redirectErrorStream(true).start();
            String text = new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
                throw new IllegalStateException("kill -" + sig + " " + pid() + " (" + name + ") failed: " + text);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill -" + sig + " for " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Asks it to end by closing its standard input, waits up to {@code within}, then kills it.
     *
     * @return true if it ended by itself
     */
    public boolean stop(Duration within) throws InterruptedException {
        if (stopped) {
            resume0();
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // gone already
        }
        boolean clean = process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
        if (!clean) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        LIVE.remove(this);
        return clean;
    }

    private void resume0() throws InterruptedException {
        try {
            resume();
        } catch (IOException | RuntimeException ignored) {
            // it is being ended anyway
        }
    }

    /** Its output and the tail of its log, for failure messages. */
    public String diagnostics() {
        StringBuilder b = new StringBuilder("\n--- ").append(name).append(" (pid ").append(pid()).append(") stdout tail:\n");
        List<String> o = output();
        b.append(String.join("\n", o.subList(Math.max(0, o.size() - 20), o.size())));
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            b.append("\n--- ").append(name).append(" log tail (").append(log).append("):\n")
                    .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
        } catch (IOException e) {
            b.append("\n--- ").append(name).append(" log unreadable: ").append(e);
        }
        return b.toString();
    }

    /** Ends it whatever its state (closing standard input first, then SIGKILL after 5 s). */
    @Override
    public void close() {
        try {
            stop(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
