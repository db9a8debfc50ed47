package net.dtm.server.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import net.dtm.api.DeviceService;
import net.dtm.spi.store.DeviceStore;

/**
 * Publishes the device registry: the component is the {@link DeviceManager} over the store
 * service. Separate from {@link ServerComponent} so that device commands keep working even when
 * the server's UDP port cannot be bound.
 */
@Component(service = DeviceService.class)
public class DeviceManagerComponent extends DeviceManager {

    @Activate
    public DeviceManagerComponent(@Reference(name = "store") DeviceStore store) {
        super(store);
        long started = System.nanoTime();
        try {
            int n = preload();
            LOG.info("device registry active: {} devices loaded in {} ms", n, (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.warn("device registry could not load the devices at start, they load on first use: {}", e.getMessage());
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeviceManagerComponent.class);
}
