package net.dtm.store.derby;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
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
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.spi.store.StoreUnavailableException;

/** The writer on its own, over a table of integers in an in-memory Derby database. */
class GroupCommitWriterTest {

    private static final MemoryDatabase DB = new MemoryDatabase("group-commit-writer-test");

    private GroupCommitWriter writer;
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Integer> batchSizes = new ArrayList<>();

    @BeforeAll
    static void createDatabase() throws SQLException {
        // unkeyed: a write stored twice shows as two rows
        DB.create("CREATE TABLE t (k INT NOT NULL PRIMARY KEY)", "CREATE TABLE unkeyed (k INT NOT NULL)");
    }

    @AfterAll
    static void dropDatabase() {
        DB.drop();
    }

    @BeforeEach
    void open() throws SQLException {
        DB.empty("t", "unkeyed");
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
        writer = new GroupCommitWriter("test writer", DB::writerConnection, 256, 3, hooks);
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
        return DB.rows("t");
    }

    private Future<Integer> queue(SqlWork<Integer> work) {
        int before = writer.pending();
        Future<Integer> f = callers.submit(() -> writer.submit("insert", work));
        await().atMost(Duration.ofSeconds(30)).until(() -> writer.pending() == before + 1);
        return f;
    }

    /** One statement inserting {@code keys} into {@code table}, as a one-statement write must be. */
    private static SqlWork<Integer> insertOne(String table, int... keys) {
        StringBuilder sql = new StringBuilder("INSERT INTO " + table + " (k) VALUES ");
        for (int i = 0; i < keys.length; i++) {
            sql.append(i == 0 ? "" : ", ").append('(').append(keys[i]).append(')');
        }
        return c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate(sql.toString());
            }
        };
    }

    private Future<Integer> queueOneStatement(SqlWork<Integer> work) {
        int before = writer.pending();
        Future<Integer> f = callers.submit(() -> writer.submitOneStatement("insert one", work));
        await().atMost(Duration.ofSeconds(30)).until(() -> writer.pending() == before + 1);
        return f;
    }

    private List<Integer> rows(String table) throws SQLException {
        return DB.rows(table);
    }

    private static StoreUnavailableException unavailable(Future<Integer> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        return assertInstanceOf(StoreUnavailableException.class, e.getCause());
    }

    @Test
    void aOneStatementWriteFailingOnADuplicateFailsAloneWithoutASavepoint() throws Exception {
        Future<Integer> first = callers.submit(() -> writer.submit("insert 1", insert(1)));
        assertTrue(holding.await(30, TimeUnit.SECONDS));
        Future<Integer> oneBefore = queueOneStatement(insertOne("t", 2));
        Future<Integer> duplicate = queueOneStatement(insertOne("t", 6, 1)); // 6 goes in, then 1 is a duplicate
        Future<Integer> normal = queue(insert(3, 4));
        Future<Integer> oneAfter = queueOneStatement(insertOne("t", 5));
        release.countDown();

        assertEquals(1, first.get(30, TimeUnit.SECONDS));
        assertEquals(1, oneBefore.get(30, TimeUnit.SECONDS));
        StoreUnavailableException failed = unavailable(duplicate);
        assertTrue(failed.getMessage().contains("23505"), failed.getMessage());
        assertEquals(2, normal.get(30, TimeUnit.SECONDS));
        assertEquals(1, oneAfter.get(30, TimeUnit.SECONDS));
        assertEquals(List.of(5), batchSizes, "one batch");
        assertEquals(List.of(1, 2, 3, 4, 5), keys(),
                "Derby undid the failed statement whole (6 is gone) and nothing else of the batch");
        assertEquals(5, writer.writes());
    }

    @Test
    void aOneStatementWriteEndingTheTransactionFailsTheWholeBatch() throws Exception {
        Future<Integer> first = callers.submit(() -> writer.submit("insert 1", insert(1)));
        assertTrue(holding.await(30, TimeUnit.SECONDS));
        Future<Integer> normal = queue(insert(2));
        Future<Integer> oneBefore = queueOneStatement(insertOne("t", 3));
        Future<Integer> broken = queueOneStatement(c -> {
            throw new SQLException("simulated", "XSDG1"); // not at statement severity: the transaction is gone
        });
        Future<Integer> after = queue(insert(4));
        release.countDown();

        for (Future<Integer> f : List.of(first, normal, oneBefore, broken, after)) {
            StoreUnavailableException e = unavailable(f);
            assertTrue(e.getMessage().contains("XSDG1"), e.getMessage());
            assertTrue(e.getMessage().contains("nothing of"), e.getMessage());
        }
        assertEquals(List.of(), batchSizes, "the batch never reached its commit");
        assertEquals(List.of(), keys(), "rolled back: nothing of the batch is stored");
        assertEquals(0, writer.writes());

        assertEquals(1, writer.submitOneStatement("insert 7", insertOne("t", 7)), "the writer goes on");
        assertEquals(List.of(7), keys());
    }

    @Test
    void aOneStatementWriteHittingALockTimeoutReRunsTheBatchOnce() throws Exception {
        AtomicInteger flakyRuns = new AtomicInteger();
        Future<Integer> first = callers.submit(() -> writer.submit("insert 1", insertOne("unkeyed", 1)));
        assertTrue(holding.await(30, TimeUnit.SECONDS));
        Future<Integer> normal = queue(insertOne("unkeyed", 2));
        Future<Integer> oneBefore = queueOneStatement(insertOne("unkeyed", 3));
        Future<Integer> flaky = queueOneStatement(c -> {
            if (flakyRuns.getAndIncrement() == 0) {
                throw new SQLException("simulated", "40XL1"); // Derby rolled the transaction back
            }
            return insertOne("unkeyed", 4).apply(c);
        });
        Future<Integer> oneAfter = queueOneStatement(insertOne("unkeyed", 5));
        release.countDown();

        for (Future<Integer> f : List.of(first, normal, oneBefore, flaky, oneAfter)) {
            assertEquals(1, f.get(30, TimeUnit.SECONDS));
        }
        assertEquals(2, flakyRuns.get(), "the batch ran twice");
        assertEquals(List.of(5), batchSizes, "committed once, as one batch");
        assertEquals(List.of(1, 2, 3, 4, 5), rows("unkeyed"), "every write stored exactly once");
        assertEquals(1, writer.batches());
        assertEquals(5, writer.writes());
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
