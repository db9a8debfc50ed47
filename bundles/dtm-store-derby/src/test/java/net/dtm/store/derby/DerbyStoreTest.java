package net.dtm.store.derby;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.EnrolmentKey;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.StoreUnavailableException;

/** Derby specifics beyond the contract: restart, failures, configuration. */
class DerbyStoreTest {

    private static final Instant T = Instant.parse("2030-05-01T10:00:00.123456789Z");

    @TempDir
    Path dir;

    @Test
    void leasesAndDevicesSurviveRestartWithExactInstants() {
        Path db = dir.resolve("db");
        Lease bound;
        DeviceCredential cred = new DeviceCredential(DeviceId.of("smr-1"), new byte[32], T);
        try (DerbyStore s = new DerbyStore(db)) {
            s.createPool(Pool.of("demo", "10.64.0.0/16", 3600));
            Lease l = s.tryBind(new Lease("demo", DeviceId.of("smr-1"), Cidr.parseLiteral("10.64.0.2"), LeaseState.LOCKED, 1, T, "n1")).lease();
            bound = s.update(l.with(LeaseState.BOUND, 2, T.plusSeconds(3600), "n1"), 1).orElseThrow();
            s.add(cred);
        }
        try (DerbyStore s = new DerbyStore(db)) {
            assertEquals(List.of(bound), s.leases("demo"));
            assertEquals(T.plusSeconds(3600), s.findByDevice("demo", DeviceId.of("smr-1")).orElseThrow().expiresAt(),
                    "nanoseconds kept");
            assertEquals(Optional.of(cred), s.find(DeviceId.of("smr-1")));
        }
    }

