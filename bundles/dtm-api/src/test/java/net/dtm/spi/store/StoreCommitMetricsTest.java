package net.dtm.spi.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import net.dtm.api.metrics.Histogram;
import net.dtm.api.metrics.Metric;

class StoreCommitMetricsTest {

    @Test
    void commitsLandInTheirSecondsAndBatchSizeBuckets() {
        StoreCommitMetrics m = new StoreCommitMetrics("derby");
        m.commit(2_000_000, 1);   // 2 ms, one write
        m.commit(40_000_000, 3);  // 40 ms, three writes: bucket <= 4
        m.commit(1_000_000, 5000); // above the last bound: the +Inf bucket
        List<Metric> metrics = m.metrics();
        assertEquals(List.of("dtm_store_commit_seconds", "dtm_store_commit_batch_size"),
                metrics.stream().map(Metric::name).toList());
        metrics.forEach(x -> assertEquals(Map.of("store", "derby"), x.samples().get(0).labels()));

        Histogram seconds = metrics.get(0).samples().get(0).histogram();
        assertEquals(3, seconds.count());
        assertEquals(0.043, seconds.sum(), 1e-9);
        long[] s = seconds.bucketCounts();
        assertArrayEquals(new long[] {0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, s); // <= 1 ms, <= 2.5 ms, <= 50 ms

        Histogram batch = metrics.get(1).samples().get(0).histogram();
        assertArrayEquals(StoreCommitMetrics.BATCH_BOUNDS, batch.upperBounds());
        assertArrayEquals(new long[] {1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1}, batch.bucketCounts());
        assertEquals(5004, batch.sum(), 1e-9);
        assertEquals(3, metrics.get(1).samples().get(0).value());
    }
}
