package net.dtm.server.internal;

import java.util.List;

import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;

/**
 * The device registry's figures for the metrics bundle: its store reads on the request path, those
 * that found no device (an unknown-device flood's cost), and the look-ups answered from a device's
 * last-known record because the store could not be read (a node that lost its quorum after a
 * reconnection, renewing the leases it knows).
 */
public final class DeviceRegistryMetrics implements MetricSource {

    private final DeviceManager devices;

    public DeviceRegistryMetrics(DeviceManager devices) {
        this.devices = devices;
    }

    @Override
    public List<Metric> metrics() {
        return List.of(
                Metric.single("dtm_devices_store_reads_total",
                        "Device records read from the store on the request path (not in memory, or stale after a reconnection)",
                        Metric.Type.COUNTER, devices.storeReads()),
                Metric.single("dtm_devices_unknown_reads_total",
                        "Store reads on the request path that found no device (requests naming unknown devices)",
                        Metric.Type.COUNTER, devices.unknownStoreReads()),
                Metric.single("dtm_devices_stale_answers_total",
                        "Device look-ups answered from the last-known record because the store could not be read",
                        Metric.Type.COUNTER, devices.staleAnswers()));
    }
}