    @Test
    void openingSetsTheLogPropertiesAsDatabaseProperties() throws Exception {
        Path db = dir.resolve("db");
        try (DerbyStore s = new DerbyStore(db)) {
            s.createPool(Pool.of("demo", "10.64.0.0/16", 3600));
        }
        // Read back with plain JDBC after the store closed: stored in the database, not in this JVM.
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:derby:" + db.toAbsolutePath());
             java.sql.PreparedStatement ps = c.prepareStatement("VALUES SYSCS_UTIL.SYSCS_GET_DATABASE_PROPERTY(?)")) {
            for (var p : DerbyConnections.STORAGE_PROPERTIES.entrySet()) {
                ps.setString(1, p.getKey());
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(p.getValue(), rs.getString(1), p.getKey());
                }
            }
        } finally {
            try {
                java.sql.DriverManager.getConnection("jdbc:derby:" + db.toAbsolutePath() + ";shutdown=true").close();
            } catch (SQLException expected) {
                assertEquals("08006", expected.getSQLState());
            }
        }
        assertEquals("16777216", DerbyConnections.STORAGE_PROPERTIES.get("derby.storage.logSwitchInterval"));
        assertEquals("33554432", DerbyConnections.STORAGE_PROPERTIES.get("derby.storage.checkpointInterval"));
    }

    @Test
    void closedStoreFailsWithStoreUnavailable() {
        DerbyStore s = new DerbyStore(dir.resolve("db"));
        s.createPool(Pool.of("demo", "10.64.0.0/16", 3600));
        s.close();
        s.close(); // idempotent
        assertThrows(StoreUnavailableException.class, () -> s.pools());
        assertThrows(StoreUnavailableException.class,
                () -> s.tryBind(new Lease("demo", DeviceId.of("d"), Cidr.parseLiteral("10.64.0.2"), LeaseState.LOCKED, 1, T, "n1")));
        assertThrows(StoreUnavailableException.class, () -> s.list());
        assertThrows(StoreUnavailableException.class, () -> s.enrolmentKeys().list());
        assertThrows(StoreUnavailableException.class, () -> s.enrolmentKeys().find("abcd"));
        EnrolmentKey k = new EnrolmentKey("abcd", new byte[32], new byte[32], "", "*", "", 0, 0, T, T.plusSeconds(1), false);
        assertThrows(StoreUnavailableException.class, () -> s.enrolmentKeys().add(k));
        assertThrows(StoreUnavailableException.class, () -> s.enrolmentKeys().replace(k, k.withUse()));
        assertThrows(StoreUnavailableException.class, () -> s.enrolmentKeys().remove("abcd"));
    }

    @Test
    void databaseShutDownUnderneathIsStoreUnavailable() throws Exception {
        try (DerbyStore s = new DerbyStore(dir.resolve("db"))) {
            s.createPool(Pool.of("demo", "10.64.0.0/16", 3600));
            assertEquals(1, s.pools().size()); // leaves a pooled read connection behind
            // Someone shuts the database down behind the store's back: pooled connections die.
            try {
                java.sql.DriverManager.getConnection("jdbc:derby:" + s.directory() + ";shutdown=true").close();
            } catch (SQLException expected) {
                assertEquals("08006", expected.getSQLState());
            }
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> s.pools());
            assertTrue(e.getMessage().contains("derby store"), e.getMessage());
            // The next call reconnects (Derby reboots the database on a new connection).
            assertEquals(1, s.pools().size());
            // The writer's connection died too; nothing was pending on it, so the write runs on a new one.
            Lease l = new Lease("demo", DeviceId.of("d"), Cidr.parseLiteral("10.64.0.2"), LeaseState.LOCKED, 1, T, "n1");
            assertEquals(BindResult.Outcome.BOUND, s.tryBind(l).outcome());
            assertEquals(List.of(l), s.leases("demo"));
        }
    }

    @Test
    void unopenableDirectoryIsStoreUnavailable() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        boolean strayBefore = Files.exists(Path.of("null"));
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> new DerbyStore(file.resolve("db")));
        assertTrue(e.getMessage().contains(file + " exists and is not a folder"), e.getMessage());
        assertEquals(strayBefore, Files.exists(Path.of("null")), "Derby left no database named null in the working directory");
    }

    @Test
    void bindInUnknownPoolIsRefused() {
        try (DerbyStore s = new DerbyStore(dir.resolve("db"))) {
            assertThrows(IllegalArgumentException.class,
                    () -> s.tryBind(new Lease("nope", DeviceId.of("d"), Cidr.parseLiteral("10.64.0.2"), LeaseState.LOCKED, 1, T, "n1")));
            assertEquals(List.of(), s.leases("nope"));
        }
    }

    @Test
    void addressEncodingIsFixedWidthHex() {
        assertEquals("0a400002", AddressHex.encode(Cidr.parseLiteral("10.64.0.2")));
        assertEquals("fd000064000000000000000000000002", AddressHex.encode(Cidr.parseLiteral("fd00:64::2")));
        assertEquals(Cidr.parseLiteral("fd00:64::2"), AddressHex.decode("fd000064000000000000000000000002"));
    }

    @Test
    void manyConcurrentBindsOnDistinctAddressesAllLand() throws Exception {
        try (DerbyStore s = new DerbyStore(dir.resolve("db"))) {
            Pool pool = Pool.of("big", "10.80.0.0/16", 3600);
            s.createPool(pool);
            int threads = 8;
            int each = 50;
            Thread[] workers = new Thread[threads];
            java.util.concurrent.ConcurrentLinkedQueue<Throwable> errors = new java.util.concurrent.ConcurrentLinkedQueue<>();
            for (int t = 0; t < threads; t++) {
                int base = t * each;
                workers[t] = new Thread(() -> {
                    try {
                        for (int k = 0; k < each; k++) {
                            BindResult r = s.tryBind(new Lease("big", DeviceId.of("d" + (base + k)),
                                    pool.prefix().addressAt(2 + base + k), LeaseState.LOCKED, 1, T, "n1"));
                            assertEquals(BindResult.Outcome.BOUND, r.outcome());
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                workers[t].start();
            }
            for (Thread w : workers) {
                w.join(60_000);
            }
            assertEquals(List.of(), List.copyOf(errors));
            assertEquals(threads * each, s.leases("big").size());
        }
    }

    @Test
    void commitStatsOnlyWithGroupCommit() {
        try (DerbyStore off = new DerbyStore(dir.resolve("off"), false)) {
            assertFalse(off.groupCommit());
            assertEquals(Optional.empty(), off.commitStats());
        }
        try (DerbyStore on = new DerbyStore(dir.resolve("on"), true)) {
            on.createPool(Pool.of("demo", "10.64.0.0/16", 3600));
            DerbyStore.CommitStats stats = on.commitStats().orElseThrow();
            assertEquals(1, stats.commits());
            assertEquals(1, stats.writes());
            assertEquals(1.0, stats.meanBatch());
        }
    }
}
