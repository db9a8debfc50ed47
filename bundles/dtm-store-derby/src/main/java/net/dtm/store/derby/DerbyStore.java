package net.dtm.store.derby;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import net.dtm.spi.store.LeaseCounts;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * The standalone store: pools, leases and devices in an embedded Derby database.
 * <p>
 * Portable SQL only (plain tables, primary keys, unique constraints, foreign keys, plain indexes,
 * no stored procedures, no vendor types) so the engine can be exchanged; the schema is in
 * {@link DerbySchema}. The address lock is the {@code INSERT} into {@code dtm_lease}: its primary
 * key {@code (pool_name, device_id)} and the unique constraint {@code (pool_name, address)} make
 * the first insert win and every other fail with SQLState 23505. Compare-and-set is an
 * {@code UPDATE}/{@code DELETE} whose {@code WHERE} names the expected sequence.
 * <p>
 * Addresses are stored as the lowercase hex of their raw bytes (8 digits for IPv4, 32 for IPv6):
 * one canonical spelling per address, and within a pool (one address family) text order is
 * numeric address order, so {@code ORDER BY address} needs no vendor type. Instants are stored as
 * epoch seconds plus nanoseconds, so they come back exactly.
 * <p>
 * Writes go through a {@link GroupCommitWriter}: its threads and two connections of their own run
 * all writes, one batch at a time, and concurrent writes share one commit (one log sync with
 * Derby's default durability); no call returns before its commit. With group commit off
 * (constructor flag, or the system property {@value #GROUP_COMMIT_PROPERTY}{@code =false}) every
 * write is its own transaction on a pooled connection, committed and synced on its own. Reads use
 * a small pool of connections in auto-commit mode at read committed and never see uncommitted
 * writes. Lock timeouts and deadlocks are retried a few times; a lost
 * database is reported as {@link StoreUnavailableException}. The class is safe for many threads.
 */
public final class DerbyStore implements LeaseStore, DeviceStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DerbyStore.class);

    /** System property: {@code false} turns group commit off for stores built without the flag. */
    public static final String GROUP_COMMIT_PROPERTY = "dtm.store.derby.groupCommit";

    /** Idle read connections kept: as many as a node's request threads (64 by default) may read at once. */
    private static final int MAX_IDLE = 64;
    private static final int ATTEMPTS = 5;

    private static final String LEASE_COLUMNS =
            "pool_name, device_id, address, lease_state, seq, expires_sec, expires_nano, node_id, reserved";
    private static final String INSERT_LEASE = "INSERT INTO dtm_lease (" + LEASE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_LEASE = "UPDATE dtm_lease SET lease_state = ?, seq = ?, "
            + "expires_sec = ?, expires_nano = ?, node_id = ?, reserved = ? "
            + "WHERE pool_name = ? AND device_id = ? AND seq = ? AND address = ?";
    private static final String DELETE_LEASE = "DELETE FROM dtm_lease WHERE pool_name = ? AND device_id = ? AND seq = ?";
    private static final String LEASE_BY_DEVICE = "SELECT " + LEASE_COLUMNS + " FROM dtm_lease WHERE pool_name = ? AND device_id = ?";
    private static final String LEASE_BY_ADDRESS = "SELECT " + LEASE_COLUMNS + " FROM dtm_lease WHERE pool_name = ? AND address = ?";
    private static final String DEVICE_BY_ID =
            "SELECT device_id, key_hex, enrolled_sec, enrolled_nano FROM dtm_device WHERE device_id = ?";

    private final Path directory;
    private final EmbeddedDataSource dataSource;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private final GroupCommitWriter writer; // null: group commit off
    private final StatementCache statements = new StatementCache();
    private boolean closed;

    /**
     * Opens (creating if needed) the database in {@code directory}, creating or migrating the
     * schema; group commit is on unless the system property {@value #GROUP_COMMIT_PROPERTY} is
     * {@code false}.
     *
     * @throws StoreUnavailableException if the database cannot be opened
     */
    public DerbyStore(Path directory) {
        this(directory, !"false".equalsIgnoreCase(System.getProperty(GROUP_COMMIT_PROPERTY, "true").trim()));
    }

    /**
     * Opens the database in {@code directory}; {@code groupCommit} false makes every write its own
     * synced transaction (the behaviour before group commit, kept for comparison).
     *
     * @throws StoreUnavailableException if the database cannot be opened
     */
    public DerbyStore(Path directory, boolean groupCommit) {
        this(directory, groupCommit, GroupCommitWriter.DEFAULT_MAX_BATCH, GroupCommitWriter.NONE);
    }

    /** With the batch bound and test hooks of the group-commit writer. */
    DerbyStore(Path directory, boolean groupCommit, int maxBatch, GroupCommitWriter.Hooks hooks) {
        this.directory = directory.toAbsolutePath().normalize();
        try {
            // Checked here because Derby, when it cannot create the directory, leaves a database
            // named "null" in the working directory behind.
            if (this.directory.getParent() != null) {
                Files.createDirectories(this.directory.getParent());
            }
        } catch (IOException | RuntimeException e) {
            throw new StoreUnavailableException("cannot create the directory of Derby database " + this.directory
                    + ": " + e, e);
        }
        this.dataSource = new EmbeddedDataSource();
        dataSource.setDatabaseName(this.directory.toString());
        dataSource.setCreateDatabase("create");
        try (Connection c = dataSource.getConnection()) {
            DerbySchema.createOrMigrate(c, this.directory.toString());
            setStorageProperties(c);
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot open Derby database " + this.directory + ": " + e.getMessage(), e);
        }
        this.writer = groupCommit
                ? new GroupCommitWriter("derby store " + this.directory, this::openWriterConnection, maxBatch, ATTEMPTS, hooks)
                : null;
        LOG.info("lease store opened: derby database {} (group commit {})", this.directory, groupCommit ? "on" : "off");
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
    public Path directory() {
        return directory;
    }

    /** True if concurrent writes share commits. */
    public boolean groupCommit() {
        return writer != null;
    }

    /** The group-commit writer, or null when group commit is off (tests and the benchmark). */
    GroupCommitWriter writer() {
        return writer;
    }

    /**
     * What group commit has done since the store opened (for benchmarks and diagnosis).
     *
     * @param commits        batches committed
     * @param writes         writes in those batches
     * @param statementNanos time spent running their statements
     * @param commitNanos    time spent committing them (the log sync)
     */
    public record CommitStats(long commits, long writes, long statementNanos, long commitNanos) {

        /** Mean writes per commit, 0 before the first commit. */
        public double meanBatch() {
            return commits == 0 ? 0 : (double) writes / commits;
        }
    }

    /** Group commit's figures, or empty when group commit is off. */
    public Optional<CommitStats> commitStats() {
        return writer == null ? Optional.empty()
                : Optional.of(new CommitStats(writer.batches(), writer.writes(), writer.runNanos(), writer.commitNanos()));
    }

    private Connection openWriterConnection() throws SQLException {
        Connection c = dataSource.getConnection();
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        return c;
    }

    // ------------------------------------------------------------------ pools

    @Override
    public void createPool(Pool pool) {
        boolean created = write("create pool " + pool.name(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dtm_pool "
                    + "(name, prefix, lease_seconds, delegated_length, tunnel_types, revision) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, pool.name());
                ps.setString(2, pool.prefix().toString());
                ps.setInt(3, pool.leaseSeconds());
                ps.setInt(4, pool.delegatedLength());
                ps.setString(5, encodeTunnelTypes(pool.tunnelTypes()));
                ps.setLong(6, ThreadLocalRandom.current().nextLong());
                ps.executeUpdate();
            } catch (SQLException e) {
                if (isDuplicate(e)) {
                    return false;
                }
                throw e;
            }
            insertPoolItems(c, pool);
            return true;
        });
        if (!created) {
            throw new IllegalArgumentException("pool " + pool.name() + " already exists");
        }
    }

    @Override
    public void updatePool(Pool pool) {
        write("update pool " + pool.name(), c -> {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                String storedPrefix;
                int storedLength;
                try (PreparedStatement ps = c.prepareStatement("SELECT prefix, delegated_length FROM dtm_pool WHERE name = ?")) {
                    ps.setString(1, pool.name());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new IllegalArgumentException("no pool " + pool.name() + " to update");
                        }
                        storedPrefix = rs.getString(1);
                        storedLength = rs.getInt(2);
                    }
                }
                if (!Cidr.parse(storedPrefix).equals(pool.prefix())) {
                    throw new IllegalArgumentException("pool " + pool.name() + ": the prefix cannot change from "
                            + storedPrefix + " to " + pool.prefix() + " (bindings would fall outside); create a new pool");
                }
                if (storedLength != pool.delegatedLength()) {
                    throw new IllegalArgumentException("pool " + pool.name() + ": the delegated length cannot change from /"
                            + storedLength + " to /" + pool.delegatedLength() + " (bindings would be misaligned); create a new pool");
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE dtm_pool SET lease_seconds = ?, tunnel_types = ?, "
                        + "revision = revision + 1 WHERE name = ? AND prefix = ? AND delegated_length = ?")) {
                    ps.setInt(1, pool.leaseSeconds());
                    ps.setString(2, encodeTunnelTypes(pool.tunnelTypes()));
                    ps.setString(3, pool.name());
                    ps.setString(4, storedPrefix);
                    ps.setInt(5, storedLength);
                    if (ps.executeUpdate() == 0) {
                        continue; // deleted and created again meanwhile (group commit off): check again
                    }
                }
                deletePoolItems(c, pool.name());
                insertPoolItems(c, pool);
                return null;
            }
            throw new StoreUnavailableException("update of pool " + pool.name() + " kept racing with its re-creation", null);
        });
    }

    @Override
    public boolean deletePool(String name) {
        return write("delete pool " + name, c -> {
            deletePoolItems(c, name);
            try (PreparedStatement leases = c.prepareStatement("DELETE FROM dtm_lease WHERE pool_name = ?");
                 PreparedStatement pool = c.prepareStatement("DELETE FROM dtm_pool WHERE name = ?")) {
                leases.setString(1, name);
                leases.executeUpdate();
                pool.setString(1, name);
                return pool.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<Pool> pools() {
        return run("list pools", c -> readPools(c, null));
    }

    @Override
    public Optional<Pool> pool(String name) {
        return run("read pool " + name, c -> readPools(c, name).stream().findFirst());
    }

    private static void insertPoolItems(Connection c, Pool pool) throws SQLException {
        if (!pool.excluded().isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO dtm_pool_excluded (pool_name, item_no, first_address, last_address) VALUES (?, ?, ?, ?)")) {
                int n = 0;
                for (AddressRange r : pool.excluded()) {
                    ps.setString(1, pool.name());
                    ps.setInt(2, n++);
                    ps.setString(3, encode(r.first()));
                    ps.setString(4, encode(r.last()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!pool.devicePatterns().isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO dtm_pool_pattern (pool_name, item_no, pattern) VALUES (?, ?, ?)")) {
                int n = 0;
                for (String p : pool.devicePatterns()) {
                    ps.setString(1, pool.name());
                    ps.setInt(2, n++);
                    ps.setString(3, p);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    private static void deletePoolItems(Connection c, String pool) throws SQLException {
        try (PreparedStatement excluded = c.prepareStatement("DELETE FROM dtm_pool_excluded WHERE pool_name = ?");
             PreparedStatement patterns = c.prepareStatement("DELETE FROM dtm_pool_pattern WHERE pool_name = ?")) {
            excluded.setString(1, pool);
            excluded.executeUpdate();
            patterns.setString(1, pool);
            patterns.executeUpdate();
        }
    }

    /** A pool row while its child rows are read. */
    private static final class PoolRow {
        final String name;
        final String prefix;
        final int leaseSeconds;
        final int delegatedLength;
        final String tunnelTypes;
        final long revision;
        final List<AddressRange> excluded = new ArrayList<>();
        final List<String> patterns = new ArrayList<>();

        PoolRow(ResultSet rs) throws SQLException {
            name = rs.getString(1);
            prefix = rs.getString(2);
            leaseSeconds = rs.getInt(3);
            delegatedLength = rs.getInt(4);
            tunnelTypes = rs.getString(5);
            revision = rs.getLong(6);
        }

        Pool toPool() {
            return new Pool(name, Cidr.parse(prefix), leaseSeconds, delegatedLength, excluded, patterns,
                    decodeTunnelTypes(tunnelTypes));
        }
    }

    /** One row of a pool's child table, added to its pool's row. */
    @FunctionalInterface
    private interface ItemReader {
        void add(PoolRow row, ResultSet rs) throws SQLException;
    }

    /**
     * Reads a child table's rows (pool name first) into their pools' rows.
     *
     * @return false if a row names a pool not read before (it was created meanwhile)
     */
    private static boolean readItems(Connection c, String sql, String only, Map<String, PoolRow> rows, ItemReader reader)
            throws SQLException {
        boolean consistent = true;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            setOnly(ps, only);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    PoolRow row = rows.get(rs.getString(1));
                    if (row == null) {
                        consistent = false;
                    } else {
                        reader.add(row, rs);
                    }
                }
            }
        }
        return consistent;
    }

    /**
     * Reads pool definitions (all, or the one named) without holding locks across statements: the
     * pool rows, their excluded ranges and patterns, then the revisions again; if a definition was
     * written in between, reads again.
     */
    private static List<Pool> readPools(Connection c, String only) throws SQLException {
        String where = only == null ? "" : " WHERE name = ?";
        String whereItem = only == null ? "" : " WHERE pool_name = ?";
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Map<String, PoolRow> rows = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name, prefix, lease_seconds, delegated_length, "
                    + "tunnel_types, revision FROM dtm_pool" + where + " ORDER BY name")) {
                setOnly(ps, only);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        PoolRow row = new PoolRow(rs);
                        rows.put(row.name, row);
                    }
                }
            }
            if (rows.isEmpty()) {
                return List.of();
            }
            boolean consistent = readItems(c, "SELECT pool_name, first_address, last_address FROM dtm_pool_excluded"
                    + whereItem + " ORDER BY pool_name, item_no", only, rows,
                    (row, rs) -> row.excluded.add(new AddressRange(decode(rs.getString(2)), decode(rs.getString(3)))));
            consistent &= readItems(c, "SELECT pool_name, pattern FROM dtm_pool_pattern" + whereItem
                    + " ORDER BY pool_name, item_no", only, rows, (row, rs) -> row.patterns.add(rs.getString(2)));
            Map<String, Long> revisions = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name, revision FROM dtm_pool" + where + " ORDER BY name")) {
                setOnly(ps, only);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        revisions.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            Map<String, Long> readRevisions = rows.values().stream()
                    .collect(Collectors.toMap(r -> r.name, r -> r.revision, (a, b) -> a, LinkedHashMap::new));
            if (consistent && revisions.equals(readRevisions)) {
                List<Pool> out = new ArrayList<>(rows.size());
                for (PoolRow row : rows.values()) {
                    out.add(row.toPool());
                }
                return out;
            }
        }
        throw new StoreUnavailableException("pool definitions kept changing while being read", null);
    }

    private static void setOnly(PreparedStatement ps, String only) throws SQLException {
        if (only != null) {
            ps.setString(1, only);
        }
    }

    /** Canonical text of a set of tunnel types: names in declaration order, comma separated; null for none. */
    static String encodeTunnelTypes(Set<TunnelType> types) {
        return types.isEmpty() ? null : EnumSet.copyOf(types).stream().map(Enum::name).collect(Collectors.joining(","));
    }

    static Set<TunnelType> decodeTunnelTypes(String text) {
        if (text == null || text.isBlank()) {
            return Set.of();
        }
        EnumSet<TunnelType> out = EnumSet.noneOf(TunnelType.class);
        for (String name : text.split(",")) {
            out.add(TunnelType.parse(name));
        }
        return out;
    }

    // ------------------------------------------------------------------ leases

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the pool does not exist
     */
    @Override
    public BindResult tryBind(Lease proposed) {
        String what = "bind " + proposed.address().getHostAddress() + " to " + proposed.device() + " in pool " + proposed.pool();
        return writeOneStatement(what, c -> {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                try {
                    PreparedStatement ps = statements.get(c, INSERT_LEASE);
                    bindLease(ps, proposed);
                    ps.executeUpdate();
                    return new BindResult(BindResult.Outcome.BOUND, proposed);
                } catch (SQLException e) {
                    if ("23503".equals(e.getSQLState())) {
                        throw new IllegalArgumentException("no pool " + proposed.pool());
                    }
                    if (!isDuplicate(e)) {
                        throw e;
                    }
                }
                // The insert hit a unique constraint: the device's own binding wins over the address.
                Optional<Lease> existing = selectByDevice(c, proposed.pool(), proposed.device());
                if (existing.isPresent()) {
                    return new BindResult(BindResult.Outcome.DEVICE_ALREADY_BOUND, existing.get());
                }
                if (selectByAddress(c, proposed.pool(), proposed.address()).isPresent()) {
                    return new BindResult(BindResult.Outcome.ADDRESS_TAKEN, null);
                }
                // The conflicting binding was removed meanwhile (another connection): try again.
            }
            throw new StoreUnavailableException(what + " kept conflicting with concurrent removals", null);
        });
    }

    @Override
    public Optional<Lease> update(Lease updated, long expectedSequence) {
        if (updated.sequence() <= expectedSequence) {
            throw new IllegalArgumentException("updated sequence " + updated.sequence()
                    + " must be higher than the expected " + expectedSequence);
        }
        return writeOneStatement("update lease of " + updated.device() + " in pool " + updated.pool(), c -> {
            PreparedStatement ps = statements.get(c, UPDATE_LEASE);
            ps.setString(1, updated.state().name());
                ps.setLong(2, updated.sequence());
                ps.setLong(3, updated.expiresAt().getEpochSecond());
                ps.setInt(4, updated.expiresAt().getNano());
                ps.setString(5, updated.nodeId());
                ps.setShort(6, updated.reserved() ? (short) 1 : (short) 0);
                ps.setString(7, updated.pool());
                ps.setString(8, updated.device().value());
                ps.setLong(9, expectedSequence);
            ps.setString(10, encode(updated.address()));
            return ps.executeUpdate() == 1 ? Optional.of(updated) : Optional.<Lease>empty();
        });
    }

    @Override
    public boolean remove(String pool, DeviceId device, long expectedSequence) {
        return writeOneStatement("remove lease of " + device + " in pool " + pool, c -> {
            PreparedStatement ps = statements.get(c, DELETE_LEASE);
            ps.setString(1, pool);
            ps.setString(2, device.value());
            ps.setLong(3, expectedSequence);
            return ps.executeUpdate() == 1;
        });
    }

    @Override
    public Optional<Lease> findByDevice(String pool, DeviceId device) {
        return run("read lease of " + device + " in pool " + pool, c -> selectByDevice(c, pool, device));
    }

    @Override
    public Optional<Lease> findByAddress(String pool, InetAddress address) {
        return run("read lease of " + address.getHostAddress() + " in pool " + pool, c -> selectByAddress(c, pool, address));
    }

    @Override
    public List<Lease> leases(String pool) {
        return run("list leases of pool " + pool, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + LEASE_COLUMNS + " FROM dtm_lease WHERE pool_name = ? ORDER BY address")) {
                ps.setString(1, pool);
                return readLeases(ps);
            }
        });
    }

    @Override
    public List<Lease> leases(String pool, InetAddress after, int limit) {
        checkLimit(limit);
        return run("list leases of pool " + pool + (after == null ? "" : " after " + after.getHostAddress()), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + LEASE_COLUMNS + " FROM dtm_lease WHERE pool_name = ?"
                    + (after == null ? "" : " AND address > ?") + " ORDER BY address FETCH FIRST ? ROWS ONLY")) {
                int i = 1;
                ps.setString(i++, pool);
                if (after != null) {
                    ps.setString(i++, encode(after));
                }
                ps.setInt(i, limit);
                return readLeases(ps);
            }
        });
    }

    @Override
    public List<Lease> reclaimable(String pool, Instant boundary, int limit) {
        checkLimit(limit);
        return run("list reclaimable leases of pool " + pool, c -> {
            // expires_sec <= ? lets the expiry index bound the scan; the OR refines within that second.
            try (PreparedStatement ps = c.prepareStatement("SELECT " + LEASE_COLUMNS + " FROM dtm_lease "
                    + "WHERE pool_name = ? AND expires_sec <= ? AND (expires_sec < ? OR expires_nano <= ?) AND reserved = 0 "
                    + "ORDER BY expires_sec, expires_nano FETCH FIRST ? ROWS ONLY")) {
                ps.setString(1, pool);
                ps.setLong(2, boundary.getEpochSecond());
                ps.setLong(3, boundary.getEpochSecond());
                ps.setInt(4, boundary.getNano());
                ps.setInt(5, limit);
                return readLeases(ps);
            }
        });
    }

    @Override
    public void forEachAddress(String pool, Consumer<InetAddress> sink) {
        // Streams only the address column (read from the unique index). A retried attempt resumes
        // after the last address handed over, so the sink never sees one twice.
        InetAddress[] last = new InetAddress[1];
        run("list addresses of pool " + pool, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT address FROM dtm_lease WHERE pool_name = ?"
                    + (last[0] == null ? "" : " AND address > ?") + " ORDER BY address")) {
                ps.setString(1, pool);
                if (last[0] != null) {
                    ps.setString(2, encode(last[0]));
                }
                ps.setFetchSize(1000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        InetAddress a = decode(rs.getString(1));
                        sink.accept(a);
                        last[0] = a;
                    }
                }
            }
            return null;
        });
    }

    /**
     * {@inheritDoc}
     * <p>
     * A handful of {@code COUNT(*)} statements, each a range or full scan of an index (the
     * expiry index carries state and reservation), never of the rows: total, reserved, locked and
     * bound ones not expired, and reclaimable ones; quarantined ones are the rest. The statements
     * run one after another at read committed, so writes landing in between can skew the split
     * slightly (quarantined is never reported below zero).
     */
    @Override
    public LeaseCounts countLeases(String pool, Instant now, Instant quarantineBoundary) {
        return run("count leases of pool " + pool, c -> {
            long total = count(c, "", pool);
            if (total == 0) {
                return new LeaseCounts(0, 0, 0, 0, 0);
            }
            long reserved = count(c, " AND reserved <> 0", pool);
            String afterNow = " AND expires_sec >= ? AND (expires_sec > ? OR expires_nano > ?)";
            long locked = count(c, " AND lease_state = 'LOCKED'" + afterNow, pool, now);
            long bound = count(c, " AND lease_state = 'BOUND'" + afterNow, pool, now);
            // Reclaimable: (RELEASED or expired at now) and expired at the boundary. Up to the
            // earlier of the two instants that is every binding; between them (boundary later than
            // now) only released ones.
            Instant earlier = quarantineBoundary.isBefore(now) ? quarantineBoundary : now;
            String notAfter = " AND expires_sec <= ? AND (expires_sec < ? OR expires_nano <= ?)";
            long reclaimable = count(c, notAfter, pool, earlier);
            if (quarantineBoundary.isAfter(now)) {
                reclaimable += count(c, " AND lease_state = 'RELEASED'" + afterNow + notAfter, pool, now, quarantineBoundary);
            }
            long quarantined = Math.max(0, total - locked - bound - reclaimable);
            return new LeaseCounts(locked, bound, quarantined, reclaimable, reserved);
        });
    }

    /** {@code COUNT(*)} of a pool's bindings matching {@code condition}, each instant filling three parameters. */
    private static long count(Connection c, String condition, String pool, Instant... instants) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM dtm_lease WHERE pool_name = ?" + condition)) {
            int i = 1;
            ps.setString(i++, pool);
            for (Instant t : instants) {
                ps.setLong(i++, t.getEpochSecond());
                ps.setLong(i++, t.getEpochSecond());
                ps.setInt(i++, t.getNano());
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void checkLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
    }

    private static List<Lease> readLeases(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            List<Lease> out = new ArrayList<>();
            while (rs.next()) {
                out.add(readLease(rs));
            }
            return out;
        }
    }

    private Optional<Lease> selectByDevice(Connection c, String pool, DeviceId device) throws SQLException {
        PreparedStatement ps = statements.get(c, LEASE_BY_DEVICE);
        ps.setString(1, pool);
        ps.setString(2, device.value());
        return single(ps);
    }

    private Optional<Lease> selectByAddress(Connection c, String pool, InetAddress address) throws SQLException {
        PreparedStatement ps = statements.get(c, LEASE_BY_ADDRESS);
        ps.setString(1, pool);
        ps.setString(2, encode(address));
        return single(ps);
    }

    private static Optional<Lease> single(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(readLease(rs)) : Optional.empty();
        }
    }

    private static void bindLease(PreparedStatement ps, Lease l) throws SQLException {
        ps.setString(1, l.pool());
        ps.setString(2, l.device().value());
        ps.setString(3, encode(l.address()));
        ps.setString(4, l.state().name());
        ps.setLong(5, l.sequence());
        ps.setLong(6, l.expiresAt().getEpochSecond());
        ps.setInt(7, l.expiresAt().getNano());
        ps.setString(8, l.nodeId());
        ps.setShort(9, l.reserved() ? (short) 1 : (short) 0);
    }

    private static Lease readLease(ResultSet rs) throws SQLException {
        return new Lease(rs.getString(1), DeviceId.of(rs.getString(2)), decode(rs.getString(3)),
                LeaseState.valueOf(rs.getString(4)), rs.getLong(5),
                Instant.ofEpochSecond(rs.getLong(6), rs.getInt(7)), rs.getString(8), rs.getShort(9) != 0);
    }

    /** Lowercase hex of the raw address bytes: canonical, and ordered like the address. */
    static String encode(InetAddress address) {
        return HexFormat.of().formatHex(address.getAddress());
    }

    static InetAddress decode(String hex) {
        try {
            return InetAddress.getByAddress(HexFormat.of().parseHex(hex));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("corrupt address '" + hex + "' in the store", e);
        }
    }

    // ------------------------------------------------------------------ devices

    @Override
    public boolean add(DeviceCredential credential) {
        return insertUnlessDuplicate("enrol device " + credential.device(),
                "INSERT INTO dtm_device (device_id, key_hex, enrolled_sec, enrolled_nano) VALUES (?, ?, ?, ?)", ps -> {
                    ps.setString(1, credential.device().value());
                    ps.setString(2, credential.keyHex());
                    ps.setLong(3, credential.enrolledAt().getEpochSecond());
                    ps.setInt(4, credential.enrolledAt().getNano());
                });
    }

    @Override
    public Optional<DeviceCredential> find(DeviceId id) {
        return run("read device " + id, c -> {
            PreparedStatement ps = statements.get(c, DEVICE_BY_ID);
            ps.setString(1, id.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readDevice(rs)) : Optional.<DeviceCredential>empty();
            }
        });
    }

    @Override
    public List<DeviceCredential> list() {
        return run("list devices", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT device_id, key_hex, enrolled_sec, enrolled_nano FROM dtm_device ORDER BY device_id");
                 ResultSet rs = ps.executeQuery()) {
                List<DeviceCredential> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(readDevice(rs));
                }
                return out;
            }
        });
    }

    @Override
    public boolean remove(DeviceId id) {
        return write("remove device " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dtm_device WHERE device_id = ?")) {
                ps.setString(1, id.value());
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static DeviceCredential readDevice(ResultSet rs) throws SQLException {
        return new DeviceCredential(DeviceId.of(rs.getString(1)), DeviceCredential.parseKey(rs.getString(2)),
                Instant.ofEpochSecond(rs.getLong(3), rs.getInt(4)));
    }

    // ------------------------------------------------------------------ connections and retries

    @FunctionalInterface
    private interface Parameters {
        void set(PreparedStatement ps) throws SQLException;
    }

    /** Writes one INSERT; false if it hit a primary key or unique constraint (the row exists). */
    private boolean insertUnlessDuplicate(String what, String sql, Parameters parameters) {
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
    private <T> T write(String what, SqlWork<T> work) {
        if (writer != null) {
            return writer.submit(what, work);
        }
        return writeAlone(what, work);
    }

    /**
     * As {@link #write}, for a write that changes the database with at most one statement and
     * throws nothing after that statement succeeded (see {@link GroupCommitWriter#submitOneStatement}).
     */
    private <T> T writeOneStatement(String what, SqlWork<T> work) {
        if (writer != null) {
            return writer.submitOneStatement(what, work);
        }
        return writeAlone(what, work);
    }

    /** A write in a transaction of its own on a pooled connection (group commit off). */
    private <T> T writeAlone(String what, SqlWork<T> work) {
        return run(what, c -> {
            c.setAutoCommit(false);
            T result = work.apply(c);
            c.commit();
            c.setAutoCommit(true);
            return result;
        });
    }

    /**
     * Runs {@code work} on a pooled connection in auto-commit mode, retrying lock timeouts and
     * deadlocks; anything else from the database becomes {@link StoreUnavailableException}.
     */
    private <T> T run(String what, SqlWork<T> work) {
        SQLException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Connection c = borrow(what);
            boolean reusable = false;
            try {
                T result = work.apply(c);
                reusable = c.getAutoCommit() || resetAutoCommit(c);
                return result;
            } catch (SQLException e) {
                last = e;
                reusable = !isConnectionLost(e) && resetAutoCommit(c);
                if (!isRetryable(e)) {
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
    @Override
    public void close() {
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
        toClose.forEach(DerbyStore::closeQuietly);
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
