package net.dtm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.store.derby.DerbyStore;

/**
 * The export and import commands against a real store: a bad file or a conflict changes nothing
 * and says why; exports never overwrite a file and hold keys only when asked (then mode 600);
 * store:backup writes a copy, or passes the store's refusal on.
 */
class TransferCommandsTest {

    static {
        System.setProperty("derby.system.durability", "test");
    }

    private static final String KEY_A = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static final String KEY_B = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private DerbyStore store;

    @BeforeEach
    void open() {
        store = new DerbyStore(dir.resolve("db/dtm"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private <T extends TransferCommand> T wire(T c, String file) {
        c.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        c.leaseStore = store;
        c.deviceStore = store;
        c.storeBackup = store;
        c.file = dir.resolve(file).toString();
        return c;
    }

    private String write(String file, String text) throws Exception {
        Files.writeString(dir.resolve(file), text);
        return file;
    }

    private String output() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aMalformedLineRefusesTheWholeDeviceFileNamingEveryBadLine() throws Exception {
        write("d.csv", "# comment\nid,key\nsmr-1," + KEY_A + "\nsmr 2," + KEY_B + "\nsmr-3,abc\nsmr-1," + KEY_A + "\n");
        CommandException e = assertThrows(CommandException.class, () -> wire(new DeviceImportCommand(), "d.csv").execute());
        assertTrue(e.getMessage().startsWith("Devices not imported: nothing imported: 3 problem(s) in"), e.getMessage());
        assertTrue(e.getMessage().contains("line 4: "), e.getMessage());
        assertTrue(e.getMessage().contains("line 5: device key must be 64 hex digits"), e.getMessage());
        assertTrue(e.getMessage().contains("line 6: device smr-1 appears twice"), e.getMessage());
        assertFalse(e.getMessage().contains(KEY_A), "keys are never echoed");
        assertEquals(List.of(), store.list(), "nothing enrolled");
    }

    @Test
    void aDeviceEnrolledWithAnotherKeyRefusesTheFileAndTheSameKeyCountsAsPresent() throws Exception {
        store.add(new DeviceCredential(DeviceId.of("smr-1"), HexFormat.of().parseHex(KEY_A), T0));
        write("d.csv", "smr-1," + KEY_B + "\nsmr-2," + KEY_B + "\n");
        CommandException e = assertThrows(CommandException.class, () -> wire(new DeviceImportCommand(), "d.csv").execute());
        assertEquals("Devices not imported: nothing imported: 1 of 2 devices conflict with what the store holds: "
                + "device smr-1 (line 1): already enrolled with another key", e.getMessage());
        assertEquals(Optional.empty(), store.find(DeviceId.of("smr-2")));

        write("ok.csv", "smr-1," + KEY_A + "\nsmr-2," + KEY_B + "\nsmr-3\n");
        wire(new DeviceImportCommand(), "ok.csv").execute();
        assertTrue(output().startsWith("Imported 2 devices; 1 already present, unchanged."), output());
        assertTrue(output().contains("1 line(s) gave no key"), output());
        assertEquals(KEY_B, store.find(DeviceId.of("smr-2")).orElseThrow().keyHex());
        assertTrue(store.find(DeviceId.of("smr-3")).isPresent());
    }

    @Test
    void anExportWithoutKeysHoldsNoneAndAnExportNeverOverwritesAFile() throws Exception {
        store.add(new DeviceCredential(DeviceId.of("smr-1"), HexFormat.of().parseHex(KEY_A), T0, true, null, null));
        wire(new DeviceExportCommand(), "plain.csv").execute();
        String plain = Files.readString(dir.resolve("plain.csv"));
        assertFalse(plain.contains(KEY_A), plain);
        assertTrue(plain.contains("smr-1,,true,2026-03-01T12:00:00Z"), plain);
        assertTrue(output().contains("without keys"), output());

        DeviceExportCommand keys = wire(new DeviceExportCommand(), "keys.csv");
        keys.withKeys = true;
        assertEquals("Devices not exported", keys.refusal(), "an export of keys is an audited admin command");
        keys.execute();
        assertTrue(Files.readString(dir.resolve("keys.csv")).contains("smr-1," + KEY_A + ",true,"));
        assertEquals(java.util.Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(dir.resolve("keys.csv")));

        CommandException e = assertThrows(CommandException.class, () -> wire(new DeviceExportCommand(), "keys.csv").execute());
        assertTrue(e.getMessage().contains("already exists (it is never overwritten)"), e.getMessage());
        assertTrue(Files.readString(dir.resolve("keys.csv")).contains(KEY_A), "the existing file is untouched");

        // the disabled flag survives the round trip into another store
        store.remove(DeviceId.of("smr-1"));
        wire(new DeviceImportCommand(), "keys.csv").execute();
        assertTrue(store.find(DeviceId.of("smr-1")).orElseThrow().disabled());
    }

    @Test
    void poolsThatConflictOrOverlapRefuseTheFile() throws Exception {
        store.createPool(Pool.of("metro", "10.64.0.0/16", 3600));
        write("same-name.json", "{\"format\":\"dtm-pools/1\",\"pools\":[{\"name\":\"new\",\"prefix\":\"10.80.0.0/24\",\"leaseSeconds\":600},"
                + "{\"name\":\"metro\",\"prefix\":\"10.65.0.0/16\",\"leaseSeconds\":3600}]}");
        CommandException e = assertThrows(CommandException.class, () -> wire(new PoolImportCommand(), "same-name.json").execute());
        assertTrue(e.getMessage().contains("pool metro: a pool of this name exists with another definition (10.64.0.0/16"),
                e.getMessage());
        write("overlap.json", "{\"format\":\"dtm-pools/1\",\"pools\":[{\"name\":\"other\",\"prefix\":\"10.64.8.0/24\",\"leaseSeconds\":600}]}");
        e = assertThrows(CommandException.class, () -> wire(new PoolImportCommand(), "overlap.json").execute());
        assertTrue(e.getMessage().contains("prefix 10.64.8.0/24 overlaps pool metro"), e.getMessage());
        write("bad.json", "{\"format\":\"dtm-pools/1\",\"pools\":[{\"name\":\"x\",\"prefix\":\"10.90.0.0/24\",\n\"leaseSeconds\":\"60\"}]}");
        e = assertThrows(CommandException.class, () -> wire(new PoolImportCommand(), "bad.json").execute());
        assertTrue(e.getMessage().contains("pool #1: \"leaseSeconds\" must be a number"), e.getMessage());
        write("broken.json", "{\"format\":\"dtm-pools/1\",\n \"pools\":[}");
        e = assertThrows(CommandException.class, () -> wire(new PoolImportCommand(), "broken.json").execute());
        assertTrue(e.getMessage().contains("malformed JSON at line 2, column 11"), e.getMessage());
        assertEquals(List.of("metro"), store.pools().stream().map(Pool::name).toList(), "nothing created");
    }

    @Test
    void leasesOfAMissingPoolOrOnATakenAddressRefuseTheFile() throws Exception {
        store.createPool(Pool.of("metro", "10.64.0.0/16", 3600));
        store.tryBind(new Lease("metro", DeviceId.of("a"), InetAddress.getByName("10.64.0.2"), LeaseState.BOUND, 1, T0, "n1"));
        String lease = "{\"pool\":\"%s\",\"device\":\"%s\",\"address\":\"%s\",\"state\":\"bound\",\"sequence\":2,"
                + "\"expiresAt\":\"2026-03-01T13:00:00Z\",\"node\":\"n1\",\"reserved\":false,\"deviceSequence\":5,\"instance\":1}";
        write("l.json", "{\"format\":\"dtm-leases/1\",\"leases\":[" + String.format(lease, "metro", "b", "10.64.0.2") + ","
                + String.format(lease, "gone", "c", "10.99.0.2") + "," + String.format(lease, "metro", "a", "10.64.0.3") + ","
                + String.format(lease, "metro", "d", "10.64.0.9") + "]}");
        CommandException e = assertThrows(CommandException.class, () -> wire(new LeaseImportCommand(), "l.json").execute());
        assertTrue(e.getMessage().startsWith("Leases not imported: nothing imported: 3 of 4 leases conflict"), e.getMessage());
        assertTrue(e.getMessage().contains("lease of b in pool metro: address 10.64.0.2 is leased to a"), e.getMessage());
        assertTrue(e.getMessage().contains("there is no pool gone (import the pools first)"), e.getMessage());
        assertTrue(e.getMessage().contains("lease of a in pool metro: the device holds 10.64.0.2 there"), e.getMessage());
        assertEquals(Optional.empty(), store.findByDevice("metro", DeviceId.of("d")), "not even the good lease");

        write("one.json", "{\"format\":\"dtm-leases/1\",\"leases\":[" + String.format(lease, "metro", "d", "10.64.0.9") + "]}");
        wire(new LeaseImportCommand(), "one.json").execute();
        Lease d = store.findByDevice("metro", DeviceId.of("d")).orElseThrow();
        assertEquals(new Lease("metro", DeviceId.of("d"), InetAddress.getByName("10.64.0.9"), LeaseState.BOUND, 2,
                Instant.parse("2026-03-01T13:00:00Z"), "n1", false, 5, 1), d);

        write("dup.json", "{\"format\":\"dtm-leases/1\",\"leases\":[" + String.format(lease, "metro", "e", "10.64.0.20") + ","
                + String.format(lease, "metro", "f", "10.64.0.20") + "]}");
        e = assertThrows(CommandException.class, () -> wire(new LeaseImportCommand(), "dup.json").execute());
        assertTrue(e.getMessage().contains("lease #2: address 10.64.0.20 is leased twice in pool metro"), e.getMessage());
        write("wrong.json", "{\"format\":\"dtm-devices/1\",\"leases\":[]}");
        e = assertThrows(CommandException.class, () -> wire(new LeaseImportCommand(), "wrong.json").execute());
        assertTrue(e.getMessage().contains("not a DTM export: expected an object with \"format\":\"dtm-leases/1\""), e.getMessage());
        e = assertThrows(CommandException.class, () -> wire(new LeaseImportCommand(), "missing.json").execute());
        assertTrue(e.getMessage().startsWith("Leases not imported: there is no file "), e.getMessage());
    }

    @Test
    void storeBackupWritesACopyOrPassesTheStoresRefusalOn() throws Exception {
        store.createPool(Pool.of("metro", "10.64.0.0/16", 3600));
        wire(new StoreBackupCommand(), "backups/1").execute();
        assertEquals("Store backed up to " + dir.resolve("backups/1/dtm") + ".", output().strip());
        try (DerbyStore copy = new DerbyStore(dir.resolve("backups/1/dtm"))) {
            assertEquals(store.pools(), copy.pools());
        }
        StoreBackupCommand refused = wire(new StoreBackupCommand(), "backups/2");
        refused.storeBackup = d -> {
            throw new UnsupportedOperationException("the ZooKeeper store is not backed up by DTM: ZooKeeper keeps its own snapshots");
        };
        CommandException e = assertThrows(CommandException.class, refused::execute);
        assertEquals("Store not backed up: the ZooKeeper store is not backed up by DTM: ZooKeeper keeps its own snapshots",
                e.getMessage());
    }
}
