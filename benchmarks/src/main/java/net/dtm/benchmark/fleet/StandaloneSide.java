package net.dtm.benchmark.fleet;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.dtm.testkit.cluster.ChildJvm;
import net.dtm.testkit.cluster.NodeProcess;

/**
 * The standalone node ({@link FleetNode}, durable Derby) as its own JVM: enrols the fleet at its
 * first start, is stopped cleanly and started again on the same store and port.
 */
final class StandaloneSide implements ServerSide {

    private static final Pattern READY = Pattern.compile("READY port=(\\d+) pid=(\\d+) boot_ms=(\\d+)");
    private static final Duration WITHIN = Duration.ofSeconds(300);

    private final Path dir;
    private final int devices;
    private final long seed;
    private final String heap;
    private ChildJvm current;
    private int port;
    private int runs;

    StandaloneSide(Path dir, int devices, long seed, String heap) throws Exception {
        this.dir = dir;
        this.devices = devices;
        this.seed = seed;
        this.heap = heap;
        launch(true);
    }

    private void launch(boolean enrol) throws Exception {
        runs++;
        current = ChildJvm.start("fleet-node#" + runs, List.of("-Xmx" + heap, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        "-Dorg.slf4j.simpleLogger.showDateTime=true"), FleetNode.class.getName(),
                List.of(dir.resolve("derby").toString(), Integer.toString(port), Integer.toString(devices),
                        Long.toString(seed), Boolean.toString(enrol)), dir.resolve("node-" + runs + ".log"), dir);
        String line;
        try {
            line = current.awaitLine(l -> l.startsWith("READY "), WITHIN);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the standalone node did not start: " + e.getMessage() + current.diagnostics(), e);
        }
        Matcher m = READY.matcher(line);
        if (!m.matches()) {
            throw new IllegalStateException("unexpected READY line '" + line + "'" + current.diagnostics());
        }
        port = Integer.parseInt(m.group(1));
        current.output().stream().filter(l -> l.startsWith("ENROLLED ") || l.startsWith("LOADED "))
                .forEach(l -> System.err.println("  " + l));
    }

    @Override
    public String name() {
        return "standalone (1 node, Derby)";
    }

    @Override
    public List<InetSocketAddress> endpoints() {
        return List.of(new InetSocketAddress("127.0.0.1", port));
    }

    @Override
    public void stop() throws Exception {
        if (!current.stop(Duration.ofSeconds(60))) {
            System.err.println("  the standalone node did not stop within 60 s: killed");
        }
    }

    @Override
    public long start() throws Exception {
        launch(false);
        return System.nanoTime();
    }

    @Override
    public Map<String, Long> counters() throws Exception {
        int from = current.output().size();
        current.send("counters");
        String line = current.awaitLine(from, l -> l.startsWith("COUNTERS "), Duration.ofSeconds(10));
        return NodeProcess.parseCounters(line.substring("COUNTERS ".length()).trim());
    }

    @Override
    public String mainClass() {
        return FleetNode.class.getName();
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
        }
    }
}
