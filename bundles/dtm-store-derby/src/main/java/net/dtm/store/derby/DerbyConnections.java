package net.dtm.store.derby;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.store.StoreCommitMetrics;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * One Derby database and the ways to run statements on it: a small pool of read connections in
 * auto-commit mode at read committed; writes through a {@link GroupCommitWriter} (concurrent
 * writes share one commit) or, with group commit off, each in a transaction of its own on a
 * pooled connection; prepared statements cached per connection. Lock timeouts and deadlocks are
 * retried a few times; anything else from the database becomes {@link StoreUnavailableException}
 * naming the operation. Opening creates the database if needed and creates or migrates the schema
 * ({@link DerbySchema}). Safe for many threads.
 */
final class DerbyConnections {

    private static final Logger LOG = LoggerFactory.getLogger(DerbyStore.class);

    /** Idle read connections kept: as many as a node's request threads (64 by default) may read at once. */
    private static final int MAX_IDLE = 64;
    /** How often an operation is tried when it deadlocks or times out on a lock. */
    static final int ATTEMPTS = 5;

    /** One lock per database folder: its openings in this JVM take turns. */
    private static final java.util.concurrent.ConcurrentMap<Path, Object> OPENING = new java.util.concurrent.ConcurrentHashMap<>();

    private final Path directory;
    private final EmbeddedDataSource dataSource;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private final GroupCommitWriter writer; // null: group commit off
    private final StatementCache statements = new StatementCache();
    private final StoreCommitMetrics metrics = new StoreCommitMetrics(DerbyStoreComponent.TYPE);
    private boolean closed;

    /**
     * Opens (creating if needed) the database in {@code directory}, creating or migrating the
     * schema; {@code groupCommit} false makes every write its own synced transaction.
     *
     * @throws StoreUnavailableException if the database cannot be opened
     */
    DerbyConnections(Path directory, boolean groupCommit, int maxBatch, GroupCommitWriter.Hooks hooks) {
        this(directory, groupCommit, maxBatch, hooks, DerbyEncryption.NONE);
    }

    /**
     * As above, with encryption at rest: the database boots with {@code encryption}'s attributes
     * (and an unencrypted one is encrypted by Derby as it boots). Derby's files are kept readable
     * by the owner only: folders created 0700, files 0600 (see {@link #restrictFilePermissions}).
     */
    DerbyConnections(Path directory, boolean groupCommit, int maxBatch, GroupCommitWriter.Hooks hooks,
                     DerbyEncryption encryption) {
        this.directory = directory.toAbsolutePath().normalize();
        this.dataSource = new EmbeddedDataSource();
        dataSource.setDatabaseName(this.directory.toString());
        dataSource.setCreateDatabase("create");
        if (encryption.enabled()) {
            if (Files.isDirectory(this.directory) && !DerbyEncryption.isEncrypted(this.directory)) {
                LOG.warn("derby database {} is not encrypted: Derby encrypts it now under {} (this rewrites the whole"
                        + " database and needs free space about its size)", this.directory, encryption.keyFile());
            }
            dataSource.setConnectionAttributes(encryption.connectionAttributes());
        }
        // Only this JVM can boot the database (Derby's db.lck), and in it one opening at a time: two
        // openers' schema statements deadlocked on Derby's catalogs (caught after Derby's 20 s
        // deadlock timeout), and one's permission walk met the other's db.lck as it was replaced
        synchronized (OPENING.computeIfAbsent(this.directory, d -> new Object())) {
            restrictFilePermissions(this.directory);
            try (Connection c = dataSource.getConnection()) {
                DerbySchema.createOrMigrate(c, this.directory.toString());
                setStorageProperties(c);
            } catch (SQLException e) {
                throw new StoreUnavailableException("cannot open Derby database " + this.directory + ": " + messages(e), e);
            }
        }
        this.writer = groupCommit
                ? new GroupCommitWriter("derby store " + this.directory, this::openWriterConnection, maxBatch, ATTEMPTS, hooks,
                        metrics)
                : null;
        if (writer != null) {
            commitWait(GroupCommitWriter.DEFAULT_COMMIT_WAIT);
        }
        LOG.info("lease store opened: derby database {} (group commit {})", this.directory, groupCommit ? "on" : "off");
    }

    /** Derby's property that, set to false, makes every file and folder it creates accessible to its owner only. */
    static final String FILE_PERMISSIONS_PROPERTY = "derby.storage.useDefaultFilePermissions";

