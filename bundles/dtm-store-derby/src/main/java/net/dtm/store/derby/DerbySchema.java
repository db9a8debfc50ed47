package net.dtm.store.derby;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables of the Derby store, created on first open and migrated from older versions.
 * <p>
 * Version 1: {@code dtm_pool (name, prefix, lease_seconds)}, {@code dtm_lease}, {@code dtm_device}.
 * Version 2 (store SPI 2.0) adds to pools their delegated prefix length, tunnel types (canonical
 * comma text such as {@code GRE,VXLAN}, NULL for every type) and a revision that changes with every
 * write of the definition (readers use it to see a consistent definition without holding locks);
 * excluded ranges and device patterns in child tables, so a pool may have any number of them; the
 * reservation flag on leases; an index on lease expiry (with reservation and state) for reclamation
 * sweeps and counting, since dropped ({@link #dropExpiryIndexes}).
 * <p>
 * Without a version step: the device columns of disabling, re-keying and self-enrolment, added when
 * missing by {@link DerbyDevices#ensureColumns} whatever the version (an idempotent migration);
 * likewise the lease freshness columns by {@link DerbyLeases#ensureColumns}, the enrolment key
 * table by {@link DerbyEnrolmentKeys#ensureTable}; the index by expiry dropped
 * ({@link #dropExpiryIndexes}). An older store opens such a database as before (it reads only the
 * columns and tables it knows).
 * <p>
 * Portable SQL only: {@code ALTER TABLE ... ADD COLUMN} with defaults, plain indexes, SMALLINT for
 * flags.
 */
final class DerbySchema {

    private static final Logger LOG = LoggerFactory.getLogger(DerbySchema.class);

    /** The version this code reads and writes. */
    static final int VERSION = 2;

    private DerbySchema() {
    }

    /**
     * Creates the schema in an empty database, or migrates an older one to {@link #VERSION}.
     *
     * @throws SQLException if the database is newer than this code, or a statement fails
     */
    static void createOrMigrate(Connection c, String database) throws SQLException {
        c.setAutoCommit(false);
        try {
            createOrMigrateInTransaction(c, database);
        } catch (SQLException | RuntimeException e) {
            // a failed rollback (the connection closed by a severe error) must not hide why
            try {
                c.rollback();
            } catch (SQLException r) {
                e.addSuppressed(r);
            }
            throw e;
        }
        c.setAutoCommit(true);
    }

    private static void createOrMigrateInTransaction(Connection c, String database) throws SQLException {
        if (!tableExists(c, "DTM_SCHEMA")) {
            try {
                create(c);
                ensureAdditions(c);
                c.commit();
                LOG.info("derby store {}: created schema version {}", database, VERSION);
                return;
            } catch (SQLException e) {
                c.rollback();
                // Another store instance in this JVM may have created the schema at the same moment.
                if (!"X0Y32".equals(e.getSQLState())) {
                    throw e;
                }
            }
        }
        for (int version = version(c); version != VERSION; version = version(c)) {
            if (version > VERSION) {
                throw new SQLException("database " + database + " has DTM schema version " + version
                        + ", newer than this store's " + VERSION + "; use a newer dtm-store-derby", "XDTM1");
            }
            if (version < 1) {
                throw new SQLException("database " + database + " has no valid DTM schema version (" + version + ")",
                        "XDTM2");
            }
            // Claim the step: the row lock keeps a concurrent opener out until this commits.
            if (claim(c, version)) {
                migrate(c, version);
                c.commit();
                LOG.info("derby store {}: migrated schema version {} to {}", database, version, version + 1);
            } else {
                c.rollback();
            }
        }
        ensureAdditions(c);
        c.commit();
    }

    /** The idempotent additions outside the version numbers, inside the caller's transaction. */
    private static void ensureAdditions(Connection c) throws SQLException {
        DerbyDevices.ensureColumns(c); // device disabling, re-keying and self-enrolment
        DerbyLeases.ensureColumns(c); // lease freshness: device_seq, instance_seq
        DerbyEnrolmentKeys.ensureTable(c);
        dropExpiryIndexes(c);
    }

    /** The expiry indexes of earlier versions, dropped on open: (pool, expiry, reservation, state), then (pool, expiry). */
    static final List<String> EXPIRY_INDEXES = List.of("DTM_LEASE_EXPIRY", "DTM_LEASE_BY_EXPIRY");

    /**
     * Drops the index on {@code dtm_lease} by expiry that earlier versions kept, inside the
     * caller's transaction; safe to repeat and to run from two openers at once. Every new lease
     * changed its entry three times (the lock's added, then removed, the bound lease's added), which
     * cost the Derby writer as much CPU as the rest of the lease's statements (benchmarks/KEA.md,
     * 2026-12-05); the store keeps the expiries in memory instead ({@link ExpiryIndex}). An older
     * store opens the database as before; its reclamation and counting then scan the table.
     */
    private static void dropExpiryIndexes(Connection c) throws SQLException {
        Set<String> indexes = indexes(c, "DTM_LEASE");
        try (Statement s = c.createStatement()) {
            for (String index : EXPIRY_INDEXES) {
                if (!indexes.contains(index)) {
                    continue;
                }
                try {
                    s.executeUpdate("DROP INDEX " + index);
                    LOG.info("derby store: dropped the expiry index of earlier versions ({}); expiries are kept in memory",
                            index);
                } catch (SQLException e) {
                    if (!"42X65".equals(e.getSQLState())) { // another opener dropped it meanwhile
                        throw e;
                    }
                }
            }
        }
    }

    /** The names of {@code table}'s indexes (constraints' included), as Derby stores them. */
    static Set<String> indexes(Connection c, String table) throws SQLException {
        Set<String> names = new HashSet<>();
        try (ResultSet rs = c.getMetaData().getIndexInfo(null, null, table, false, true)) {
            while (rs.next()) {
                if (rs.getString("INDEX_NAME") != null) {
                    names.add(rs.getString("INDEX_NAME"));
                }
            }
        }
        return names;
    }

    /**
     * Runs {@code ddl} (a CREATE TABLE of {@code table}) if {@code table} is missing, inside the
     * caller's transaction; safe to repeat and to run from two openers at once. The name as Derby
     * stores it (upper case).
     */
    static void createTableIfMissing(Connection c, String table, String ddl) throws SQLException {
        if (tableExists(c, table)) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate(ddl);
        } catch (SQLException e) {
            if (!"X0Y32".equals(e.getSQLState())) { // another opener created it meanwhile
                throw e;
            }
        }
    }

    /**
     * Adds {@code column} (its {@code definition}, e.g. {@code "x BIGINT NOT NULL DEFAULT 0"}) to
     * {@code table} if it is missing, inside the caller's transaction; safe to repeat and to run
     * from two openers at once. Names as Derby stores them (upper case).
     */
    static void addColumnIfMissing(Connection c, String table, String column, String definition) throws SQLException {
        try (ResultSet rs = c.getMetaData().getColumns(null, null, table, column)) {
            if (rs.next()) {
                return;
            }
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate("ALTER TABLE " + table + " ADD COLUMN " + definition);
        } catch (SQLException e) {
            if (!"X0Y32".equals(e.getSQLState())) { // another opener added it meanwhile
                throw e;
            }
        }
    }

    private static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE dtm_schema (version INT NOT NULL)");
            s.executeUpdate("INSERT INTO dtm_schema (version) VALUES (" + VERSION + ")");
            s.executeUpdate("CREATE TABLE dtm_pool ("
                    + "name VARCHAR(64) NOT NULL, prefix VARCHAR(64) NOT NULL, lease_seconds INT NOT NULL, "
                    + "delegated_length INT NOT NULL DEFAULT 0, tunnel_types VARCHAR(64), revision BIGINT NOT NULL DEFAULT 0, "
                    + "CONSTRAINT dtm_pool_pk PRIMARY KEY (name))");
            s.executeUpdate("CREATE TABLE dtm_lease ("
                    + "pool_name VARCHAR(64) NOT NULL, device_id VARCHAR(64) NOT NULL, address VARCHAR(32) NOT NULL, "
                    + "lease_state VARCHAR(16) NOT NULL, seq BIGINT NOT NULL, expires_sec BIGINT NOT NULL, "
                    + "expires_nano INT NOT NULL, node_id VARCHAR(255) NOT NULL, reserved SMALLINT NOT NULL DEFAULT 0, "
                    + "CONSTRAINT dtm_lease_pk PRIMARY KEY (pool_name, device_id), "
                    + "CONSTRAINT dtm_lease_address UNIQUE (pool_name, address), "
                    + "CONSTRAINT dtm_lease_pool FOREIGN KEY (pool_name) REFERENCES dtm_pool (name))");
            s.executeUpdate("CREATE TABLE dtm_device ("
                    + "device_id VARCHAR(64) NOT NULL, key_hex VARCHAR(64) NOT NULL, "
                    + "enrolled_sec BIGINT NOT NULL, enrolled_nano INT NOT NULL, "
                    + "CONSTRAINT dtm_device_pk PRIMARY KEY (device_id))");
            createVersion2Additions(s);
        }
    }

    /** Tables and indexes that version 2 added (shared by create and migration). */
    private static void createVersion2Additions(Statement s) throws SQLException {
        s.executeUpdate("CREATE TABLE dtm_pool_excluded ("
                + "pool_name VARCHAR(64) NOT NULL, item_no INT NOT NULL, "
                + "first_address VARCHAR(32) NOT NULL, last_address VARCHAR(32) NOT NULL, "
                + "CONSTRAINT dtm_pool_excluded_pk PRIMARY KEY (pool_name, item_no), "
                + "CONSTRAINT dtm_pool_excluded_pool FOREIGN KEY (pool_name) REFERENCES dtm_pool (name))");
        s.executeUpdate("CREATE TABLE dtm_pool_pattern ("
                + "pool_name VARCHAR(64) NOT NULL, item_no INT NOT NULL, pattern VARCHAR(64) NOT NULL, "
                + "CONSTRAINT dtm_pool_pattern_pk PRIMARY KEY (pool_name, item_no), "
                + "CONSTRAINT dtm_pool_pattern_pool FOREIGN KEY (pool_name) REFERENCES dtm_pool (name))");
    }

    /** One step from {@code version} to {@code version + 1}, inside the caller's transaction. */
    private static void migrate(Connection c, int version) throws SQLException {
        if (version != 1) {
            throw new SQLException("no migration from DTM schema version " + version, "XDTM3");
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate("ALTER TABLE dtm_pool ADD COLUMN delegated_length INT NOT NULL DEFAULT 0");
            s.executeUpdate("ALTER TABLE dtm_pool ADD COLUMN tunnel_types VARCHAR(64)");
            s.executeUpdate("ALTER TABLE dtm_pool ADD COLUMN revision BIGINT NOT NULL DEFAULT 0");
            // Version 1 pools handed out single addresses: 32 bits for IPv4, 128 for IPv6.
            s.executeUpdate("UPDATE dtm_pool SET delegated_length = CASE WHEN prefix LIKE '%:%' THEN 128 ELSE 32 END");
            s.executeUpdate("ALTER TABLE dtm_lease ADD COLUMN reserved SMALLINT NOT NULL DEFAULT 0");
            createVersion2Additions(s);
        }
    }

    private static boolean claim(Connection c, int from) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE dtm_schema SET version = ? WHERE version = ?")) {
            ps.setInt(1, from + 1);
            ps.setInt(2, from);
            return ps.executeUpdate() == 1;
        }
    }

    static int version(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version FROM dtm_schema")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static boolean tableExists(Connection c, String name) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(null, null, name, new String[] {"TABLE"})) {
            return rs.next();
        }
    }
}
