package net.dtm.server.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.Pool;

/** The net.dtm.bootstrap component activated by hand, as SCR would, with in-memory services. */
class BootstrapComponentTest {

    @TempDir
    Path dir;

    private BootstrapComponent.Config config(String pools, String devices) {
        Path keys = dir.resolve("keys");
        return new BootstrapComponent.Config() {
            @Override public Class<? extends Annotation> annotationType() { return BootstrapComponent.Config.class; }
            @Override public String pools() { return pools; }
            @Override public String devices() { return devices; }
            @Override public String keys_dir() { return keys.toString(); }
        };
    }

    @Test
    void createsThePoolsAndEnrolsTheDevicesWithTheirKeyFiles() throws Exception {
        FakePools pools = new FakePools(Clock.systemUTC());
        DeviceManager devices = new DeviceManager(new FakeDeviceStore());
        BootstrapComponent c = new BootstrapComponent(pools, devices, new FakeCluster("node-b", "standalone"),
                config("demo=10.64.0.0/16,3600; lab=10.65.0.0/24,600", "smr-demo-1, smr-demo-2"));
        try {
            assertTrue(c.provisioned());
            assertEquals(Pool.of("demo", "10.64.0.0/16", 3600), pools.pool("demo").orElseThrow());
            assertEquals(Pool.of("lab", "10.65.0.0/24", 600), pools.pool("lab").orElseThrow());
            for (String id : List.of("smr-demo-1", "smr-demo-2")) {
                DeviceCredential stored = devices.device(DeviceId.of(id)).orElseThrow();
                assertEquals(stored.keyHex(), Files.readString(dir.resolve("keys/" + id + ".key")));
            }
        } finally {
            c.deactivate();
        }
    }

    @Test
    void whatExistsIsLeftAsItIs() throws Exception {
        FakePools pools = new FakePools(Clock.systemUTC());
        pools.createPool(Pool.of("demo", "10.70.0.0/16", 60));
        DeviceManager devices = new DeviceManager(new FakeDeviceStore());
        DeviceCredential enrolled = devices.enroll(DeviceId.of("smr-demo-1"));
        BootstrapComponent c = new BootstrapComponent(pools, devices, new FakeCluster("node-b", "standalone"),
                config("demo=10.64.0.0/16,3600", "smr-demo-1"));
        c.deactivate();
        assertEquals(Pool.of("demo", "10.70.0.0/16", 60), pools.pool("demo").orElseThrow(), "the operator's pool stays");
        assertEquals(enrolled.keyHex(), devices.device(DeviceId.of("smr-demo-1")).orElseThrow().keyHex(),
                "the enrolled device keeps its key");
        assertEquals(enrolled.keyHex(), Files.readString(dir.resolve("keys/smr-demo-1.key")),
                "its missing key file is written from the stored key");
    }

    @Test
    void aMalformedEntryFailsActivationNamingItAndCreatesNothing() {
        FakePools pools = new FakePools(Clock.systemUTC());
        DeviceManager devices = new DeviceManager(new FakeDeviceStore());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BootstrapComponent(pools,
                devices, new FakeCluster("node-b", "standalone"), config("ok=10.64.0.0/16,3600;broken=10.65.0.0/16", "smr-1")));
        assertTrue(e.getMessage().contains("broken"), e.getMessage());
        assertTrue(pools.pool("ok").isEmpty(), "nothing created");
        assertTrue(devices.device(DeviceId.of("smr-1")).isEmpty(), "nothing enrolled");
        assertFalse(Files.exists(dir.resolve("keys")), "no key folder");
    }

    @Test
    void anUnreachableStoreIsWaitedForInTheBackground() throws Exception {
        FakePools pools = new FakePools(Clock.systemUTC());
        pools.unavailable = true;
        DeviceManager devices = new DeviceManager(new FakeDeviceStore());
        BootstrapComponent c = new BootstrapComponent(pools, devices, new FakeCluster("zk-node-1"),
                config("demo=10.64.0.0/16,3600", "smr-demo-1"));
        try {
            assertFalse(c.provisioned(), "activation does not fail; provisioning waits");
            pools.unavailable = false;
            await().atMost(Duration.ofSeconds(20)).until(c::provisioned);
            assertTrue(pools.pool("demo").isPresent());
            assertTrue(devices.device(DeviceId.of("smr-demo-1")).isPresent());
        } finally {
            c.deactivate();
        }
    }

    @Test
    void theServersBootstrapAndThisOneNamingTheSameDeviceAtOnceBothSucceed() throws Exception {
        // the server's bootstrap.devices and net.dtm.bootstrap may name the same device; both run at
        // start on different threads and write the same key file
        for (int round = 0; round < 20; round++) {
            FakePools pools = new FakePools(Clock.systemUTC());
            DeviceManager devices = new DeviceManager(new FakeDeviceStore());
            Path keys = dir.resolve("race-" + round);
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService two = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    done.add(two.submit(() -> {
                        go.await();
                        Bootstrap.devices(List.of(DeviceId.of("smr-demo-1")), devices, keys, "node-b");
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                two.shutdownNow();
            }
            assertEquals(devices.device(DeviceId.of("smr-demo-1")).orElseThrow().keyHex(),
                    Files.readString(keys.resolve("smr-demo-1.key")));
        }
    }
}
