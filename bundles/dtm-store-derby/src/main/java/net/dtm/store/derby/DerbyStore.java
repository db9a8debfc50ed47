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
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * The standalone store: pools, leases and devices in an embedded Derby database.
 * <p>
 * Portable SQL only (plain tables, primary keys, unique constraints, a foreign key, no stored
 * procedures, no vendor types) so the engine can be exchanged. The address lock is the
 * {@code INSERT} into {@code dtm_lease}: its primary key {@code (pool_name, device_id)} and the
 * unique constraint {@code (pool_name, address)} make the first insert win and every other fail
 * with SQLState 23505. Compare-and-set is an {@code UPDATE}/{@code DELETE} whose {@code WHERE}
 * names the expected sequence.
 * <p>
 * Addresses are stored as the lowercase hex of their raw bytes (8 digits for IPv4, 32 for IPv6):
 * one canonical spelling per address, and within a pool (one address family) text order is
 * numeric address order, so {@code ORDER BY address} needs no vendor type. Instants are stored as
 * epoch seconds plus nanoseconds, so they come back exactly.
 * <p>
 * Every statement runs in auto-commit mode (multi-statement changes in one explicit transaction);
 * with Derby's default durability the transaction log is synced before the commit returns.
 * Connections come from a small internal pool; the class is safe for many threads. Lock timeouts
 * and deadlocks under contention are retried a few times; a lost database is reported as
 * {@link StoreUnavailableException}.
 */