    /**
     * Keeps the database readable by the owner only. Derby restricts the files it creates to the
     * owner when {@value #FILE_PERMISSIONS_PROPERTY} is false (embedded, its default is true: the
     * umask decides); it is set so unless the JVM was started with it. Missing parent folders are
     * created 0700, and group and other permissions are taken off an existing database's folders
     * and files (each change logged). Checked here also because Derby, when it cannot create the
     * directory, leaves a database named "null" in the working directory behind.
     */
    private static void restrictFilePermissions(Path directory) {
        String configured = System.getProperty(FILE_PERMISSIONS_PROPERTY);
        if (configured == null) {
            System.setProperty(FILE_PERMISSIONS_PROPERTY, "false");
        } else if (Boolean.parseBoolean(configured.trim())) {
            LOG.warn("derby store: the JVM sets {}=true, so new Derby files follow the umask, not owner-only",
                    FILE_PERMISSIONS_PROPERTY);
        }
        try {
            if (directory.getParent() != null) {
                OwnerOnlyFiles.createFolders(directory.getParent());
            }
            OwnerOnlyFiles.restrictTreeLogged(directory, "derby database");
        } catch (IOException | RuntimeException e) {
            throw new StoreUnavailableException("cannot create the directory of Derby database " + directory
                    + " or restrict its permissions: " + e, e);
        }
    }

    /** The message of {@code e} and of the exceptions chained to it (Derby says why a boot failed in the next one). */
    static String messages(SQLException e) {
        StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
        java.util.Set<Throwable> seen = new java.util.HashSet<>();
        seen.add(e);
        for (Throwable t = e.getNextException() != null ? e.getNextException() : e.getCause();
                t != null && seen.add(t);
                t = t instanceof SQLException s && s.getNextException() != null ? s.getNextException() : t.getCause()) {
            b.append(": ").append(t.getMessage());
        }
        return b.toString();
    }

    /**
     * Database-wide Derby properties set on every open. Derby's defaults start a new 1 MB log file
     * and take a checkpoint (every dirty page written and synced) every 10 MB of log; a new lease
     * logs about 1 KB, so at 5,000 leases/s that was five log switches a second and a checkpoint
     * every two. With 16 MB log files and a checkpoint every 32 MB the steady rate of the
     * new-lease benchmark rose from about 4,200 to 5,500/s (128 MB: 6,100/s). The price is
     * recovery after a crash, which replays the log since the last checkpoint: 32 MB at most, a
     * few seconds (benchmarks/KEA.md; 144 MB took 19.8 s, which is why not 128 MB). Both are
     * dynamic, and a JVM system property of the same name still wins over them.
     */
    static final Map<String, String> STORAGE_PROPERTIES = Map.of(
            "derby.storage.logSwitchInterval", Integer.toString(16 << 20),
            "derby.storage.checkpointInterval", Integer.toString(32 << 20));

