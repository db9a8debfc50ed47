package net.dtm.spi.store;

import java.util.List;
import java.util.Map;

import net.dtm.api.metrics.LatencyRecorder;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.api.metrics.Sample;

/**
 * The figures every store reports about its durable writes, as a {@link MetricSource}:
 * {@code dtm_store_commit_seconds{store}} (how long each commit took: a Derby group commit, a
 * ZooKeeper transaction) and {@code dtm_store_commit_batch_size{store}} (how many writes it made
 * durable at once). A store calls {@link #commit} after every commit and registers this as a service.
 *
 * @since 2.5
 */
public final class StoreCommitMetrics implements MetricSource {

    /** Bounds of the batch size histogram: 1, 2, 4, ..., 1024. */
    public static final double[] BATCH_BOUNDS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

    private final Map<String, String> labels;
    private final LatencyRecorder seconds = new LatencyRecorder();
    private final LatencyRecorder batchSize = new LatencyRecorder(BATCH_BOUNDS);

    /** Figures labelled {@code store=<store>}, e.g. {@code derby}. */
    public StoreCommitMetrics(String store) {
        this.labels = Map.of("store", store);
    }

    /** One commit of {@code writes} writes that took {@code nanos}. */
    public void commit(long nanos, int writes) {
        seconds.recordNanos(nanos);
        batchSize.record(writes);
    }

    @Override
    public List<Metric> metrics() {
        return List.of(
                new Metric("dtm_store_commit_seconds", "Time to make one batch of store writes durable (one commit)",
                        Metric.Type.HISTOGRAM, List.of(Sample.of(labels, seconds.snapshot()))),
                new Metric("dtm_store_commit_batch_size", "Writes made durable by one commit",
                        Metric.Type.HISTOGRAM, List.of(Sample.of(labels, batchSize.snapshot()))));
    }
}
