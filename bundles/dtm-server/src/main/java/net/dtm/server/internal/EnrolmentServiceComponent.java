package net.dtm.server.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

import net.dtm.api.AddressPoolService;
import net.dtm.api.EnrolmentKey;
import net.dtm.api.EnrolmentService;
import net.dtm.spi.store.EnrolmentKeyStore;

/**
 * Publishes the operator's {@link EnrolmentService}: an {@link EnrolmentManager} over the store's
 * {@link EnrolmentKeyStore}. Separate from {@link ServerComponent} so the shell can manage keys
 * even when the server's UDP port cannot be bound. Configuration PID {@value #PID} (optional):
 * {@code store.target} picks the store by its service properties, as for the devices.
 */
@Component(service = EnrolmentService.class, configurationPid = EnrolmentServiceComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class EnrolmentServiceComponent implements EnrolmentService {

    /** Configuration PID (only {@code store.target}). */
    public static final String PID = "net.dtm.enrolment";

    private final EnrolmentManager keys;

    @Activate
    public EnrolmentServiceComponent(@Reference(name = "store") EnrolmentKeyStore store,
                                     @Reference(name = "pools") AddressPoolService pools) {
        this.keys = new EnrolmentManager(store, pools, Clock.systemUTC());
    }

    @Override public Created create(String label, String devicePattern, String pool, int maxUses, Duration validity) {
        return keys.create(label, devicePattern, pool, maxUses, validity);
    }
    @Override public List<EnrolmentKey> keys() { return keys.keys(); }
    @Override public Optional<EnrolmentKey> key(String id) { return keys.key(id); }
    @Override public boolean revoke(String id) { return keys.revoke(id); }
    @Override public boolean delete(String id) { return keys.delete(id); }
}
