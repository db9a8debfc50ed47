package net.dtm.store.derby;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import net.dtm.api.AddressRange;
import net.dtm.api.Cidr;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * The pool catalogue of the Derby store: a pool is a row of {@code dtm_pool} (with a revision
 * changed by every write) and its excluded ranges and device patterns rows of
 * {@code dtm_pool_excluded} and {@code dtm_pool_pattern}, in their order. Reads take no locks
 * across statements: they read the revisions again and retry if a definition changed meanwhile.
 */
final class DerbyPools {

    private final DerbyConnections db;
    private final ExpiryIndex expiries;

    /** The pools of {@code db}; a deleted pool's bindings leave {@code expiries} with it. */
    DerbyPools(DerbyConnections db, ExpiryIndex expiries) {
        this.db = db;
        this.expiries = expiries;
    }

    void createPool(Pool pool) {
        boolean created = db.write("create pool " + pool.name(), c -> {
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
                if (DerbyConnections.isDuplicate(e)) {
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

    void updatePool(Pool pool) {
        db.write("update pool " + pool.name(), c -> {
            for (int attempt = 0; attempt < DerbyConnections.ATTEMPTS; attempt++) {
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

    boolean deletePool(String name) {
        return db.write("delete pool " + name, c -> {
            deletePoolItems(c, name);
            try (PreparedStatement leases = c.prepareStatement("DELETE FROM dtm_lease WHERE pool_name = ?");
                 PreparedStatement pool = c.prepareStatement("DELETE FROM dtm_pool WHERE name = ?")) {
                leases.setString(1, name);
                leases.executeUpdate();
                pool.setString(1, name);
                if (pool.executeUpdate() != 1) {
                    return false;
                }
                expiries.changed(new ExpiryIndex.RemovePool(name));
                return true;
            }
        });
    }

    List<Pool> pools() {
        return db.run("list pools", c -> readPools(c, null));
    }

    Optional<Pool> pool(String name) {
        return db.run("read pool " + name, c -> readPools(c, name).stream().findFirst());
    }

    private static void insertPoolItems(Connection c, Pool pool) throws SQLException {
        if (!pool.excluded().isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO dtm_pool_excluded (pool_name, item_no, first_address, last_address) VALUES (?, ?, ?, ?)")) {
                int n = 0;
                for (AddressRange r : pool.excluded()) {
                    ps.setString(1, pool.name());
                    ps.setInt(2, n++);
                    ps.setString(3, AddressHex.encode(r.first()));
                    ps.setString(4, AddressHex.encode(r.last()));
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
        for (int attempt = 0; attempt < DerbyConnections.ATTEMPTS; attempt++) {
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
                    (row, rs) -> row.excluded.add(new AddressRange(AddressHex.decode(rs.getString(2)), AddressHex.decode(rs.getString(3)))));
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
}
