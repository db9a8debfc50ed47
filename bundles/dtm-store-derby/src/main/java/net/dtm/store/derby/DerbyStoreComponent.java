package net.dtm.store.derby;

import java.net.InetAddress;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.LeaseCounts;
import net.dtm.spi.store.LeaseStore;

/**
 * Wires a {@link DerbyStore} into OSGi: one database, registered as both {@link LeaseStore} and
 * {@link DeviceStore} with {@code dtm.store.type=derby}; the database is shut down on
 * deactivation (writes already queued are committed first). Runs without a configuration (the
 * standalone default). Concurrent writes share commits (group commit) unless the system property
 * {@value DerbyStore#GROUP_COMMIT_PROPERTY} is {@code false}.
 */
@Component(service = {LeaseStore.class, DeviceStore.class},
        configurationPid = DerbyStoreComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true,
        property = LeaseStore.PROP_STORE_TYPE + "=derby")
@Designate(ocd = DerbyStoreComponent.Config.class)
public final class DerbyStoreComponent implements LeaseStore, DeviceStore {

    /** Configuration PID. */
    public static final String PID = "net.dtm.store.derby";

    /** Configuration of the embedded Derby store. */
    @ObjectClassDefinition(name = "DTM Derby store", description = "Embedded Derby database holding pools, leases and devices")
    public @interface Config {
        @AttributeDefinition(name = "Database directory",
                description = "Directory of the Derby database; empty means ${karaf.data}/dtm/derby")
        String path() default "";
    }

    private final DerbyStore store;

    @Activate
    public DerbyStoreComponent(Config config) {
        Path path = resolvePath(config.path(), System.getProperty("karaf.data"));
        if (System.getProperty("derby.stream.error.file") == null && path.getParent() != null) {
            // Derby otherwise writes derby.log into the working directory (the Karaf home).
            System.setProperty("derby.stream.error.file", path.getParent().resolve("derby.log").toString());
        }
        this.store = new DerbyStore(path);
    }

    /** The configured path, or the default under {@code karaf.data} (./data outside Karaf). */
    static Path resolvePath(String configured, String karafData) {
        String data = karafData == null || karafData.isBlank() ? "./data" : karafData;
        String p = configured == null ? "" : configured.trim();
        if (p.isEmpty()) {
            return Paths.get(data, "dtm", "derby").toAbsolutePath().normalize();
        }
        return Paths.get(p.replace("${karaf.data}", data)).toAbsolutePath().normalize();
    }

    @Deactivate
    void deactivate() {
        store.close();
    }

    @Override public void createPool(Pool pool) { store.createPool(pool); }
    @Override public void updatePool(Pool pool) { store.updatePool(pool); }
    @Override public boolean deletePool(String name) { return store.deletePool(name); }
    @Override public List<Pool> pools() { return store.pools(); }
    @Override public Optional<Pool> pool(String name) { return store.pool(name); }
    @Override public BindResult tryBind(Lease proposed) { return store.tryBind(proposed); }
    @Override public Optional<Lease> update(Lease updated, long expectedSequence) { return store.update(updated, expectedSequence); }
    @Override public boolean remove(String pool, DeviceId device, long expectedSequence) { return store.remove(pool, device, expectedSequence); }
    @Override public Optional<Lease> findByDevice(String pool, DeviceId device) { return store.findByDevice(pool, device); }
    @Override public Optional<Lease> findByAddress(String pool, InetAddress address) { return store.findByAddress(pool, address); }
    @Override public List<Lease> leases(String pool) { return store.leases(pool); }
    @Override public List<Lease> leases(String pool, InetAddress after, int limit) { return store.leases(pool, after, limit); }
    @Override public List<Lease> reclaimable(String pool, Instant boundary, int limit) { return store.reclaimable(pool, boundary, limit); }
    @Override public void forEachAddress(String pool, Consumer<InetAddress> sink) { store.forEachAddress(pool, sink); }
    @Override public LeaseCounts countLeases(String pool, Instant now, Instant quarantineBoundary) {
        return store.countLeases(pool, now, quarantineBoundary);
    }
    @Override public boolean add(DeviceCredential credential) { return store.add(credential); }
    @Override public Optional<DeviceCredential> find(DeviceId id) { return store.find(id); }
    @Override public List<DeviceCredential> list() { return store.list(); }
    @Override public boolean remove(DeviceId id) { return store.remove(id); }
}
