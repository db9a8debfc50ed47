package net.dtm.server.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.spi.store.DeviceStore;

/**
 * Publishes the device registry: a {@link DeviceManager} over the store service, listening to
 * its changes and preloaded at activation. Separate from {@link ServerComponent} so that device commands keep working even when
 * the server's UDP port cannot be bound. Configuration PID {@value #PID} (optional): {@code
 * store.target} picks the {@link DeviceStore} by its service properties, e.g. {@code
 * (dtm.store.type=derby)}; by default the one store that serves. The server's enrolment path writes
 * self-enrolled devices through it ({@link EnrolledDevices}), so this node's cache sees them at once.
 * Its figures go to the metrics bundle ({@link DeviceRegistryMetrics}).
 */
@Component(service = {DeviceService.class, MetricSource.class}, configurationPid = DeviceManagerComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class DeviceManagerComponent implements DeviceService, EnrolledDevices, DevicesInMemory, MetricSource {

    /** Configuration PID (only {@code store.target}). */
    public static final String PID = "net.dtm.devices";

    private static final Logger LOG = LoggerFactory.getLogger(DeviceManagerComponent.class);

    private final DeviceManager devices;
    private final DeviceRegistryMetrics metrics;

    @Activate
    public DeviceManagerComponent(@Reference(name = "store") DeviceStore store) {
        this.devices = new DeviceManager(store);
        this.metrics = new DeviceRegistryMetrics(devices);
        long started = System.nanoTime();
        try {
            int n = devices.preload();
            LOG.info("device registry active: {} devices loaded in {} ms", n, (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.warn("device registry could not load the devices at start, they load on first use: {}", e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        devices.close();
    }

    @Override public List<Metric> metrics() { return metrics.metrics(); }
    @Override public List<DeviceCredential> devices() { return devices.devices(); }
    @Override public Optional<DeviceCredential> device(DeviceId id) { return devices.device(id); }
    @Override public DeviceCredential enroll(DeviceId id) { return devices.enroll(id); }
    @Override public DeviceCredential enroll(DeviceId id, byte[] key) { return devices.enroll(id, key); }
    @Override public boolean remove(DeviceId id) { return devices.remove(id); }
    @Override public DeviceCredential rekey(DeviceId id, Duration overlap) { return devices.rekey(id, overlap); }
    @Override public DeviceCredential rekey(DeviceId id, byte[] key, Duration overlap) { return devices.rekey(id, key, overlap); }
    @Override public boolean disable(DeviceId id) { return devices.disable(id); }
    @Override public boolean enable(DeviceId id) { return devices.enable(id); }
    @Override public DeviceCredential allowReenrolment(DeviceId id, Duration within) { return devices.allowReenrolment(id, within); }
    @Override public boolean inMemory(DeviceId id) { return devices.inMemory(id); }
    @Override public Optional<DeviceCredential> stored(DeviceId id) { return devices.stored(id); }
    @Override public boolean addEnrolled(DeviceCredential credential) { return devices.addEnrolled(credential); }
    @Override public boolean replaceEnrolled(DeviceCredential expected, DeviceCredential updated) {
        return devices.replaceEnrolled(expected, updated);
    }
}
