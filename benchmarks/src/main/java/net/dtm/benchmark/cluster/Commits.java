package net.dtm.benchmark.cluster;

import java.util.Locale;

/**
 * The nodes' ZooKeeper commits over a trial, from their counters: transactions, the writes they
 * carried (a node's group commit puts its concurrent writes in one), and free addresses a node
 * found taken by another when it tried to lock them (each costs a failed write).
 */
record Commits(long commits, long writes, long addressTaken) {

    /** The commits among the nodes' counters {@code c} (sums, or their changes over a trial). */
    static Commits of(NodeCounters c) {
        return new Commits(c.get("store.commits"), c.get("store.writes"), c.get("pool.allocate.address-taken"));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d ZooKeeper commits of %.1f writes each, %d addresses found taken", commits,
                commits == 0 ? 0.0 : (double) writes / commits, addressTaken);
    }
}
