package net.dtm.store.derby;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.metrics.MetricSource;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.EnrolmentKeyStore;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.StoreBackup;
import net.dtm.spi.store.StoreSelection;

/**
 * Wires a {@link DerbyStore} into OSGi when the store selection picks it
 * ({@link StoreSelection}: PID {@code net.dtm.store}, {@code type} = {@value #TYPE}; Derby is the
 * default store, so also when the type is absent or blank): opens one database and registers, by
 * hand, the store as both {@link LeaseStore} and {@link DeviceStore}, and its enrolment keys as
 * {@link EnrolmentKeyStore}, and its operations ({@link DerbyOperations}) as {@link StoreBackup} +
 * {@link MetricSource}, all with {@code dtm.store.type=derby} and
 * {@code dtm.store.clustered=false} (the standalone cluster serves beside it). With any other type it logs one INFO line and does nothing. On deactivation the
 * services are unregistered and the database is shut down (writes already queued are committed
 * first). Every wait for a commit is bounded by {@code commit.timeout.ms} (default 5000; see
 * {@link GroupCommitWriter}). Concurrent writes share commits (group commit) unless the system property
 * {@value DerbyStore#GROUP_COMMIT_PROPERTY} is {@code false}.
 */
// service = {}: the services are registered by hand, only when selected
@Component(service = {}, configurationPid = {DerbyStoreComponent.PID, StoreSelection.PID},
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true)
// No @Designate: bnd allows it only with a single configuration PID; the Config type names its PID
// itself (@ObjectClassDefinition pid) so the metatype still designates it.
public final class DerbyStoreComponent {

    private static final Logger LOG = LoggerFactory.getLogger(DerbyStoreComponent.class);

    /** Registers services; {@link BundleContext#registerService} in OSGi, a recorder in tests. */
    @FunctionalInterface
    interface Registrar {
        /** Registers {@code service} under {@code classes}; the returned action unregisters it. */
        Runnable register(String[] classes, Object service, Map<String, Object> properties);

        static Registrar of(BundleContext context) {
            return (classes, service, properties) -> {
                ServiceRegistration<?> r = context.registerService(classes, service, new Hashtable<>(properties));
                return () -> {
                    try {
                        r.unregister();
                    } catch (IllegalStateException alreadyGone) {
                        // the bundle is stopping and the framework unregistered it already
                    }
                };
            };
        }
    }

    /** Configuration PID. */
    public static final String PID = "net.dtm.store.derby";
    /** This store's name in the store selection. */
    public static final String TYPE = "derby";

    /** Configuration of the embedded Derby store. */
    @ObjectClassDefinition(pid = DerbyStoreComponent.PID, name = "DTM Derby store", description = "Embedded Derby database holding pools, leases and devices")
    public @interface Config {
        @AttributeDefinition(name = "Database directory",
                description = "Directory of the Derby database; empty means ${karaf.home}/dtm/derby (outside ${karaf.data}, which bin/karaf clean deletes; a database still at the former default ${karaf.data}/dtm/derby is kept there)")
        String path() default "";

        @AttributeDefinition(name = "Encryption key file",
                description = "File holding the node key (at least 16 characters, mode 0600) under which Derby encrypts"
                        + " the database; empty means no encryption. An unencrypted database is encrypted when it opens")
        String encryption_key_file() default "";

        @AttributeDefinition(name = "Commit timeout (ms)",
                description = "Longest wait for a write's commit: a write not committed by then fails as store-unavailable"
                        + " (renewals are then answered from memory) and the store refuses writes until the commit ends",
                min = "1")
        long commit_timeout_ms() default 5000;
    }

    private final DerbyStore store;
    private final List<Runnable> registrations = new ArrayList<>();

    @Activate
    public DerbyStoreComponent(BundleContext context, Config config, Map<String, Object> properties) {
        this(Registrar.of(context), config, properties);
    }

