package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.Pool;

class BootstrapTest {

    @TempDir
    Path dir;

    @Test
    void parsesPoolSpecs() {
        assertEquals(List.of(Pool.of("demo", "10.64.0.0/16", 3600)), Bootstrap.parsePools("demo=10.64.0.0/16,3600"));
        assertEquals(List.of(Pool.of("a", "10.1.0.0/24", 600), Pool.of("b", "fd00::/64", 900)),
                Bootstrap.parsePools(" a = 10.1.0.0/24 , 600 ; b=fd00::/64,900 ;"));
        assertTrue(Bootstrap.parsePools("").isEmpty());
        assertTrue(Bootstrap.parsePools(null).isEmpty());
    }

    @Test
    void malformedPoolSpecsSayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Bootstrap.parsePools("demo"))
                .getMessage().contains("name=prefix,leaseSeconds"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Bootstrap.parsePools("demo=10.64.0.0/16,soon"))
                .getMessage().contains("soon"));
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.parsePools("demo=10.64.0.1/16,3600"));
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.parsePools("=10.64.0.0/16,3600"));
    }

    @Test
    void createsMissingPoolsOnlyAndSurvivesConflicts() {
        FakePools pools = new FakePools(Clock.systemUTC());
        pools.createPool(Pool.of("demo", "10.64.0.0/16", 600));
        Bootstrap.pools(Bootstrap.parsePools("demo=10.64.0.0/16,3600;lab=10.65.0.0/24,3600"), pools, "node-a");
        assertEquals(600, pools.pool("demo").orElseThrow().leaseSeconds(), "an existing pool is kept");
        assertEquals(Pool.of("lab", "10.65.0.0/24", 3600), pools.pool("lab").orElseThrow());
        Bootstrap.pools(Bootstrap.parsePools("lab=10.65.0.0/24,3600"), pools, "node-a");   // idempotent
        assertEquals(2, pools.pools().size());
    }

    @Test
    void parsesDeviceLists() {
        assertEquals(List.of(DeviceId.of("smr-1"), DeviceId.of("smr-2")), Bootstrap.parseDevices(" smr-1, smr-2 ,"));
        assertTrue(Bootstrap.parseDevices("").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.parseDevices("smr 1"));
    }

    @Test
    void enrolsDevicesAndWritesPrivateKeyFiles() throws Exception {
        DeviceManager devices = new DeviceManager(new FakeDeviceStore());
        Path keys = dir.resolve("etc/dtm-keys");
        Bootstrap.devices(Bootstrap.parseDevices("smr-1,smr-2"), devices, keys, "node-a");
        for (String id : List.of("smr-1", "smr-2")) {
            Path file = keys.resolve(id + ".key");
            String hex = Files.readString(file);
            assertTrue(hex.matches("[0-9a-f]{64}"), hex);
            assertArrayEquals(devices.device(DeviceId.of(id)).orElseThrow().key(), DeviceCredential.parseKey(hex));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));
        assertFalse(Files.exists(keys.resolve("smr-1.key.tmp")));
    }

    @Test
    void secondStartKeepsKeysAndRewritesOnlyAMissingFile() throws Exception {
        DeviceManager devices = new DeviceManager(new FakeDeviceStore());
        Path keys = dir.resolve("keys");
        Bootstrap.devices(List.of(DeviceId.of("smr-1"), DeviceId.of("smr-2")), devices, keys, "node-a");
        String key1 = Files.readString(keys.resolve("smr-1.key"));
        byte[] stored2 = devices.device(DeviceId.of("smr-2")).orElseThrow().key();
        Files.delete(keys.resolve("smr-2.key"));

        Bootstrap.devices(List.of(DeviceId.of("smr-1"), DeviceId.of("smr-2")), devices, keys, "node-a");
        assertEquals(key1, Files.readString(keys.resolve("smr-1.key")));
        assertArrayEquals(stored2, DeviceCredential.parseKey(Files.readString(keys.resolve("smr-2.key"))));
        assertEquals(2, devices.devices().size());
    }
}
