package net.dtm.benchmark.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import net.dtm.testkit.cluster.NodeProcess;

/**
 * The nodes' ZooKeeper commits over a trial, from their counters: transactions, the writes they
 * carried (a node's group commit puts its concurrent writes in one), and free addresses a node
 * found taken by another when it tried to lock them (each costs a failed write).
 */
record Commits(long commits, long writes, long addressTaken) {

    /** The sums over {@code nodes} now. */
    static Commits of(List<NodeProcess> nodes) throws IOException, InterruptedException {
        long c = 0;
        long w = 0;
        long t = 0;
        for (NodeProcess n : nodes) {
            Map<String, Long> counters = n.counters(Duration.ofSeconds(10));
            c += counters.getOrDefault("store.commits", 0L);
            w += counters.getOrDefault("store.writes", 0L);
            t += counters.getOrDefault("pool.allocate.address-taken", 0L);
        }
        return new Commits(c, w, t);
    }

    /** What happened between {@code start} and this. */
    Commits since(Commits start) {
        return new Commits(commits - start.commits, writes - start.writes, addressTaken - start.addressTaken);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d ZooKeeper commits of %.1f writes each, %d addresses found taken", commits,
                commits == 0 ? 0.0 : (double) writes / commits, addressTaken);
    }
}