    DerbyStoreComponent(Registrar registrar, Config config, Map<String, Object> properties) {
        if (!StoreSelection.selects(properties, TYPE, true)) {
            LOG.info("derby store idle: {} {}={}", StoreSelection.PID, StoreSelection.KEY, StoreSelection.configuredType(properties));
            this.store = null;
            return;
        }
        Object oldNodeId = properties == null ? null : properties.get("node.id");
        if (oldNodeId != null && !String.valueOf(oldNodeId).isBlank()) {
            LOG.warn("{} node.id is no longer read: the node id moved to net.dtm.cluster.standalone node.id"
                    + " (etc/net.dtm.cluster.standalone.cfg); set it there", PID);
        }
        String karafData = System.getProperty("karaf.data");
        Path path = DerbyDataPath.resolve(config.path(), System.getProperty("karaf.home"), karafData);
        DerbyDataPath.underDataWarning(path, karafData).ifPresent(LOG::warn);
        if (System.getProperty("derby.stream.error.file") == null && path.getParent() != null) {
            // Derby otherwise writes derby.log into the working directory (the Karaf home).
            System.setProperty("derby.stream.error.file", path.getParent().resolve("derby.log").toString());
        }
        String keyFile = config.encryption_key_file() == null ? "" : config.encryption_key_file().trim();
        if (config.commit_timeout_ms() < 1) {
            String problem = "commit.timeout.ms must be at least 1, got " + config.commit_timeout_ms();
            LOG.error("derby store not started, {} is invalid: {}", PID, problem);
            throw new IllegalArgumentException(PID + ": " + problem);
        }
        if (config.path() == null || config.path().isBlank()) {
            restrictDataFolder(path.getParent());
        }
        try {
            this.store = keyFile.isEmpty() ? new DerbyStore(path) : DerbyStore.encrypted(path, Paths.get(keyFile));
            store.commitWait(Duration.ofMillis(config.commit_timeout_ms()));
        } catch (IllegalArgumentException e) {
            LOG.error("derby store not started, {} is invalid: {}", PID, e.getMessage());
            throw e;
        }
        try {
            registrations.add(registrar.register(new String[] {LeaseStore.class.getName(), DeviceStore.class.getName()},
                    store, properties(path)));
            registrations.add(registrar.register(new String[] {EnrolmentKeyStore.class.getName()}, store.enrolmentKeys(),
                    properties(path)));
            registrations.add(registrar.register(new String[] {StoreBackup.class.getName(), MetricSource.class.getName()},
                    new DerbyOperations(store), properties(path)));
        } catch (RuntimeException e) {
            unregister();
            store.close();
            throw e;
        }
        LOG.info("derby store active: database={}{}", path, keyFile.isEmpty() ? "" : " (encrypted)");
    }

    /**
     * The default data folder ({@code ${karaf.home}/dtm}: the database, derby.log and node-local
     * state) is DTM's own: created 0700 and kept accessible to the owner only, changes logged. A
     * configured path's parent may be shared, so there only the database is restricted.
     */
    private static void restrictDataFolder(Path folder) {
        try {
            OwnerOnlyFiles.createFolders(folder);
            OwnerOnlyFiles.restrictTreeLogged(folder, "the data folder");
        } catch (java.io.IOException e) {
            throw new net.dtm.spi.store.StoreUnavailableException("cannot restrict the data folder " + folder + ": " + e, e);
        }
    }

    /** Whether this component opened its store. */
    boolean isActive() {
        return store != null;
    }

    /** The store's service properties: its type, not clustered, and the folder holding the database. */
    static Map<String, Object> properties(Path database) {
        Path folder = database.getParent() == null ? database : database.getParent();
        return Map.of(LeaseStore.PROP_STORE_TYPE, TYPE, LeaseStore.PROP_STORE_CLUSTERED, false,
                LeaseStore.PROP_STORE_DATA_DIR, folder.toString());
    }

    private void unregister() {
        List<Runnable> r = new ArrayList<>(registrations);
        Collections.reverse(r);
        registrations.clear();
        r.forEach(Runnable::run);
    }

    @Deactivate
    void deactivate() {
        unregister();
        if (store != null) {
            store.close();
        }
    }
}
