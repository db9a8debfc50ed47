package net.dtm.server.internal;

import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;
import net.dtm.spi.store.DeviceStore;

/**
 * Publishes the device registry. Separate from {@link ServerComponent} so that device commands
 * keep working even when the server's UDP port cannot be bound.
 */
@Component(service = DeviceService.class)
public class DeviceManagerComponent implements DeviceService {

    private final DeviceManager manager;

    @Activate
    public DeviceManagerComponent(@Reference(name = "store") DeviceStore store) {
        this.manager = new DeviceManager(store);
    }

    @Override
    public List<DeviceCredential> devices() {
        return manager.devices();
    }

    @Override
    public Optional<DeviceCredential> device(DeviceId id) {
        return manager.device(id);
    }

    @Override
    public DeviceCredential enroll(DeviceId id) {
        return manager.enroll(id);
    }

    @Override
    public DeviceCredential enroll(DeviceId id, byte[] key) {
        return manager.enroll(id, key);
    }

    @Override
    public boolean remove(DeviceId id) {
        return manager.remove(id);
    }
}
