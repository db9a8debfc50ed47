package net.dtm.store.derby;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.metrics.Metric;
import net.dtm.spi.store.BindResult;

/**
 * Online backup of a live Derby store under writes, and the two restores docs/operations.md
 * describes: put the copy where the database was, or boot a new database with {@code restoreFrom}.
 */
class DerbyBackupTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    /** Writers keep enrolling devices and binding leases while the backup runs. */
    @Test
    void aBackupUnderWritesRestoresEveryLeaseAndDeviceWrittenBeforeIt() throws Exception {
        Map<DeviceId, Lease> acknowledged = new ConcurrentHashMap<>();
        Map<DeviceId, DeviceCredential> devices = new ConcurrentHashMap<>();
        Map<DeviceId, Lease> beforeBackup;
        Path copy;
        try (DerbyStore store = new DerbyStore(dir.resolve("live/dtm"))) {
            store.createPool(Pool.of("p", "10.64.0.0/16", 3600));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger next = new AtomicInteger();
            ExecutorService writers = Executors.newFixedThreadPool(4);
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                running.add(writers.submit(() -> {
                    while (!stop.get()) {
                        int i = next.incrementAndGet();
                        DeviceId id = DeviceId.of("r" + i);
                        DeviceCredential c = new DeviceCredential(id, key(i), T0);
                        assertTrue(store.add(c));
                        devices.put(id, c);
                        Lease l = new Lease("p", id, address(i), i % 3 == 0 ? LeaseState.LOCKED : LeaseState.BOUND, 1,
                                T0.plusSeconds(i), "n1");
                        assertEquals(BindResult.Outcome.BOUND, store.tryBind(l).outcome());
                        acknowledged.put(id, l);
                    }
                    return null;
                }));
            }
            org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> acknowledged.size() >= 300);
            beforeBackup = Map.copyOf(acknowledged);
            copy = store.backup(dir.resolve("backups/monday"));
            stop.set(true);
            for (Future<?> f : running) {
                f.get(30, TimeUnit.SECONDS);
            }
            writers.shutdown();
            assertEquals(dir.resolve("backups/monday/dtm"), copy);
            assertFalse(Files.getPosixFilePermissions(copy).contains(PosixFilePermission.OTHERS_READ),
                    "the copy holds device keys: owner only");
            List<String> commits = store.commitMetrics().metrics().stream().map(Metric::name).toList();
            assertEquals(List.of("dtm_store_commit_seconds", "dtm_store_commit_batch_size"), commits);
            assertTrue(store.commitMetrics().metrics().get(0).samples().get(0).value() > 0, "commits were recorded");
        }

        // Restore 1: the copy put where a database is (here a new path) and opened.
        Path restored = dir.resolve("restored/dtm");
        Files.createDirectories(restored.getParent());
        copyTree(copy, restored);
        try (DerbyStore back = new DerbyStore(restored)) {
            assertRestored(back, beforeBackup, acknowledged, devices);
        }

        // Restore 2: Derby's restoreFrom into yet another path, then opened as a store.
        Path viaRestoreFrom = dir.resolve("restoreFrom/dtm");
        Files.createDirectories(viaRestoreFrom.getParent());
        DriverManager.getConnection("jdbc:derby:" + viaRestoreFrom + ";restoreFrom=" + copy).close();
        shutdown(viaRestoreFrom);
        try (DerbyStore back = new DerbyStore(viaRestoreFrom)) {
            assertRestored(back, beforeBackup, acknowledged, devices);
        }
    }

    private static void assertRestored(DerbyStore back, Map<DeviceId, Lease> beforeBackup, Map<DeviceId, Lease> acknowledged,
                                       Map<DeviceId, DeviceCredential> devices) {
        for (Lease l : beforeBackup.values()) {
            assertEquals(Optional.of(l), back.findByDevice("p", l.device()), "lease written before the backup");
            assertEquals(Optional.of(devices.get(l.device())), back.find(l.device()), "device with its key");
        }
        List<Lease> all = back.leases("p");
        assertTrue(all.size() >= beforeBackup.size());
        for (Lease l : all) {
            assertEquals(acknowledged.get(l.device()), l, "a restored lease is one that was written, whole");
        }
        assertEquals(List.of(Pool.of("p", "10.64.0.0/16", 3600)), back.pools());
    }

    @Test
    void aFolderHoldingABackupOrAFileIsRefusedAndNothingIsWritten() throws Exception {
        try (DerbyStore store = new DerbyStore(dir.resolve("live/dtm"))) {
            store.createPool(Pool.of("p", "10.64.0.0/24", 3600));
            store.backup(dir.resolve("b"));
            long files = countFiles(dir.resolve("b"));
            IllegalArgumentException again = assertThrows(IllegalArgumentException.class, () -> store.backup(dir.resolve("b")));
            assertTrue(again.getMessage().contains("already holds a backup"), again.getMessage());
            assertEquals(files, countFiles(dir.resolve("b")));
            Files.writeString(dir.resolve("f"), "x");
            IllegalArgumentException file = assertThrows(IllegalArgumentException.class, () -> store.backup(dir.resolve("f")));
            assertTrue(file.getMessage().contains("is a file"), file.getMessage());
            assertThrows(IllegalArgumentException.class, () -> store.backup(dir.resolve("live/dtm/inside")));
        }
    }

    /** The component registered beside the Derby store offers its backup and commit figures, and only its. */
    @Test
    void theOperationsComponentBacksTheDerbyStoreUpAndReportsItsCommits() {
        try (DerbyStore store = new DerbyStore(dir.resolve("live/dtm"))) {
            DerbyOperations c = new DerbyOperations(store);
            store.createPool(Pool.of("p", "10.64.0.0/24", 3600));
            assertEquals(dir.resolve("b/dtm"), c.backup(dir.resolve("b")));
            assertTrue(Files.isDirectory(dir.resolve("b/dtm")));
            assertEquals(List.of("dtm_store_commit_seconds", "dtm_store_commit_batch_size"),
                    c.metrics().stream().map(Metric::name).toList());
            assertEquals(Map.of("store", "derby"), c.metrics().get(1).samples().get(0).labels());
        }
    }

    private static byte[] key(int i) {
        byte[] k = new byte[DeviceCredential.KEY_LENGTH];
        k[0] = (byte) i;
        k[1] = (byte) (i >> 8);
        k[31] = 7;
        return k;
    }

    private static InetAddress address(int i) {
        try {
            return InetAddress.getByAddress(new byte[] {10, 64, (byte) (i >> 8), (byte) i});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    private static long countFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.count();
        }
    }

    private static void shutdown(Path database) {
        try {
            DriverManager.getConnection("jdbc:derby:" + database + ";shutdown=true").close();
        } catch (SQLException expected) {
            // Derby reports a clean shutdown of one database as 08006
            assertEquals("08006", expected.getSQLState(), expected.getMessage());
        }
    }
}
