package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.pool.PoolManager;
import net.dtm.store.derby.DerbyStore;

/** The contract over the real pool manager and embedded Derby: what a standalone node runs. */
class RequestHandlerDerbyTest extends RequestHandlerContract {

    // One database for the class: creating a Derby database takes seconds, so each test gets
    // fresh pools in the same store instead (deleted again after the test).
    @TempDir
    static Path dir;

    private static DerbyStore store;

    @AfterAll
    static void closeDatabase() {
        if (store != null) {
            store.close();
            store = null;
        }
    }

    @Override
    protected AddressPoolAdminService newPools() {
        if (store == null) {
            store = new DerbyStore(dir.resolve("derby"));
        }
        return new PoolManager(store, "node-a", Clock.systemUTC(), Duration.ofSeconds(30), 0.5);
    }

    @Override
    protected AddressPoolAdminService otherNode() {
        return new PoolManager(store, "node-b", Clock.systemUTC(), Duration.ofSeconds(30), 0.5);
    }

    @Override
    protected void closeStore() {
        store.deletePool("demo");
        store.deletePool("tiny");
    }

    @Test
    void devicesSurviveAReopenOfTheStore() {
        Path own = dir.resolve("devices");
        DeviceCredential credential;
        try (DerbyStore first = new DerbyStore(own)) {
            credential = new DeviceManager(first).enroll(DeviceId.of("smr-derby"));
        }
        try (DerbyStore reopened = new DerbyStore(own)) {
            DeviceManager devices = new DeviceManager(reopened);
            assertArrayEquals(credential.key(), devices.key(DeviceId.of("smr-derby")).orElseThrow());
            assertTrue(devices.remove(DeviceId.of("smr-derby")));
            assertEquals(0, devices.devices().size());
        }
    }
}
