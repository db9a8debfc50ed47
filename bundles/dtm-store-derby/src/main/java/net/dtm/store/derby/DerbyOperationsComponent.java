package net.dtm.store.derby;

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
 * While the Derby store serves (its {@link LeaseStore} is registered by {@link DerbyStoreComponent}),
 * offers its online backup ({@link StoreBackup}, for {@code store:backup}) and its commit figures
 * ({@link MetricSource}: {@code dtm_store_commit_seconds{store="derby"}},
 * {@code dtm_store_commit_batch_size{store="derby"}}).
 */
@Component(service = {StoreBackup.class, MetricSource.class})
public class DerbyOperationsComponent implements StoreBackup, MetricSource {

    private final DerbyStore store;

    @Activate
    public DerbyOperationsComponent(@Reference(target = "(" + LeaseStore.PROP_STORE_TYPE + "=" + DerbyStoreComponent.TYPE + ")")
                                    LeaseStore store) {
        if (!(store instanceof DerbyStore derby)) {
            throw new IllegalStateException("the LeaseStore registered as " + DerbyStoreComponent.TYPE + " is a "
                    + store.getClass().getName() + ", not this bundle's DerbyStore");
        }
        this.store = derby;
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