public final class DerbyStore implements LeaseStore, DeviceStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DerbyStore.class);

    private static final int SCHEMA_VERSION = 1;
    private static final int MAX_IDLE = 16;
    private static final int ATTEMPTS = 5;

    private static final String LEASE_COLUMNS =
            "pool_name, device_id, address, lease_state, seq, expires_sec, expires_nano, node_id";

    private final Path directory;
    private final EmbeddedDataSource dataSource;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private boolean closed;

    /**
     * Opens (creating if needed) the database in {@code directory} and creates the schema on
     * first open.
     *
     * @throws StoreUnavailableException if the database cannot be opened
     */
    public DerbyStore(Path directory) {
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
            createSchema(c);
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot open Derby database " + this.directory + ": " + e.getMessage(), e);
        }
        LOG.info("lease store opened: derby database {}", this.directory);
    }

    /** The database directory. */
    public Path directory() {
        return directory;
    }

    private static void createSchema(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            if (tableExists(c, "DTM_SCHEMA")) {
                try (ResultSet rs = s.executeQuery("SELECT version FROM dtm_schema")) {
                    int version = rs.next() ? rs.getInt(1) : 0;
                    if (version != SCHEMA_VERSION) {
                        throw new SQLException("unsupported DTM schema version " + version + ", expected " + SCHEMA_VERSION);
                    }
                }
                c.commit();
                return;
            }
            s.executeUpdate("CREATE TABLE dtm_schema (version INT NOT NULL)");
            s.executeUpdate("INSERT INTO dtm_schema (version) VALUES (" + SCHEMA_VERSION + ")");
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
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            // Another store instance in this JVM may have created the schema at the same moment.
            if (!"X0Y32".equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    private static boolean tableExists(Connection c, String name) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(null, null, name, new String[] {"TABLE"})) {
            return rs.next();
        }
    }

    // ------------------------------------------------------------------ pools

    @Override
    public void createPool(Pool pool) {
        boolean created = insertUnlessDuplicate("create pool " + pool.name(),
                "INSERT INTO dtm_pool (name, prefix, lease_seconds) VALUES (?, ?, ?)", ps -> {
                    ps.setString(1, pool.name());
                    ps.setString(2, pool.prefix().toString());
                    ps.setInt(3, pool.leaseSeconds());
                });
        if (!created) {
            throw new IllegalArgumentException("pool " + pool.name() + " already exists");
        }
    }

    @Override
    public boolean deletePool(String name) {
        return run("delete pool " + name, c -> {
            c.setAutoCommit(false);
            try (PreparedStatement leases = c.prepareStatement("DELETE FROM dtm_lease WHERE pool_name = ?");
                 PreparedStatement pool = c.prepareStatement("DELETE FROM dtm_pool WHERE name = ?")) {
                leases.setString(1, name);
                leases.executeUpdate();
                pool.setString(1, name);
                boolean existed = pool.executeUpdate() == 1;
                c.commit();
                return existed;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        });
    }

    @Override
    public List<Pool> pools() {
        return run("list pools", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT name, prefix, lease_seconds FROM dtm_pool ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                List<Pool> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Pool(rs.getString(1), Cidr.parse(rs.getString(2)), rs.getInt(3)));
                }
                return out;
            }
        });
    }

    @Override
    public Optional<Pool> pool(String name) {
        return run("read pool " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT name, prefix, lease_seconds FROM dtm_pool WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new Pool(rs.getString(1), Cidr.parse(rs.getString(2)), rs.getInt(3)))
                            : Optional.empty();
                }
            }
        });
    }

    // ------------------------------------------------------------------ leases

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the pool does not exist
     */
    @Override
    public BindResult tryBind(String pool, DeviceId device, InetAddress address, Instant expiresAt, String nodeId) {
        Lease lease = new Lease(pool, device, address, LeaseState.LOCKED, 1, expiresAt, nodeId);
        for (int attempt = 0; ; attempt++) {
            BindResult r = run("bind " + address.getHostAddress() + " to " + device + " in pool " + pool, c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO dtm_lease (" + LEASE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                    bindLease(ps, lease);
                    ps.executeUpdate();
                    return new BindResult(BindResult.Outcome.BOUND, lease);
                } catch (SQLException e) {
                    if ("23503".equals(e.getSQLState())) {
                        throw new IllegalArgumentException("no pool " + pool);
                    }
                    if (!isDuplicate(e)) {
                        throw e;
                    }
                }
                // The insert hit a unique constraint: the device's own binding wins over the address.
                Optional<Lease> existing = selectByDevice(c, pool, device);
                if (existing.isPresent()) {
                    return new BindResult(BindResult.Outcome.DEVICE_ALREADY_BOUND, existing.get());
                }
                if (selectByAddress(c, pool, address).isPresent()) {
                    return new BindResult(BindResult.Outcome.ADDRESS_TAKEN, null);
                }
                return null; // the conflicting binding was removed meanwhile: try again
            });
            if (r != null) {
                return r;
            }
            if (attempt >= ATTEMPTS) {
                throw new StoreUnavailableException("bind " + address.getHostAddress() + " in pool " + pool
                        + " kept conflicting with concurrent removals", null);
            }
        }
    }

    @Override
    public Optional<Lease> update(Lease updated, long expectedSequence) {
        if (updated.sequence() <= expectedSequence) {
            throw new IllegalArgumentException("updated sequence " + updated.sequence()
                    + " must be higher than the expected " + expectedSequence);
        }
        return run("update lease of " + updated.device() + " in pool " + updated.pool(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE dtm_lease SET lease_state = ?, seq = ?, "
                    + "expires_sec = ?, expires_nano = ?, node_id = ? "
                    + "WHERE pool_name = ? AND device_id = ? AND seq = ? AND address = ?")) {
                ps.setString(1, updated.state().name());
                ps.setLong(2, updated.sequence());
                ps.setLong(3, updated.expiresAt().getEpochSecond());
                ps.setInt(4, updated.expiresAt().getNano());
                ps.setString(5, updated.nodeId());
                ps.setString(6, updated.pool());
                ps.setString(7, updated.device().value());
                ps.setLong(8, expectedSequence);
                ps.setString(9, encode(updated.address()));
                return ps.executeUpdate() == 1 ? Optional.of(updated) : Optional.<Lease>empty();
            }
        });
    }

    @Override
    public boolean remove(String pool, DeviceId device, long expectedSequence) {
        return run("remove lease of " + device + " in pool " + pool, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM dtm_lease WHERE pool_name = ? AND device_id = ? AND seq = ?")) {
                ps.setString(1, pool);
                ps.setString(2, device.value());
                ps.setLong(3, expectedSequence);
                return ps.executeUpdate() == 1;
            }
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
                try (ResultSet rs = ps.executeQuery()) {
                    List<Lease> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(readLease(rs));
                    }
                    return out;
                }
            }
        });
    }

    private static Optional<Lease> selectByDevice(Connection c, String pool, DeviceId device) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + LEASE_COLUMNS + " FROM dtm_lease WHERE pool_name = ? AND device_id = ?")) {
            ps.setString(1, pool);
            ps.setString(2, device.value());
            return single(ps);
        }
    }

    private static Optional<Lease> selectByAddress(Connection c, String pool, InetAddress address) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + LEASE_COLUMNS + " FROM dtm_lease WHERE pool_name = ? AND address = ?")) {
            ps.setString(1, pool);
            ps.setString(2, encode(address));
            return single(ps);
        }
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
    }

    private static Lease readLease(ResultSet rs) throws SQLException {
        return new Lease(rs.getString(1), DeviceId.of(rs.getString(2)), decode(rs.getString(3)),
                LeaseState.valueOf(rs.getString(4)), rs.getLong(5),
                Instant.ofEpochSecond(rs.getLong(6), rs.getInt(7)), rs.getString(8));
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
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT device_id, key_hex, enrolled_sec, enrolled_nano FROM dtm_device WHERE device_id = ?")) {
                ps.setString(1, id.value());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(readDevice(rs)) : Optional.<DeviceCredential>empty();
                }
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
        return run("remove device " + id, c -> {
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
    private interface Work<T> {
        T apply(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface Parameters {
        void set(PreparedStatement ps) throws SQLException;
    }

    /** Runs one INSERT; false if it hit a primary key or unique constraint (the row exists). */
    private boolean insertUnlessDuplicate(String what, String sql, Parameters parameters) {
        return run(what, c -> {
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
     * Runs {@code work} on a pooled connection in auto-commit mode, retrying lock timeouts and
     * deadlocks; anything else from the database becomes {@link StoreUnavailableException}.
     */
    private <T> T run(String what, Work<T> work) {
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

    /** Closes every connection and shuts the database down. Later calls fail with StoreUnavailableException. */
    @Override
    public void close() {
        List<Connection> toClose;
        synchronized (idle) {
            if (closed) {
                return;
            }
            closed = true;
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
