package net.dtm.testkit.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DTM server node ({@link ClusterNode}) as its own JVM on 127.0.0.1, for the chaos test and the
 * cluster benchmark: started on the ensemble with a node id and a port (chosen at the first start
 * and kept across restarts, so agents' server lists stay valid), killed with SIGKILL, paused with
 * SIGSTOP and resumed with SIGCONT, restarted as the same node.
 */
public final class NodeProcess implements AutoCloseable {

    static final Pattern READY = Pattern.compile("READY node=(\\S+) port=(\\d+) pid=(\\d+) connected=(\\S+) boot_ms=(\\d+)");
    private static final AtomicInteger REQUESTS = new AtomicInteger();

    /** Options of the node JVMs. */
    public record Options(int sessionTimeoutMs, int connectionTimeoutMs, int workers, String heap, String logLevel) {
        /** 4 s sessions, 2 s connection timeout, 16 workers, 192 MB heap, INFO log. */
        public static final Options CHAOS = new Options(4000, 2000, 16, "192m", "info");
    }

    private final Path dir;
    private final Ensemble ensemble;
    private final String nodeId;
    private final String pool;
    private final Options options;
    private final List<ChildJvm> runs = new ArrayList<>();
    private int port;
    private String classPath = System.getProperty("java.class.path");
    private ChildJvm current;
    private long bootMs;

    private NodeProcess(Path dir, Ensemble ensemble, String nodeId, String pool, Options options) {
        this.dir = dir;
        this.ensemble = ensemble;
        this.nodeId = nodeId;
        this.pool = pool;
        this.options = options;
    }

    /**
     * Starts node {@code nodeId} and waits for its READY line.
     *
     * @param dir its logs go here
     */
    public static NodeProcess start(Path dir, Ensemble ensemble, String nodeId, String pool, Options options,
                                    Duration within) throws IOException, InterruptedException {
        NodeProcess n = new NodeProcess(dir, ensemble, nodeId, pool, options);
        n.launch();
        n.awaitReady(within);
        return n;
    }

    /** Starts it without waiting; {@link #awaitReady} then. */
    public static NodeProcess launch(Path dir, Ensemble ensemble, String nodeId, String pool, Options options)
            throws IOException {
        NodeProcess n = new NodeProcess(dir, ensemble, nodeId, pool, options);
        n.launch();
        return n;
    }

    private void launch() throws IOException {
        Files.createDirectories(dir);
        int run = runs.size() + 1;
        List<String> args = List.of("connect=" + ensemble.connectString(),
                "password.file=" + ensemble.passwordFile(), "node.id=" + nodeId, "port=" + port, "pool=" + pool,
                "session.timeout.ms=" + options.sessionTimeoutMs(),
                "connection.timeout.ms=" + options.connectionTimeoutMs(), "workers=" + options.workers());
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + options.heap()));
        jvm.addAll(ClusterJvm.current().node());
        jvm.addAll(List.of("-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + options.logLevel(),
                "-Dorg.slf4j.simpleLogger.log.org.apache.zookeeper=warn",
                "-Dorg.slf4j.simpleLogger.log.org.apache.curator=warn",
                "-Dorg.slf4j.simpleLogger.log.net.dtm.server.internal.UdpEndpoint=warn"));
        current = ChildJvm.start(nodeId + "#" + run, jvm,
                classPath, ClusterNode.class.getName(), args, dir.resolve(nodeId + "-" + run + ".log"), dir);
        runs.add(current);
    }

    /** Waits for the READY line of the current run. */
    public void awaitReady(Duration within) throws InterruptedException {
        String line = current.awaitLine(l -> l.startsWith("READY "), within);
        Matcher m = READY.matcher(line);
        if (!m.matches()) {
            throw new IllegalStateException(nodeId + ": unexpected READY line '" + line + "'" + current.diagnostics());
        }
        port = Integer.parseInt(m.group(2));
        bootMs = Long.parseLong(m.group(5));
    }

    public String nodeId() {
        return nodeId;
    }

    /** Its control endpoint (the same across restarts). */
    public InetSocketAddress endpoint() {
        if (port == 0) {
            throw new IllegalStateException(nodeId + " has not been READY yet");
        }
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** The current run's start-to-READY time in ms. */
    public long bootMs() {
        return bootMs;
    }

    public boolean isAlive() {
        return current != null && current.isAlive();
    }

    /** kill -9. */
    public void kill() throws InterruptedException {
        current.kill();
    }

    /** SIGSTOP. */
    public void pause() throws IOException, InterruptedException {
        current.pause();
    }

    /** SIGCONT. */
    public void resume() throws IOException, InterruptedException {
        current.resume();
    }

    /** Starts the node again (same id, same port) after a kill, and waits for READY. */
    public void restart(Duration within) throws IOException, InterruptedException {
        if (isAlive()) {
            throw new IllegalStateException(nodeId + " is still running");
        }
        launch();
        awaitReady(within);
    }

    /**
     * Stops the node cleanly: standard input closed, it leaves the cluster and closes its store;
     * killed only if it does not end within {@code within}.
     *
     * @return true if it ended by itself
     */
    public boolean stop(Duration within) throws InterruptedException {
        return current.stop(within);
    }

    /**
     * Starts the stopped node again as the same node (same id and port) on another class path
     * (another release: a rolling upgrade step), and waits for READY.
     */
    public void restart(String newClassPath, Duration within) throws IOException, InterruptedException {
        if (isAlive()) {
            throw new IllegalStateException(nodeId + " is still running");
        }
        classPath = newClassPath;
        launch();
        awaitReady(within);
    }

    /** The class path the current run was started with. */
    public String classPath() {
        return classPath;
    }

    /** Whether the node says it is connected to the quorum now (asked on its standard input). */
    public boolean connected(Duration within) throws IOException, InterruptedException {
        String n = Integer.toString(REQUESTS.incrementAndGet());
        current.send("status " + n);
        String line = current.awaitLine(l -> l.startsWith("STATUS " + n + " "), within);
        return line.contains(" connected=true");
    }

    /** Waits until the node says it is connected to the quorum. */
    public void awaitConnected(Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!connected(Duration.ofSeconds(10))) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(nodeId + " not connected to the quorum within " + within.toMillis() + " ms"
                        + current.diagnostics());
            }
            Thread.sleep(100); // polling with a deadline
        }
    }

    /** Lines the current run printed so far. */
    public int outputLines() {
        return current.output().size();
    }

    /** The current run's counters (asked on its standard input). */
    public Map<String, Long> counters(Duration within) throws IOException, InterruptedException {
        String n = Integer.toString(REQUESTS.incrementAndGet());
        current.send("counters " + n);
        String line = current.awaitLine(l -> l.startsWith("COUNTERS " + n + " "), within);
        return parseCounters(line.substring(("COUNTERS " + n + " ").length()).trim());
    }

    /** A node's counters as it prints them ({@code {a=1, b=2}}), as a map. */
    public static Map<String, Long> parseCounters(String body) {
        Map<String, Long> out = new HashMap<>();
        if (body.length() > 2) {
            for (String kv : body.substring(1, body.length() - 1).split(", ")) {
                int eq = kv.indexOf('=');
                out.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
            }
        }
        return out;
    }

    /** Every run's output and log tail. */
    public String diagnostics() {
        StringBuilder b = new StringBuilder();
        for (ChildJvm c : runs) {
            b.append(c.diagnostics());
        }
        return b.toString();
    }

    /** Stops the current run cleanly (bounded), killing it if it does not end. */
    @Override
    public void close() {
        if (current != null) {
            current.close();
        }
    }
}
