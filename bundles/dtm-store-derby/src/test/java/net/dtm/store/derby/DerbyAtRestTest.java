package net.dtm.store.derby;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.spi.store.StoreUnavailableException;

/** The Derby store at rest: owner-only file modes and encryption under a node key file. */
class DerbyAtRestTest {

    @TempDir
    Path dir;

    private static final byte[] KEY = new byte[DeviceCredential.KEY_LENGTH];

    static {
        Arrays.fill(KEY, (byte) 0x5a);
    }

    private static final String KEY_HEX = new DeviceCredential(DeviceId.of("d"), KEY, Instant.EPOCH).keyHex();

    /** Every path under {@code root} (itself included) whose group or other bits are set, with its mode. */
    private static List<String> openToOthers(Path root) throws IOException {
        List<String> open = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (OwnerOnlyFiles.openToOthers(p)) {
                    open.add(p + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
                }
            }
        }
        return open;
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private Path keyFile(String mode) throws IOException {
        Path key = dir.resolve("node.key");
        Files.writeString(key, "0123456789abcdef0123456789abcdef\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString(mode));
        return key;
    }

    /** True if some file of the database holds the device key's hex digits in clear. */
    private static boolean keyInClear(Path database) throws IOException {
        byte[] needle = KEY_HEX.getBytes(StandardCharsets.US_ASCII);
        try (Stream<Path> all = Files.walk(database)) {
            for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
                byte[] content = Files.readAllBytes(p);
                for (int i = 0; i + needle.length <= content.length; i++) {
                    if (Arrays.equals(content, i, i + needle.length, needle, 0, needle.length)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void addDevice(DerbyStore store) {
        assertTrue(store.add(new DeviceCredential(DeviceId.of("router-1"), KEY, Instant.parse("2026-01-01T00:00:00Z"))));
    }

    @Test
    void aNewStoreHasItsFoldersAndFilesForTheOwnerOnly() throws IOException {
        Path database = dir.resolve("data/dtm/derby");
        try (DerbyStore store = new DerbyStore(database)) {
            addDevice(store);
        }
        assertEquals("rwx------", mode(dir.resolve("data")), "missing parents created 0700");
        assertEquals("rwx------", mode(dir.resolve("data/dtm")));
        assertEquals(List.of(), openToOthers(dir.resolve("data/dtm")), "Derby's folders 0700, files 0600");
        assertEquals("rw-------", mode(database.resolve("service.properties")));
    }

    @Test
    void anExistingStoreOpenToOthersIsRestrictedWhenItOpens() throws IOException {
        Path database = dir.resolve("db");
        new DerbyStore(database).close();
        Path data = database.resolve("service.properties");
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(database.resolve("seg0"), PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(2, openToOthers(database).size());
        new DerbyStore(database).close();
        assertEquals(List.of(), openToOthers(database));
    }

    @Test
    void anEncryptedStoreOpensWithItsKeyOnly() throws IOException {
        Path database = dir.resolve("db");
        Path key = keyFile("rw-------");
        try (DerbyStore store = DerbyStore.encrypted(database, key)) {
            addDevice(store);
        }
        assertTrue(DerbyEncryption.isEncrypted(database));
        assertFalse(keyInClear(database), "the device key is not on disk in clear");
        StoreUnavailableException noKey = assertThrows(StoreUnavailableException.class, () -> new DerbyStore(database));
        assertTrue(noKey.getMessage().contains("boot password"), noKey.getMessage());
        Path other = dir.resolve("other.key");
        Files.writeString(other, "fedcba9876543210fedcba9876543210");
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("r--------"));
        assertThrows(StoreUnavailableException.class, () -> DerbyStore.encrypted(database, other).close(), "another key");
        try (DerbyStore store = DerbyStore.encrypted(database, key)) {
            assertEquals(KEY_HEX, store.find(DeviceId.of("router-1")).orElseThrow().keyHex());
        }
    }

    @Test
    void anUnencryptedStoreIsEncryptedWhenItOpensWithAKey() throws IOException {
        Path database = dir.resolve("db");
        try (DerbyStore store = new DerbyStore(database)) {
            addDevice(store);
        }
        assertTrue(keyInClear(database), "the check below can fail: an unencrypted store has the key in clear");
        Path key = keyFile("rw-------");
        try (DerbyStore store = DerbyStore.encrypted(database, key)) {
            assertEquals(KEY_HEX, store.find(DeviceId.of("router-1")).orElseThrow().keyHex(), "the data survived");
        }
        assertTrue(DerbyEncryption.isEncrypted(database));
        assertFalse(keyInClear(database), "encrypted in place, the old log included");
        assertThrows(StoreUnavailableException.class, () -> new DerbyStore(database));
    }

    @Test
    void aKeyFileTheGroupOrOthersMayReadIsRefused() throws IOException {
        Path database = dir.resolve("db");
        for (String mode : new String[] {"rw-r--r--", "rw-r-----", "rw----r--"}) {
            Path key = keyFile(mode);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DerbyStore.encrypted(database, key));
            assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
            assertFalse(e.getMessage().contains("0123456789abcdef"), "never the key");
        }
        assertFalse(Files.exists(database), "no database created");
    }

    @Test
    void aMissingOrShortKeyFileIsRefused() throws IOException {
        Path database = dir.resolve("db");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> DerbyStore.encrypted(database, dir.resolve("absent.key")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        Path shortKey = dir.resolve("short.key");
        Files.writeString(shortKey, "tooshort");
        Files.setPosixFilePermissions(shortKey, PosixFilePermissions.fromString("rw-------"));
        IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
                () -> DerbyStore.encrypted(database, shortKey));
        assertTrue(tooShort.getMessage().contains("at least 16"), tooShort.getMessage());
    }

    @Test
    void theComponentEncryptsWithTheConfiguredKeyFileAndRefusesAnOpenOne() throws IOException {
        String path = dir.resolve("data/derby").toString();
        DerbyStoreComponentTest.Recorder r = new DerbyStoreComponentTest.Recorder();
        DerbyStoreComponent c = new DerbyStoreComponent(r, DerbyStoreComponentTest.config(path,
                keyFile("rw-------").toString()), new HashMap<>());
        c.deactivate();
        assertTrue(DerbyEncryption.isEncrypted(Path.of(path)));
        Path open = keyFile("rw-rw-r--");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DerbyStoreComponent(r,
                DerbyStoreComponentTest.config(path, open.toString()), new HashMap<>()));
        assertTrue(e.getMessage().contains("encryption.key.file"), e.getMessage());
        assertEquals(List.of(), r.registered);
    }

    @Test
    void theDefaultDataFolderIsRestrictedAsAWhole() throws IOException {
        Path karafHome = dir.resolve("karaf-home");
        Path folder = karafHome.resolve("dtm");
        Files.createDirectories(folder);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path state = Files.writeString(folder.resolve("node-draining"), "x");
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rw-r--r--"));
        String before = System.getProperty("karaf.home");
        System.setProperty("karaf.home", karafHome.toString());
        try {
            DerbyStoreComponent c = new DerbyStoreComponent(new DerbyStoreComponentTest.Recorder(),
                    DerbyStoreComponentTest.config("", ""), new HashMap<>());
            c.deactivate();
        } finally {
            if (before == null) {
                System.clearProperty("karaf.home");
            } else {
                System.setProperty("karaf.home", before);
            }
        }
        assertEquals(List.of(), openToOthers(folder));
    }
}
