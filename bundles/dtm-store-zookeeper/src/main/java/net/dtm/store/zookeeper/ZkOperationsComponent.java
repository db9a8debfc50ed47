package net.dtm.store.zookeeper;

import java.nio.file.Path;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.StoreBackup;

/**
 * While the ZooKeeper store serves (its {@link LeaseStore} is registered by
 * {@link ZooKeeperStoreComponent}), offers its commit figures ({@link MetricSource}:
 * {@code dtm_store_commit_seconds{store="zookeeper"}}, {@code dtm_store_commit_batch_size{store="zookeeper"}},
 * one write per transaction) and its answer to {@code store:backup} ({@link StoreBackup}: a refusal
 * naming ZooKeeper's own snapshots).
 */
@Component(service = {StoreBackup.class, MetricSource.class})
public class ZkOperationsComponent implements StoreBackup, MetricSource {

    private final ZkStore store;

    @Activate
    public ZkOperationsComponent(@Reference(target = "(" + LeaseStore.PROP_STORE_TYPE + "=" + ZooKeeperStoreComponent.TYPE + ")")
                                 LeaseStore store) {
        if (!(store instanceof ZkStore zk)) {
            throw new IllegalStateException("the LeaseStore registered as " + ZooKeeperStoreComponent.TYPE + " is a "
                    + store.getClass().getName() + ", not this bundle's ZkStore");
        }
        this.store = zk;
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
