package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.metrics.Metric;
import net.dtm.spi.store.DeviceStore;

class DeviceRegistryMetricsTest {

    @Test
    void storeReadsUnknownReadsAndStaleAnswersAreCountedAsTheyHappen() {
        FakeDeviceStore store = new FakeDeviceStore();
        DeviceId known = DeviceId.of("smr-1");
        store.devices.put(known, new DeviceCredential(known, new byte[32], Instant.EPOCH));
        DeviceManager devices = new DeviceManager(store);
        DeviceRegistryMetrics metrics = new DeviceRegistryMetrics(devices);
        assertEquals(Map.of("dtm_devices_store_reads_total", 0.0, "dtm_devices_unknown_reads_total", 0.0,
                "dtm_devices_stale_answers_total", 0.0), values(metrics));

        assertTrue(devices.key(known).isPresent());
        assertTrue(devices.key(DeviceId.of("smr-unknown")).isEmpty());
        // reconnected, then the quorum lost: the known device answers from its last-known record
        store.listeners.forEach(DeviceStore.Listener::resynced);
        store.unreachable = true;
        assertTrue(devices.key(known).isPresent());

        Map<String, Double> v = values(metrics);
        assertEquals(1.0, v.get("dtm_devices_unknown_reads_total"));
        assertEquals(1.0, v.get("dtm_devices_stale_answers_total"));
        assertEquals(3.0, v.get("dtm_devices_store_reads_total"), "every read tried, the failed one too");
        metrics.metrics().forEach(m -> assertEquals(Metric.Type.COUNTER, m.type(), m.name()));
    }

    private static Map<String, Double> values(DeviceRegistryMetrics metrics) {
        return metrics.metrics().stream().collect(Collectors.toMap(Metric::name, m -> m.samples().get(0).value()));
    }
}
