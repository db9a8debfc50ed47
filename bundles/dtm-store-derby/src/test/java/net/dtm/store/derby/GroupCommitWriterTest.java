package net.dtm.store.derby;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.spi.store.StoreUnavailableException;

/** The writer on its own, over a table of integers in an in-memory Derby database. */
class GroupCommitWriterTest {

    private static final String URL = "jdbc:derby:memory:group-commit-writer-test";

    private final String url = URL;
    private GroupCommitWriter writer;
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Integer> batchSizes = new ArrayList<>();

    @BeforeAll
    static void createDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(URL + ";create=true"); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE t (k INT NOT NULL PRIMARY KEY)");
        }
    }

    @AfterAll
    static void dropDatabase() {
        try {
            DriverManager.getConnection(URL + ";drop=true");
        } catch (SQLException expected) {
            // 08006: dropped
        }
    }

    @BeforeEach
    void open() throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM t");
        }
        GroupCommitWriter.Hooks hooks = new GroupCommitWriter.Hooks() {
            private boolean first = true;

            @Override
            public void batchStarting() throws InterruptedException {
                if (first) {
                    first = false;
                    holding.countDown();
                    release.await(30, TimeUnit.SECONDS);
                }
            }

            @Override
            public void beforeCommit(Connection c, int batchSize) {
                batchSizes.add(batchSize);
            }
        };
        writer = new GroupCommitWriter("test writer", () -> {
            Connection c = DriverManager.getConnection(url);
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            return c;
        }, 256, 3, hooks);
    }

    @AfterEach
    void close() {
        release.countDown();
        writer.close();
        callers.shutdownNow();
    }

    private static SqlWork<Integer> insert(int... keys) {
        return c -> {
            try (Statement s = c.createStatement()) {
                for (int k : keys) {
                    s.executeUpdate("INSERT INTO t (k) VALUES (" + k + ")");
                }
            }
            return keys.length;
        };
    }

    private List<Integer> keys() throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT k FROM t ORDER BY k")) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }

    private Future<Integer> queue(SqlWork<Integer> work) {
        int before = writer.pending();
        Future<Integer> f = callers.submit(() -> writer.submit("insert", work));
        await().atMost(Duration.ofSeconds(30)).until(() -> writer.pending() == before + 1);
        return f;
    }

    @Test
    void aWriteFailingAfterItsFirstStatementIsRolledBackWhole() throws Exception {
        Future<Integer> first = callers.submit(() -> writer.submit("insert 1", insert(1)));
        assertTrue(holding.await(30, TimeUnit.SECONDS));
        Future<Integer> partial = queue(insert(2, 1)); // 2 goes in, then 1 is a duplicate
        Future<Integer> plainDuplicate = queue(insert(1));
        Future<Integer> refused = queue(c -> {
            insert(4).apply(c);
            throw new IllegalArgumentException("refused after writing 4");
        });
        Future<Integer> last = queue(insert(3));
        release.countDown();

        assertEquals(1, first.get(30, TimeUnit.SECONDS));
        ExecutionException e = assertThrows(ExecutionException.class, () -> partial.get(30, TimeUnit.SECONDS));
        assertInstanceOf(StoreUnavailableException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("23505"), e.getCause().getMessage());
        assertThrows(ExecutionException.class, () -> plainDuplicate.get(30, TimeUnit.SECONDS));
        ExecutionException r = assertThrows(ExecutionException.class, () -> refused.get(30, TimeUnit.SECONDS));
        assertInstanceOf(IllegalArgumentException.class, r.getCause());
        assertEquals(1, last.get(30, TimeUnit.SECONDS));
        assertEquals(List.of(5), batchSizes, "one batch");
        assertEquals(List.of(1, 3), keys(), "2 and 4 went with their failed writes; 1 and 3 are committed");
    }

    @Test
    void aBatchBoundOfZeroIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GroupCommitWriter("w", () -> null, 0, 1, GroupCommitWriter.NONE));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    }

    @Test
    void writesAfterCloseAreRefused() {
        release.countDown();
        assertEquals(1, writer.submit("insert 7", insert(7)));
        writer.close();
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> writer.submit("insert 8", insert(8)));
        assertEquals("test writer is closed; cannot insert 8", e.getMessage());
    }
}
