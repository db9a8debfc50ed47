package net.dtm.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.store.derby.DerbyStore;

/**
 * A standalone node whose Derby store hangs rather than dies: Derby frozen
 * ({@code SYSCS_FREEZE_DATABASE}: every write to its disk waits, as on a stuck disk). Renewals of
 * known leases are answered from memory within the commit bound, new devices are refused within
 * it (also when they ask without holding a thread: {@link PoolManager#allocateAsync}), and
 * everything is served from the store again once the database thaws.
 */
class HungStoreTest {

    private static final Duration BOUND = Duration.ofMillis(400);
    private static final long SLACK_MS = 2000;

    @TempDir
    Path dir;
    private DerbyStore store;
    private PoolManager pm;
    private Connection admin;
    private boolean frozen;

    @BeforeEach
    void open() throws SQLException {
        Path db = dir.resolve("db");
        store = new DerbyStore(db);
        store.commitWait(BOUND);
        // a standalone node, every renewal writes
        pm = new PoolManager(store, "node-s", Clock.systemUTC(), new PoolSettings(Duration.ofSeconds(30), 1.0,
                Duration.ofMinutes(10), new int[0], Duration.ZERO), new TestCluster("node-s", "standalone"));
        admin = DriverManager.getConnection("jdbc:derby:" + db.toAbsolutePath());
    }

    @AfterEach
    void close() throws SQLException {
        if (frozen) {
            thaw();
        }
        admin.close();
        store.close();
    }

    private void freeze() throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("CALL SYSCS_UTIL.SYSCS_FREEZE_DATABASE()");
        }
        frozen = true;
    }

    private void thaw() throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("CALL SYSCS_UTIL.SYSCS_UNFREEZE_DATABASE()");
        }
        frozen = false;
    }

    private static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // an unbounded wait hangs here for good
    void aHungStoreTurnsIntoDegradedRenewalsWithinTheBoundAndRecovers() throws Exception {
        pm.createPool(Pool.of("p", "10.5.0.0/24", 3600));
        Lease offered = pm.allocate("p", PoolManagerTestBase.dev("known"));
        Lease bound = pm.confirm("p", offered.device(), offered.address(), offered.sequence());
        freeze();

        long t0 = System.nanoTime();
        Lease answered = pm.renew("p", bound.device(), bound.address(), bound.sequence());
        long renewMs = millisSince(t0);
        assertTrue(renewMs < BOUND.toMillis() + SLACK_MS, "renewal answered in " + renewMs + " ms");
        assertEquals(1, pm.renewedDegraded(), "answered from memory");
        assertEquals(bound.address(), answered.address());
        assertTrue(!answered.expiresAt().isAfter(bound.expiresAt()), "not extended: " + answered.expiresAt());

        t0 = System.nanoTime();
        Lease again = pm.renew("p", bound.device(), answered.address(), answered.sequence());
        assertTrue(millisSince(t0) < BOUND.toMillis() + SLACK_MS, "second renewal (its row locked by the stalled write)"
                + " answered in " + millisSince(t0) + " ms");
        assertEquals(2, pm.renewedDegraded());
        assertEquals(answered.expiresAt(), again.expiresAt());

        t0 = System.nanoTime();
        DtmException refused = assertThrows(DtmException.class, () -> pm.allocate("p", PoolManagerTestBase.dev("new")));
        assertEquals(Reason.STORE_UNAVAILABLE, refused.reason());
        assertTrue(millisSince(t0) < BOUND.toMillis() + SLACK_MS, "refused in " + millisSince(t0) + " ms");

        thaw();
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            Lease l = pm.renew("p", bound.device(), answered.address(), answered.sequence());
            return l.expiresAt().isAfter(bound.expiresAt()) || l.sequence() > bound.sequence();
        });
        assertEquals(2, pm.renewedDegraded(), "served from the store again");
        Lease fresh = pm.allocate("p", PoolManagerTestBase.dev("new"));
        assertEquals("p", fresh.pool());
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aNewDeviceAskingWithoutAThreadIsRefusedWithinTheBoundAndServedOnceTheStoreThaws() throws Exception {
        pm.createPool(Pool.of("p", "10.5.0.0/24", 3600));
        pm.allocate("p", PoolManagerTestBase.dev("warm")); // the pool's free index loaded
        freeze();

        long t0 = System.nanoTime();
        CompletableFuture<Lease> asked = pm.allocateAsync("p", PoolManagerTestBase.dev("new"), TunnelType.VXLAN, null, 1);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> asked.get(30, TimeUnit.SECONDS));
        long refusedMs = millisSince(t0);
        DtmException refused = assertInstanceOf(DtmException.class, failed.getCause());
        assertEquals(Reason.STORE_UNAVAILABLE, refused.reason());
        assertTrue(refusedMs < BOUND.toMillis() + SLACK_MS, "refused in " + refusedMs + " ms");

        thaw();
        Lease served = Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(
                () -> pm.allocateAsync("p", PoolManagerTestBase.dev("new"), TunnelType.VXLAN, null, 2).get(30, TimeUnit.SECONDS),
                l -> l != null);
        assertEquals("p", served.pool());
        assertEquals(1, store.leases("p").stream().filter(l -> l.device().equals(served.device())).count(),
                "one binding, whether or not the write of the hang landed late");
    }
}
