package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;

class DeviceManagerTest {

    private final FakeDeviceStore store = new FakeDeviceStore();
    private final DeviceManager manager = new DeviceManager(store);
    private final DeviceId id = DeviceId.of("smr-1");

    @Test
    void enrollGivesAFreshRandomKeyPerDevice() {
        DeviceCredential a = manager.enroll(id);
        DeviceCredential b = manager.enroll(DeviceId.of("smr-2"));
        assertEquals(32, a.key().length);
        assertFalse(Arrays.equals(a.key(), b.key()));
        assertFalse(Arrays.equals(new byte[32], a.key()));
        assertEquals(a, store.devices.get(id));
        assertEquals(2, manager.devices().size());
    }

    @Test
    void duplicateEnrollIsRejectedClearlyAndKeepsTheOldKey() {
        DeviceCredential a = manager.enroll(id);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> manager.enroll(id));
        assertTrue(e.getMessage().contains("smr-1") && e.getMessage().contains("already enrolled"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> manager.enroll(id, new byte[32]));
        assertArrayEquals(a.key(), manager.key(id).orElseThrow());
    }

    @Test
    void enrollWithOperatorKey() {
        byte[] key = new byte[32];
        key[0] = 7;
        manager.enroll(id, key);
        assertArrayEquals(key, manager.key(id).orElseThrow());
    }

    @Test
    void malformedKeyIsRejectedAndNothingStored() {
        assertThrows(IllegalArgumentException.class, () -> manager.enroll(id, new byte[16]));
        assertTrue(store.devices.isEmpty());
    }

    @Test
    void keysAreCachedForTheHotPath() {
        manager.enroll(id);
        for (int i = 0; i < 10; i++) {
            assertTrue(manager.key(id).isPresent());
        }
        assertEquals(1, store.finds.get());
    }

    @Test
    void unknownDevicesAreNotCachedSoALaterEnrolmentIsSeen() {
        assertTrue(manager.key(id).isEmpty());
        store.add(new DeviceCredential(id, new byte[32], java.time.Instant.now()));   // e.g. through another node
        assertTrue(manager.key(id).isPresent());
    }

    @Test
    void removeInvalidatesTheCache() {
        manager.enroll(id);
        assertTrue(manager.key(id).isPresent());
        assertTrue(manager.remove(id));
        assertTrue(manager.key(id).isEmpty());
        assertTrue(manager.device(id).isEmpty());
        assertFalse(manager.remove(id));
    }

    @Test
    void storeFailuresPropagate() {
        DeviceManager broken = new DeviceManager(new FakeDeviceStore() {
            @Override
            public java.util.Optional<DeviceCredential> find(DeviceId d) {
                throw new net.dtm.spi.store.StoreUnavailableException("down", null);
            }
        });
        assertThrows(net.dtm.spi.store.StoreUnavailableException.class, () -> broken.key(id));
    }
}