    private static void setStorageProperties(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY(?, ?)")) {
            for (Map.Entry<String, String> p : STORAGE_PROPERTIES.entrySet()) {
                ps.setString(1, p.getKey());
                ps.setString(2, p.getValue());
                ps.execute();
            }
        }
    }

    /** The database directory. */
    Path directory() {
        return directory;
    }

    /** Every commit's time and batch size (one write a commit with group commit off). */
    StoreCommitMetrics metrics() {
        return metrics;
    }

    /** The group-commit writer, or null when group commit is off. */
    GroupCommitWriter writer() {
        return writer;
    }

    private Connection openWriterConnection() throws SQLException {
        Connection c = dataSource.getConnection();
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        return c;
    }

    /** The statement for {@code sql} on {@code c}, prepared once per connection (see {@link StatementCache}). */
    PreparedStatement statement(Connection c, String sql) throws SQLException {
        return statements.get(c, sql);
    }

    @FunctionalInterface
    interface Parameters {
        void set(PreparedStatement ps) throws SQLException;
    }

    /** Writes one INSERT; false if it hit a primary key or unique constraint (the row exists). */
    boolean insertUnlessDuplicate(String what, String sql, Parameters parameters) {
        return write(what, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                parameters.set(ps);
                ps.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (isDuplicate(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    /**
     * Runs the statements of a write in one transaction and returns once it is committed: through
     * the group-commit writer, or (group commit off) in a transaction of its own on a pooled
     * connection.
     */
    <T> T write(String what, SqlWork<T> work) {
        if (writer != null) {
            return writer.submit(what, work);
        }
        return writeAlone(what, work);
    }

    /**
     * As {@link #write}, for a write that changes the database with at most one statement and
     * throws nothing after that statement succeeded (see {@link GroupCommitWriter#submitOneStatement}).
     */
    <T> T writeOneStatement(String what, SqlWork<T> work) {
        if (writer != null) {
            return writer.submitOneStatement(what, work);
        }
        return writeAlone(what, work);
    }

    /** As {@link #writeOneStatement}, completing its future once committed instead of waiting. */
    <T> CompletableFuture<T> writeOneStatementAsync(String what, SqlWork<T> work) {
        if (writer != null) {
            return writer.submitOneStatementAsync(what, work);
        }
        try {
            return CompletableFuture.completedFuture(writeAlone(what, work));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A write in a transaction of its own on a pooled connection (group commit off). */
    private <T> T writeAlone(String what, SqlWork<T> work) {
        return run(what, c -> {
            List<ExpiryIndex.Pending> changes = new ArrayList<>(1);
            try {
                c.setAutoCommit(false);
                T result;
                try (ExpiryIndex.Recording recording = ExpiryIndex.record(changes)) {
                    result = work.apply(c);
                }
                long started = System.nanoTime();
                c.commit();
                metrics.commit(System.nanoTime() - started, 1);
                ExpiryIndex.applyAll(changes);
                c.setAutoCommit(true);
                return result;
            } finally {
                ExpiryIndex.skipAll(changes); // not committed (applied ones are gone from the list)
            }
        });
    }

    /** Derby's lock wait (seconds): a statement waiting longer for a row lock fails with 40XL1. */
    static final String LOCK_WAIT_PROPERTY = "derby.locks.waitTimeout";

    /**
     * Bounds every wait for a commit (group commit on): the writer's callers, and Derby's lock wait
     * ({@value #LOCK_WAIT_PROPERTY}, whole seconds, at least 1), since a read of a row a stalled
     * commit holds waits for that commit.
     */
    void commitWait(Duration bound) {
        writer.commitWait(bound);
        long seconds = Math.max(1, (bound.toMillis() + 999) / 1000);
        run("set " + LOCK_WAIT_PROPERTY, c -> {
            try (PreparedStatement ps = c.prepareStatement("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY(?, ?)")) {
                ps.setString(1, LOCK_WAIT_PROPERTY);
                ps.setString(2, Long.toString(seconds));
                ps.execute();
            }
            return null;
        });
    }

    /**
     * Runs {@code work} on a pooled connection in auto-commit mode, retrying lock timeouts and
     * deadlocks; anything else from the database becomes {@link StoreUnavailableException}. While
     * the writer is stalled (a commit overdue) nothing runs, and a lock timeout is not retried: the
     * store is unavailable until that commit ends.
     */
    <T> T run(String what, SqlWork<T> work) {
        SQLException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (writer != null && writer.stalled()) {
                throw new StoreUnavailableException("derby store " + directory + " is stalled (a commit is overdue); cannot "
                        + what, last);
            }
            Connection c = borrow(what);
            boolean reusable = false;
            try {
                T result = work.apply(c);
                reusable = c.getAutoCommit() || resetAutoCommit(c);
                return result;
            } catch (SQLException e) {
                last = e;
                reusable = !isConnectionLost(e) && resetAutoCommit(c);
                if (!isRetryable(e) || (writer != null && writer.stalled())) {
                    break;
                }
                LOG.debug("derby store: retrying '{}' after {} ({})", what, e.getSQLState(), e.getMessage());
            } catch (RuntimeException e) {
                reusable = resetAutoCommit(c);
                throw e;
            } finally {
                giveBack(c, reusable);
            }
        }
        throw new StoreUnavailableException("derby store " + directory + " failed to " + what + ": "
                + (last == null ? "" : last.getSQLState() + " " + last.getMessage()), last);
    }

    private static boolean resetAutoCommit(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private Connection borrow(String what) {
        synchronized (idle) {
            if (closed) {
                throw new StoreUnavailableException("derby store " + directory + " is closed; cannot " + what, null);
            }
            Connection c = idle.pollFirst();
            if (c != null) {
                return c;
            }
        }
        try {
            Connection c = dataSource.getConnection();
            c.setAutoCommit(true);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            return c;
        } catch (SQLException e) {
            throw new StoreUnavailableException("derby store " + directory + " unreachable; cannot " + what
                    + ": " + e.getMessage(), e);
        }
    }

    private void giveBack(Connection c, boolean reusable) {
        synchronized (idle) {
            if (reusable && !closed && idle.size() < MAX_IDLE) {
                idle.addFirst(c);
                return;
            }
        }
        closeQuietly(c);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("derby store: closing a connection failed: {}", e.getMessage());
        }
    }

    static boolean isDuplicate(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /** Deadlock (40001) or lock wait timeout (40XL1, 40XL2): the transaction was rolled back. */
    static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40XL1".equals(state) || "40XL2".equals(state);
    }

    static boolean isConnectionLost(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLNonTransientConnectionException || e instanceof SQLTransientConnectionException
                || (state != null && state.startsWith("08"));
    }

    /**
     * Refuses new calls, finishes the writes already queued (their callers get their results as
     * usual), closes every connection and shuts the database down. Later calls fail with
     * StoreUnavailableException.
     */
    void close() {
        synchronized (idle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (writer != null) {
            writer.close();
        }
        List<Connection> toClose;
        synchronized (idle) {
            toClose = new ArrayList<>(idle);
            idle.clear();
        }
        toClose.forEach(DerbyConnections::closeQuietly);
        EmbeddedDataSource shutdown = new EmbeddedDataSource();
        shutdown.setDatabaseName(directory.toString());
        shutdown.setShutdownDatabase("shutdown");
        try {
            shutdown.getConnection().close();
        } catch (SQLException e) {
            // 08006 is Derby's normal answer to a successful database shutdown.
            if (!"08006".equals(e.getSQLState())) {
                LOG.warn("derby store {}: shutdown reported {} {}", directory, e.getSQLState(), e.getMessage());
                return;
            }
        }
        LOG.info("lease store closed: derby database {}", directory);
    }
}
