package net.dtm.store.zookeeper;

import java.nio.file.Path;
import java.util.List;

import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.spi.store.StoreBackup;

/**
 * The ZooKeeper store's operations, registered by {@link ZooKeeperStoreComponent} beside the store
 * while it serves (so a standalone node, where this store is idle, has nothing waiting): its commit
 * figures ({@link MetricSource}: {@code dtm_store_commit_seconds{store="zookeeper"}},
 * {@code dtm_store_commit_batch_size{store="zookeeper"}}: the binding writes committed together by
 * {@link ZkGroupCommit}'s transactions, one write for every other transaction) and its answer
 * to {@code store:backup} ({@link StoreBackup}: a refusal naming ZooKeeper's own snapshots).
 */
final class ZkOperations implements StoreBackup, MetricSource {

    private final ZkStore store;

    ZkOperations(ZkStore store) {
        this.store = store;
    }

    @Override
    public Path backup(Path directory) {
        return store.backup(directory);
    }

    @Override
    public List<Metric> metrics() {
        return store.commitMetrics().metrics();
    }
}
