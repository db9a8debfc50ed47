package net.dtm.benchmark.fleet;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import net.dtm.api.DeviceId;
import net.dtm.api.Pool;
import net.dtm.benchmark.Progress;
import net.dtm.testkit.cluster.ClusterNode;
import net.dtm.testkit.cluster.Ensemble;
import net.dtm.testkit.cluster.NodeProcess;
import net.dtm.testkit.cluster.StoreClient;
import net.dtm.testkit.lease.DeviceKeys;

/**
 * The 3-node cluster as the cluster benchmark runs it: a real 3-peer ZooKeeper ensemble (each peer
 * its own JVM, fsync on) and three {@link ClusterNode}s as their own JVMs (64 workers each); the
 * fleet is enrolled straight into the ZooKeeper store. A restart stops all three nodes cleanly and
 * starts them again (same ids and ports); the ensemble keeps running (the store survives).
 */
final class ClusterSide implements ServerSide {

    private static final Duration WITHIN = Duration.ofSeconds(180);

    private final Ensemble ensemble;
    private final List<NodeProcess> nodes = new ArrayList<>();

    ClusterSide(Path dir, List<DeviceId> devices, long seed, int workers) throws Exception {
        Ensemble started;
        try (Progress p = Progress.ofStep("starting the 3-peer ZooKeeper ensemble")) {
            started = Ensemble.start(dir.resolve("zk"), 3, Duration.ofSeconds(120));
        }
        ensemble = started;
        try {
            long t0 = System.nanoTime();
            try (StoreClient admin = new StoreClient(ensemble);
                 Progress p = Progress.ofStep("enrolling " + devices.size() + " devices into ZooKeeper (16 threads)")) {
                admin.ensurePool(Pool.of(FleetNode.POOL, "10.0.0.0/8", 3600));
                admin.enroll(devices, d -> DeviceKeys.key(seed, d), 16);
            }
            System.err.printf(Locale.ROOT, "  enrolled %d devices into ZooKeeper in %.1f s%n", devices.size(),
                    (System.nanoTime() - t0) / 1e9);
            NodeProcess.Options options = new NodeProcess.Options(10_000, 3_000, workers, "768m", "warn");
            for (int i = 1; i <= 3; i++) {
                nodes.add(NodeProcess.launch(dir.resolve("nodes"), ensemble, "node-" + i, FleetNode.POOL, options));
            }
            for (NodeProcess n : nodes) {
                n.awaitReady(WITHIN);
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "cluster (3 nodes, ZooKeeper)";
    }

    @Override
    public List<InetSocketAddress> endpoints() {
        return nodes.stream().map(NodeProcess::endpoint).toList();
    }

    @Override
    public void stop() throws Exception {
        List<CompletableFuture<Boolean>> stops = new ArrayList<>();
        for (NodeProcess n : nodes) {
            stops.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return n.stop(Duration.ofSeconds(60));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }));
        }
        for (int i = 0; i < stops.size(); i++) {
            if (!stops.get(i).get()) {
                System.err.println("  " + nodes.get(i).nodeId() + " did not stop within 60 s: killed");
            }
        }
    }

    @Override
    public long start() throws Exception {
        List<CompletableFuture<Long>> starts = new ArrayList<>();
        for (NodeProcess n : nodes) {
            starts.add(CompletableFuture.supplyAsync(() -> {
                try {
                    n.restart(WITHIN);
                    return System.nanoTime();
                } catch (Exception e) {
                    throw new IllegalStateException(n.nodeId() + " did not start again: " + e.getMessage(), e);
                }
            }));
        }
        long first = Long.MAX_VALUE;
        for (CompletableFuture<Long> f : starts) {
            first = Math.min(first, f.get());
        }
        return first;
    }

    @Override
    public Map<String, Long> counters() throws Exception {
        Map<String, Long> out = new HashMap<>();
        for (NodeProcess n : nodes) {
            n.counters(Duration.ofSeconds(10)).forEach((k, v) -> out.merge(k, v, Long::sum));
        }
        return out;
    }

    @Override
    public String mainClass() {
        return ClusterNode.class.getName();
    }

    @Override
    public void close() {
        for (NodeProcess n : nodes) {
            n.close();
        }
        ensemble.close();
    }
}
