package net.dtm.store.derby;

import java.nio.file.Path;
import java.util.List;

import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.spi.store.StoreBackup;

/**
 * The Derby store's operations, registered by {@link DerbyStoreComponent} beside the store while it
 * serves (so a cluster node, where this store is idle, has nothing waiting): its online backup
 * ({@link StoreBackup}, for {@code store:backup}) and its commit figures ({@link MetricSource}:
 * {@code dtm_store_commit_seconds{store="derby"}}, {@code dtm_store_commit_batch_size{store="derby"}}).
 */
final class DerbyOperations implements StoreBackup, MetricSource {

    private final DerbyStore store;

    DerbyOperations(DerbyStore store) {
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
