package net.dtm.server.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;
import net.dtm.api.Pool;

/** First-start provisioning from configuration: a pool and enrolled devices with key files. */
public final class Bootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);

    /**
     * One provisioning at a time in this JVM: the server's own bootstrap and {@link
     * BootstrapComponent} may name the same pool or device, and two writers of one key file would
     * collide on its temporary file.
     */
    private static final Object LOCK = new Object();

    private Bootstrap() {
    }

    /**
     * Parses {@code name=prefix,leaseSeconds} entries separated by {@code ;}, e.g.
     * {@code demo=10.64.0.0/16,3600}. Blank = none.
     *
     * @throws IllegalArgumentException naming the malformed entry
     */
    public static List<Pool> parsePools(String spec) {
        List<Pool> out = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String entry : spec.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String[] rest = eq < 0 ? new String[0] : entry.substring(eq + 1).split(",");
            if (eq < 1 || rest.length != 2) {
                throw new IllegalArgumentException("bootstrap.pool entry '" + entry.trim()
                        + "' must look like name=prefix,leaseSeconds (e.g. demo=10.64.0.0/16,3600)");
            }
            int leaseSeconds;
            try {
                leaseSeconds = Integer.parseInt(rest[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bootstrap.pool entry '" + entry.trim() + "': lease seconds '"
                        + rest[1].trim() + "' is not a number");
            }
            out.add(Pool.of(entry.substring(0, eq).trim(), rest[0].trim(), leaseSeconds));
        }
        return out;
    }

    /** Creates each pool that does not exist yet; an existing pool of that name is left alone. */
    public static void pools(List<Pool> wanted, AddressPoolAdminService pools, String nodeId) {
        synchronized (LOCK) {
            createPools(wanted, pools, nodeId);
        }
    }

    private static void createPools(List<Pool> wanted, AddressPoolAdminService pools, String nodeId) {
        for (Pool pool : wanted) {
            Optional<Pool> existing = pools.pool(pool.name());
            if (existing.isPresent()) {
                if (!existing.get().equals(pool)) {
                    LOG.warn("bootstrap pool {} exists as {} lease {} s, not as configured {} lease {} s; kept as is (node={})",
                            pool.name(), existing.get().prefix(), existing.get().leaseSeconds(), pool.prefix(),
                            pool.leaseSeconds(), nodeId);
                }
                continue;
            }
            try {
                pools.createPool(pool);
                LOG.info("bootstrap pool created: pool={} prefix={} lease={} s node={}", pool.name(), pool.prefix(),
                        pool.leaseSeconds(), nodeId);
            } catch (IllegalArgumentException e) {
                // e.g. another node created it a moment ago, or it overlaps another pool
                if (pools.pool(pool.name()).isEmpty()) {
                    LOG.error("bootstrap pool {} not created (node={}): {}", pool.name(), nodeId, e.getMessage());
                }
            }
        }
    }

    /** Parses a comma list of device ids. @throws IllegalArgumentException for an invalid id */
    public static List<DeviceId> parseDevices(String list) {
        List<DeviceId> out = new ArrayList<>();
        if (list == null) {
            return out;
        }
        for (String id : list.split(",")) {
            if (!id.isBlank()) {
                out.add(DeviceId.of(id.trim()));
            }
        }
        return out;
    }

    /**
     * Enrols each device that is not enrolled yet with a fresh key and writes the key to
     * {@code <keysDir>/<device>.key} (64 hex digits, owner read/write only). For a device already
     * enrolled whose key file is missing, the file is written again from the stored key, so the
     * demo set-up survives a cleaned etc folder.
     */
    public static void devices(List<DeviceId> wanted, DeviceService devices, Path keysDir, String nodeId) throws IOException {
        if (wanted.isEmpty()) {
            return;
        }
        synchronized (LOCK) {
            enrolDevices(wanted, devices, keysDir, nodeId);
        }
    }

    private static void enrolDevices(List<DeviceId> wanted, DeviceService devices, Path keysDir, String nodeId)
            throws IOException {
        createPrivateDirectory(keysDir);
        for (DeviceId id : wanted) {
            Path file = keysDir.resolve(id.value() + ".key");
            Optional<DeviceCredential> existing = devices.device(id);
            DeviceCredential credential;
            if (existing.isPresent()) {
                if (Files.exists(file)) {
                    continue;
                }
                credential = existing.get();
            } else {
                try {
                    credential = devices.enroll(id);
                } catch (IllegalArgumentException e) {
                    // enrolled by another node in the meantime
                    credential = devices.device(id).orElseThrow(() -> e);
                }
            }
            writeKeyFile(file, credential.keyHex());
            LOG.info("bootstrap device enrolled: device={} key file={} node={}", id, file.toAbsolutePath(), nodeId);
        }
    }

    /**
     * The key files' folder: {@code configured} (where {@code ${karaf.etc}} is replaced, as Karaf
     * does in etc/*.cfg, for a value set another way), or {@code ${karaf.etc}/dtm-keys} when blank.
     */
    static Path keysDir(String configured) {
        String etc = System.getProperty("karaf.etc");
        etc = etc == null || etc.isBlank() ? "./etc" : etc;
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.trim().replace("${karaf.etc}", etc));
        }
        return Path.of(etc, "dtm-keys");
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }

    /** Writes the file with mode 600 from its creation on, then moves it into place. */
    static void writeKeyFile(Path file, String hex) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create " + tmp + ": it appeared while writing", e);
        }
        Files.writeString(tmp, hex, StandardCharsets.US_ASCII);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
