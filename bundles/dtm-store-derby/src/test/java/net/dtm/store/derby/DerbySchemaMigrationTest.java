package net.dtm.store.derby;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.AddressRange;
import net.dtm.api.Cidr;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.EnrolmentKey;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.LeaseCounts;
import net.dtm.spi.store.StoreUnavailableException;

/** A database written by schema version 1 (the store before SPI 2.0) opens, migrated, with nothing lost. */
class DerbySchemaMigrationTest {

    private static final Instant T = Instant.parse("2030-05-01T10:00:00.123456789Z");

    @TempDir
    Path dir;

    /** Creates a version 1 database with plain JDBC, exactly as the version 1 store did, and fills it. */
    private Path versionOneDatabase() throws SQLException {
        Path db = dir.resolve("v1");
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + db + ";create=true")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("CREATE TABLE dtm_schema (version INT NOT NULL)");
                s.executeUpdate("INSERT INTO dtm_schema (version) VALUES (1)");
                s.executeUpdate("CREATE TABLE dtm_pool ("
                        + "name VARCHAR(64) NOT NULL, prefix VARCHAR(64) NOT NULL, lease_seconds INT NOT NULL, "
                        + "CONSTRAINT dtm_pool_pk PRIMARY KEY (name))");
                s.executeUpdate("CREATE TABLE dtm_lease ("
                        + "pool_name VARCHAR(64) NOT NULL, device_id VARCHAR(64) NOT NULL, address VARCHAR(32) NOT NULL, "
                        + "lease_state VARCHAR(16) NOT NULL, seq BIGINT NOT NULL, expires_sec BIGINT NOT NULL, "
                        + "expires_nano INT NOT NULL, node_id VARCHAR(255) NOT NULL, "
                        + "CONSTRAINT dtm_lease_pk PRIMARY KEY (pool_name, device_id), "
                        + "CONSTRAINT dtm_lease_address UNIQUE (pool_name, address), "
                        + "CONSTRAINT dtm_lease_pool FOREIGN KEY (pool_name) REFERENCES dtm_pool (name))");
                s.executeUpdate("CREATE TABLE dtm_device ("
                        + "device_id VARCHAR(64) NOT NULL, key_hex VARCHAR(64) NOT NULL, "
                        + "enrolled_sec BIGINT NOT NULL, enrolled_nano INT NOT NULL, "
                        + "CONSTRAINT dtm_device_pk PRIMARY KEY (device_id))");
            }
            c.commit();
            c.setAutoCommit(true);
            // Rows as the version 1 store wrote them: prefix as Cidr text, addresses as raw-byte hex.
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dtm_pool (name, prefix, lease_seconds) VALUES (?, ?, ?)")) {
                for (Object[] row : new Object[][] {{"v4", "10.64.0.0/16", 3600}, {"v6", "fd00:64:0:0:0:0:0:0/64", 600}}) {
                    ps.setString(1, (String) row[0]);
                    ps.setString(2, (String) row[1]);
                    ps.setInt(3, (Integer) row[2]);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dtm_lease (pool_name, device_id, address, lease_state, "
                    + "seq, expires_sec, expires_nano, node_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                Object[][] rows = {
                        {"v4", "smr-1", "0a400002", "BOUND", 2L, T.getEpochSecond(), T.getNano(), "n1"},
                        {"v4", "smr-2", "0a400003", "RELEASED", 3L, T.getEpochSecond() - 7200, 0, "n2"},
                        {"v6", "smr-1", "fd000064000000000000000000000002", "LOCKED", 1L, T.getEpochSecond() + 60, 5, "n1"}};
                for (Object[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        ps.setObject(i + 1, row[i]);
                    }
                    ps.executeUpdate();
                }
            }
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO dtm_device (device_id, key_hex, enrolled_sec, enrolled_nano) VALUES ('smr-1', '"
                        + "00".repeat(32) + "', " + T.getEpochSecond() + ", " + T.getNano() + ")");
            }
        }
        try {
            DriverManager.getConnection("jdbc:derby:" + db + ";shutdown=true").close();
        } catch (SQLException expected) {
            assertEquals("08006", expected.getSQLState(), expected.getMessage());
        }
        return db;
    }

    private static int schemaVersion(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + db)) {
            return DerbySchema.version(c);
        } finally {
            try {
                DriverManager.getConnection("jdbc:derby:" + db + ";shutdown=true").close();
            } catch (SQLException expected) {
                // 08006: shut down
            }
        }
    }

    private static Lease lease(String pool, String device, String address, LeaseState state, long seq, Instant expiry,
                               String node) {
        return new Lease(pool, DeviceId.of(device), Cidr.parseLiteral(address), state, seq, expiry, node);
    }

    @Test
    void versionOneDatabaseIsMigratedWithEverythingIntact() throws Exception {
        Path db = versionOneDatabase();
        Lease v4a = lease("v4", "smr-1", "10.64.0.2", LeaseState.BOUND, 2, T, "n1");
        Lease v4b = lease("v4", "smr-2", "10.64.0.3", LeaseState.RELEASED, 3, Instant.ofEpochSecond(T.getEpochSecond() - 7200), "n2");
        Lease v6a = lease("v6", "smr-1", "fd00:64::2", LeaseState.LOCKED, 1, Instant.ofEpochSecond(T.getEpochSecond() + 60, 5), "n1");
        Pool v4 = Pool.of("v4", "10.64.0.0/16", 3600);
        Pool v6 = Pool.of("v6", "fd00:64::/64", 600);

        try (DerbyStore s = new DerbyStore(db)) {
            assertEquals(List.of(v4, v6), s.pools(), "pools come back with delegated length 32/128 and no other fields");
            assertEquals(32, s.pool("v4").orElseThrow().delegatedLength());
            assertEquals(128, s.pool("v6").orElseThrow().delegatedLength());
            assertEquals(List.of(v4a, v4b), s.leases("v4"));
            assertEquals(List.of(v6a), s.leases("v6"));
            assertFalse(s.leases("v4").get(0).reserved(), "old leases are not reservations");
            assertEquals(Optional.of(new DeviceCredential(DeviceId.of("smr-1"), new byte[32], T)), s.find(DeviceId.of("smr-1")));
            DeviceCredential smr1 = s.find(DeviceId.of("smr-1")).orElseThrow();
            assertTrue(s.replace(smr1, smr1.withDisabled(true)), "the device columns were added to the old table");
            assertNull(smr1.routerKey(), "an old row is an operator-enrolled device");
            assertNull(smr1.reenrolUntil());
            EnrolmentKey key = new EnrolmentKey("k0001", new byte[32], new byte[32], "", "smr-*", "v4", 1, 0, T, T.plusSeconds(60), false);
            assertTrue(s.enrolmentKeys().add(key), "the enrolment key table was created");
            assertEquals(List.of(key), s.enrolmentKeys().list());

            // The new features work on the migrated database.
            Pool v4Changed = v4Changed(v4);
            s.updatePool(v4Changed);
            assertEquals(Optional.of(v4Changed), s.pool("v4"));
            Lease reserved = s.update(v4a.withReserved(true, "op"), v4a.sequence()).orElseThrow();
            assertEquals(BindResult.Outcome.BOUND, s.tryBind(new Lease("v4", DeviceId.of("smr-3"), Cidr.parseLiteral("10.64.0.4"),
                    LeaseState.BOUND, 1, T.plusSeconds(3600), "n1", true)).outcome());
            assertEquals(List.of(v4b), s.reclaimable("v4", T, 10));
            assertEquals(new LeaseCounts(0, 2, 0, 1, 2), s.countLeases("v4", T.minusSeconds(1), T.minusSeconds(3600)));
            List<String> addresses = new ArrayList<>();
            s.forEachAddress("v4", a -> addresses.add(a.getHostAddress()));
            assertEquals(List.of("10.64.0.2", "10.64.0.3", "10.64.0.4"), addresses);
            assertEquals(List.of(reserved), s.leases("v4", null, 1));
            s.createPool(Pool.of("pd", "2001:db8::/48", 3600).withDelegatedLength(64));
        }
        assertEquals(2, schemaVersion(db));
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + db)) {
            assertEquals(Set.of(), expiryIndexes(c), "migrated without an index on expiry");
        }
        shutdown(db);
        try (DerbyStore s = new DerbyStore(db)) {
            assertEquals(Optional.of(v4Changed(v4)), s.pool("v4"), "migrated once; the second open keeps everything");
            assertEquals(3, s.pools().size());
            assertTrue(s.findByDevice("v4", DeviceId.of("smr-1")).orElseThrow().reserved());
            assertTrue(s.find(DeviceId.of("smr-1")).orElseThrow().disabled());
        }
    }

    private static Pool v4Changed(Pool v4) {
        return v4.withExcluded(List.of(AddressRange.parse("10.64.9.0/24"))).withDevicePatterns(List.of("smr-*"))
                .withTunnelTypes(Set.of(TunnelType.GRE));
    }

    // repeated: the two openers raced on Derby's catalogs about once in 30 runs before they took turns
    @RepeatedTest(10)
    void twoStoresOpeningAVersionOneDatabaseAtOnceMigrateItOnce() throws Exception {
        Path db = versionOneDatabase();
        int openers = 2;
        ExecutorService pool = Executors.newFixedThreadPool(openers);
        List<DerbyStore> opened = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<DerbyStore>> futures = new ArrayList<>();
            for (int i = 0; i < openers; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return new DerbyStore(db);
                }));
            }
            go.countDown();
            for (Future<DerbyStore> f : futures) {
                opened.add(f.get(60, TimeUnit.SECONDS));
            }
            for (DerbyStore s : opened) {
                assertEquals(2, s.pools().size());
                assertEquals(2, s.leases("v4").size());
            }
        } finally {
            pool.shutdownNow();
            opened.forEach(DerbyStore::close);
        }
        assertEquals(2, schemaVersion(db));
    }

    @Test
    void versionTwoDatabaseWithoutLeaseMarksGetsThemOnOpen() throws Exception {
        Path db = dir.resolve("v2");
        Lease old = lease("v4", "smr-1", "10.64.0.2", LeaseState.BOUND, 5, T, "n1");
        try (DerbyStore s = new DerbyStore(db)) {
            s.createPool(Pool.of("v4", "10.64.0.0/16", 3600));
            s.tryBind(old);
        }
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + db); Statement s = c.createStatement()) {
            // as a version 2 store before the lease marks wrote it
            s.executeUpdate("ALTER TABLE dtm_lease DROP COLUMN device_seq");
            s.executeUpdate("ALTER TABLE dtm_lease DROP COLUMN instance_seq");
        }
        try {
            DriverManager.getConnection("jdbc:derby:" + db + ";shutdown=true").close();
        } catch (SQLException expected) {
            // 08006: shut down
        }
        try (DerbyStore s = new DerbyStore(db)) {
            assertEquals(Optional.of(old), s.findByDevice("v4", DeviceId.of("smr-1")), "old rows: mark and instance 0");
            Lease marked = s.update(old.with(LeaseState.BOUND, 6, T, "n2").withDeviceSequence(77), 5).orElseThrow();
            assertEquals(Optional.of(marked), s.findByDevice("v4", DeviceId.of("smr-1")));
        }
        try (DerbyStore s = new DerbyStore(db)) {
            assertEquals(77, s.findByDevice("v4", DeviceId.of("smr-1")).orElseThrow().deviceSequence(), "opened twice");
        }
    }

    @Test
    void databaseWithAnExpiryIndexOfEarlierVersionsOpensWithoutItAndStillReclaimsAndCountsTheSame() throws Exception {
        Path db = dir.resolve("wide");
        Lease early = lease("v4", "smr-1", "10.64.0.9", LeaseState.RELEASED, 3, T.minusSeconds(600), "n1");
        Lease later = lease("v4", "smr-2", "10.64.0.2", LeaseState.BOUND, 2, T.minusSeconds(300), "n1");
        Lease live = lease("v4", "smr-3", "10.64.0.3", LeaseState.BOUND, 2, T.plusSeconds(3600), "n1");
        Lease other = lease("v6", "smr-1", "fd00:64::2", LeaseState.BOUND, 2, T.minusSeconds(900), "n1");
        try (DerbyStore s = new DerbyStore(db)) {
            s.createPool(Pool.of("v4", "10.64.0.0/16", 3600));
            s.createPool(Pool.of("v6", "fd00:64::/64", 600));
            for (Lease l : List.of(early, later, live, other)) {
                s.tryBind(l);
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + db); Statement st = c.createStatement()) {
            assertEquals(Set.of(), expiryIndexes(c), "a new database has no index on expiry");
            // as the stores before 2026-12-05 left it
            st.executeUpdate("CREATE INDEX dtm_lease_expiry ON dtm_lease (pool_name, expires_sec, expires_nano, reserved, lease_state)");
            st.executeUpdate("CREATE INDEX dtm_lease_by_expiry ON dtm_lease (pool_name, expires_sec, expires_nano)");
            assertEquals(Set.copyOf(DerbySchema.EXPIRY_INDEXES), expiryIndexes(c));
        }
        shutdown(db);
        try (DerbyStore s = new DerbyStore(db)) {
            assertEquals(List.of(early, later), s.reclaimable("v4", T, 10), "oldest first, the other pool's binding left out");
            assertEquals(List.of(early), s.reclaimable("v4", T, 1));
            assertEquals(List.of(other), s.reclaimable("v6", T, 10));
            assertEquals(new LeaseCounts(0, 1, 0, 2, 0), s.countLeases("v4", T, T));
        }
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + db)) {
            assertEquals(Set.of(), expiryIndexes(c), "the old indexes are dropped");
        }
        shutdown(db);
    }

    private static Set<String> expiryIndexes(Connection c) throws SQLException {
        Set<String> found = new TreeSet<>(DerbySchema.indexes(c, "DTM_LEASE"));
        found.retainAll(DerbySchema.EXPIRY_INDEXES);
        return found;
    }

    private static final String[] SELF_ENROLMENT_COLUMNS = {"ROUTER_KEY_HEX", "REENROL_UNTIL_SEC", "REENROL_UNTIL_NANO"};

    private static boolean hasColumn(Connection c, String column) throws SQLException {
        try (ResultSet rs = c.getMetaData().getColumns(null, null, "DTM_DEVICE", column)) {
            return rs.next();
        }
    }

    private static boolean hasTable(Connection c, String table) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(null, null, table, new String[] {"TABLE"})) {
            return rs.next();
        }
    }

    private static void shutdown(Path db) {
        try {
            DriverManager.getConnection("jdbc:derby:" + db + ";shutdown=true").close();
        } catch (SQLException expected) {
            // 08006: shut down
        }
    }

    @Test
    void databaseWithoutSelfEnrolmentGetsItsColumnsAndTableOnOpenAndOldDevicesReadNull() throws Exception {
        Path db = dir.resolve("before-enrolment");
        byte[] next = new byte[32];
        next[0] = 1;
        DeviceCredential plain = new DeviceCredential(DeviceId.of("smr-1"), new byte[32], T);
        DeviceCredential rekeyed = new DeviceCredential(DeviceId.of("smr-2"), new byte[32], T).rekeyed(next, T.plusSeconds(60))
                .withDisabled(true);
        try (DerbyStore s = new DerbyStore(db)) {
            s.add(plain);
            s.add(rekeyed);
        }
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + db); Statement s = c.createStatement()) {
            // as a store before self-enrolment wrote it
            for (String column : SELF_ENROLMENT_COLUMNS) {
                s.executeUpdate("ALTER TABLE dtm_device DROP COLUMN " + column);
            }
            s.executeUpdate("DROP TABLE dtm_enrolment_key");
            for (String column : SELF_ENROLMENT_COLUMNS) {
                assertFalse(hasColumn(c, column), column);
            }
            assertFalse(hasTable(c, "DTM_ENROLMENT_KEY"));
        }
        shutdown(db);

        DeviceCredential selfEnrolled = DeviceCredential.enrolledBy(DeviceId.of("bus-1"), next, T, new byte[32])
                .withReenrolUntil(T.plusSeconds(3600));
        EnrolmentKey key = new EnrolmentKey("k0001", new byte[32], new byte[32], "depot", "bus-*", "", 0, 0, T, T.plusSeconds(60), false);
        try (DerbyStore s = new DerbyStore(db)) {
            assertEquals(List.of(rekeyed, plain), List.of(s.find(DeviceId.of("smr-2")).orElseThrow(),
                    s.find(DeviceId.of("smr-1")).orElseThrow()), "old rows read, with no router key and no allowance");
            assertNull(s.list().get(0).routerKey());
            assertNull(s.list().get(0).reenrolUntil());
            assertTrue(s.replace(plain, plain.withReenrolUntil(T.plusSeconds(5))), "an old row compares as null and changes");
            assertTrue(s.add(selfEnrolled));
            assertTrue(s.enrolmentKeys().add(key));
        }
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + db)) {
            for (String column : SELF_ENROLMENT_COLUMNS) {
                assertTrue(hasColumn(c, column), column);
            }
            assertTrue(hasTable(c, "DTM_ENROLMENT_KEY"));
        }
        shutdown(db);
        try (DerbyStore s = new DerbyStore(db)) {
            assertEquals(List.of(selfEnrolled, plain.withReenrolUntil(T.plusSeconds(5)), rekeyed), s.list(), "opened twice");
            assertEquals(List.of(key), s.enrolmentKeys().list());
        }
    }

    @Test
    void databaseOfANewerSchemaIsRefusedClearly() throws Exception {
        Path db = dir.resolve("newer");
        new DerbyStore(db).close();
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + db); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE dtm_schema SET version = 3");
        }
        try {
            DriverManager.getConnection("jdbc:derby:" + db + ";shutdown=true").close();
        } catch (SQLException expected) {
            // 08006: shut down
        }
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> new DerbyStore(db));
        assertTrue(e.getMessage().contains("schema version 3, newer than this store's 2"), e.getMessage());
    }
}
