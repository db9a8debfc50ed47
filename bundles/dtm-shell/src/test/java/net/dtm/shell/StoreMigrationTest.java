package net.dtm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.AddressRange;
import net.dtm.api.Cidr;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.LeaseStore;
import net.dtm.store.derby.DerbyStore;
import net.dtm.store.zookeeper.ZkNode;
import net.dtm.store.zookeeper.ZkSettings;
import net.dtm.store.zookeeper.ZkStore;

/**
 * The migration of a standalone node's data into a cluster's ZooKeeper store, as an operator runs
 * it: pool:export, device:export --with-keys and lease:export on the standalone node (Derby), then
 * pool:import, device:import and lease:import on a cluster node (ZooKeeper on curator-test), the
 * commands working on the store SPI. Every pool, device (with its keys and flags) and lease
 * (address, state, sequence, expiry, reservation) arrives; importing again changes nothing and says so.
 */
class StoreMigrationTest {

    static {
        System.setProperty("derby.system.durability", "test"); // no log sync per commit: a faster test
    }

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final int DEVICES = 1200;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private DerbyStore derby;
    private TestingServer server;
    private CuratorFramework client;
    private ZkStore zk;

    @BeforeEach
    void stores() throws Exception {
        derby = new DerbyStore(dir.resolve("standalone/dtm"));
        File zkData = Files.createDirectories(dir.resolve("zk")).toFile();
        server = new TestingServer(new InstanceSpec(zkData, -1, -1, -1, true, -1, 100, -1), true);
        ZkSettings settings = ZkSettings.of(server.getConnectString(), "secret", "n1").withTimeouts(4000, 1000);
        client = ZkNode.newClient(settings);
        client.start();
        assertTrue(client.blockUntilConnected(10, TimeUnit.SECONDS));
        zk = new ZkStore(client, settings.connectionTimeoutMs());
    }

    @AfterEach
    void close() throws Exception {
        zk.close();
        client.close();
        server.close();
        derby.close();
    }

    @Test
    void everyPoolDeviceAndLeaseArrivesAndASecondImportChangesNothing() throws Exception {
        fillStandalone();

        run(new PoolExportCommand(), derby, "pools.json");
        run(withKeys(new DeviceExportCommand()), derby, "devices.csv");
        run(new LeaseExportCommand(), derby, "leases.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("devices.csv"))));
        assertTrue(output().contains("leases: 1000 written"), output());

        buffer.reset();
        run(new PoolImportCommand(), zk, "pools.json");
        run(new DeviceImportCommand(), zk, "devices.csv");
        run(new LeaseImportCommand(), zk, "leases.json");
        String first = output();
        assertTrue(first.contains("Imported 3 pools; 0 already present"), first);
        assertTrue(first.contains("devices: 1000 of " + DEVICES + " written"), first);
        assertTrue(first.contains("Imported " + DEVICES + " devices; 0 already present"), first);
        assertTrue(first.contains("leases: 1000 of " + (DEVICES + 1) + " written"), first);
        assertTrue(first.contains("Imported " + (DEVICES + 1) + " leases; 0 already present"), first);
        assertSameData();

        buffer.reset();
        run(new PoolImportCommand(), zk, "pools.json");
        run(new DeviceImportCommand(), zk, "devices.csv");
        run(new LeaseImportCommand(), zk, "leases.json");
        assertEquals(String.join(System.lineSeparator(),
                "Nothing imported: all 3 pools of the file are already present, unchanged.",
                "Nothing imported: all " + DEVICES + " devices of the file are already present, unchanged.",
                "Nothing imported: all " + (DEVICES + 1) + " leases of the file are already present, unchanged."),
                output().strip());
        assertSameData();
    }

    private void assertSameData() {
        assertEquals(derby.pools(), zk.pools());
        assertEquals(derby.list(), zk.list(), "every device with its keys, flags and times");
        for (Pool p : derby.pools()) {
            assertEquals(derby.leases(p.name()), zk.leases(p.name()), "every lease of " + p.name());
        }
        assertEquals(DEVICES, zk.leases("metro").size());
    }

    private void fillStandalone() throws Exception {
        Pool metro = new Pool("metro", Cidr.parse("10.64.0.0/16"), 3600, 32,
                List.of(AddressRange.parse("10.64.200.0-10.64.200.255")), List.of("smr-*"), EnumSet.of(TunnelType.VXLAN));
        Pool v6 = new Pool("v6", Cidr.parse("2001:db8:100::/48"), 7200, 64, List.of(), List.of(), java.util.Set.of());
        derby.createPool(metro);
        derby.createPool(v6);
        derby.createPool(Pool.of("empty", "10.70.0.0/24", 600));
        SecureRandom random = new SecureRandom();
        for (int i = 1; i <= DEVICES; i++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            DeviceCredential c = new DeviceCredential(DeviceId.of("smr-" + i), key, T0.plusSeconds(i), i % 100 == 0, null, null);
            if (i == 7) {
                byte[] old = new byte[32];
                random.nextBytes(old);
                c = new DeviceCredential(c.device(), key, c.enrolledAt(), false, old, T0.plusSeconds(900));
            }
            if (i == 9) {
                byte[] router = new byte[32];
                random.nextBytes(router);
                c = DeviceCredential.enrolledBy(c.device(), key, c.enrolledAt(), router).withReenrolUntil(T0.plusSeconds(3600));
            }
            assertTrue(derby.add(c));
            int offset = i + 10;
            LeaseState state = LeaseState.values()[i % 3];
            long sequence = i % 5 + 1;
            Lease l = new Lease("metro", c.device(), InetAddress.getByAddress(new byte[] {10, 64, (byte) (offset >> 8), (byte) offset}),
                    state, sequence, T0.plusSeconds(60L * i), "standalone", i % 50 == 0, i, sequence - 1);
            assertEquals(BindResult.Outcome.BOUND, derby.tryBind(l).outcome());
        }
        derby.tryBind(new Lease("v6", DeviceId.of("smr-1"), InetAddress.getByName("2001:db8:100:5::"), LeaseState.BOUND, 3,
                T0.plusSeconds(7200), "standalone", true, 4, 2));
    }

    private static DeviceExportCommand withKeys(DeviceExportCommand c) {
        c.withKeys = true;
        return c;
    }

    private <T extends TransferCommand> void run(T command, Object store, String file) throws Exception {
        command.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        command.leaseStore = (LeaseStore) store;
        command.deviceStore = (DeviceStore) store;
        command.file = dir.resolve(file).toString();
        command.execute();
    }

    private String output() {
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
