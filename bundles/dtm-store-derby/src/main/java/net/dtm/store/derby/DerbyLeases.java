package net.dtm.store.derby;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.LeaseCounts;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * The bindings of the Derby store, rows of {@code dtm_lease}. The address lock is the
 * {@code INSERT}: its primary key {@code (pool_name, device_id)} and the unique constraint
 * {@code (pool_name, address)} make the first insert win and every other fail with SQLState
 * 23505. Compare-and-set is an {@code UPDATE}/{@code DELETE} whose {@code WHERE} names the
 * expected sequence. Instants are stored as epoch seconds plus nanoseconds, so they come back
 * exactly; addresses as {@link AddressHex}. The device's request mark and the binding's instance
 * are the columns {@code device_seq} and {@code instance_seq} ({@link #ensureColumns}).
 */
final class DerbyLeases {

    private static final String LEASE_COLUMNS =
            "pool_name, device_id, address, lease_state, seq, expires_sec, expires_nano, node_id, reserved, device_seq, instance_seq";
    private static final String INSERT_LEASE = "INSERT INTO dtm_lease (" + LEASE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_LEASE = "UPDATE dtm_lease SET lease_state = ?, seq = ?, "
            + "expires_sec = ?, expires_nano = ?, node_id = ?, reserved = ?, device_seq = ?, instance_seq = ? "
            + "WHERE pool_name = ? AND device_id = ? AND seq = ? AND address = ?";
    private static final String DELETE_LEASE = "DELETE FROM dtm_lease WHERE pool_name = ? AND device_id = ? AND seq = ?";
    private static final String LEASE_BY_DEVICE = "SELECT " + LEASE_COLUMNS + " FROM dtm_lease WHERE pool_name = ? AND device_id = ?";
    private static final String LEASE_BY_ADDRESS = "SELECT " + LEASE_COLUMNS + " FROM dtm_lease WHERE pool_name = ? AND address = ?";

    private final DerbyConnections db;

    DerbyLeases(DerbyConnections db) {
        this.db = db;
    }

    /**
     * Adds the freshness columns to {@code dtm_lease} if they are missing (a database created
     * before them; old rows read 0: no mark, instance unknown), inside the caller's transaction;
     * safe to repeat and to run from two openers at once.
     */
    static void ensureColumns(Connection c) throws SQLException {
        for (String column : new String[] {"DEVICE_SEQ", "INSTANCE_SEQ"}) {
            DerbySchema.addColumnIfMissing(c, "DTM_LEASE", column, column + " BIGINT NOT NULL DEFAULT 0");
        }
    }

    /**
     * {@link net.dtm.spi.store.LeaseStore#tryBind}: one {@code INSERT}; on a conflict the device's
     * own binding wins over the address.
     *
     * @throws IllegalArgumentException if the pool does not exist
     */
    BindResult tryBind(Lease proposed) {
        return db.writeOneStatement(bindWhat(proposed), c -> insert(c, proposed));
    }

    /** As {@link #tryBind}, completing once committed. */
    CompletableFuture<BindResult> tryBindAsync(Lease proposed) {
        return db.writeOneStatementAsync(bindWhat(proposed), c -> insert(c, proposed));
    }

    private static String bindWhat(Lease proposed) {
        return "bind " + proposed.address().getHostAddress() + " to " + proposed.device() + " in pool " + proposed.pool();
    }

    /** One {@code INSERT}; on a conflict the device's own binding wins over the address. */
    private BindResult insert(Connection c, Lease proposed) throws SQLException {
        for (int attempt = 0; attempt < DerbyConnections.ATTEMPTS; attempt++) {
            try {
                PreparedStatement ps = db.statement(c, INSERT_LEASE);
                bindLease(ps, proposed);
                ps.executeUpdate();
                return new BindResult(BindResult.Outcome.BOUND, proposed);
            } catch (SQLException e) {
                if ("23503".equals(e.getSQLState())) {
                    throw new IllegalArgumentException("no pool " + proposed.pool());
                }
                if (!DerbyConnections.isDuplicate(e)) {
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
        throw new StoreUnavailableException(bindWhat(proposed) + " kept conflicting with concurrent removals", null);
    }

    Optional<Lease> update(Lease updated, long expectedSequence) {
        checkUpdate(updated, expectedSequence);
        return db.writeOneStatement(updateWhat(updated), c -> casUpdate(c, updated, expectedSequence));
    }

    /** As {@link #update}, completing once committed. */
    CompletableFuture<Optional<Lease>> updateAsync(Lease updated, long expectedSequence) {
        checkUpdate(updated, expectedSequence);
        return db.writeOneStatementAsync(updateWhat(updated), c -> casUpdate(c, updated, expectedSequence));
    }

    private static void checkUpdate(Lease updated, long expectedSequence) {
        if (updated.sequence() <= expectedSequence) {
            throw new IllegalArgumentException("updated sequence " + updated.sequence()
                    + " must be higher than the expected " + expectedSequence);
        }
    }

    private static String updateWhat(Lease updated) {
        return "update lease of " + updated.device() + " in pool " + updated.pool();
    }

    private Optional<Lease> casUpdate(Connection c, Lease updated, long expectedSequence) throws SQLException {
        PreparedStatement ps = db.statement(c, UPDATE_LEASE);
        bindChangeable(ps, 1, updated);
        ps.setString(9, updated.pool());
        ps.setString(10, updated.device().value());
        ps.setLong(11, expectedSequence);
        ps.setString(12, AddressHex.encode(updated.address()));
        return ps.executeUpdate() == 1 ? Optional.of(updated) : Optional.empty();
    }

    boolean remove(String pool, DeviceId device, long expectedSequence) {
        return db.writeOneStatement("remove lease of " + device + " in pool " + pool, c -> {
            PreparedStatement ps = db.statement(c, DELETE_LEASE);
            ps.setString(1, pool);
            ps.setString(2, device.value());
            ps.setLong(3, expectedSequence);
            return ps.executeUpdate() == 1;
        });
    }

    Optional<Lease> findByDevice(String pool, DeviceId device) {
        return db.run("read lease of " + device + " in pool " + pool, c -> selectByDevice(c, pool, device));
    }

    Optional<Lease> findByAddress(String pool, InetAddress address) {
        return db.run("read lease of " + address.getHostAddress() + " in pool " + pool, c -> selectByAddress(c, pool, address));
    }

    List<Lease> leases(String pool) {
        return db.run("list leases of pool " + pool, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + LEASE_COLUMNS + " FROM dtm_lease WHERE pool_name = ? ORDER BY address")) {
                ps.setString(1, pool);
                return readLeases(ps);
            }
        });
    }

    List<Lease> leases(String pool, InetAddress after, int limit) {
        checkLimit(limit);
        return db.run("list leases of pool " + pool + (after == null ? "" : " after " + after.getHostAddress()), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + LEASE_COLUMNS + " FROM dtm_lease WHERE pool_name = ?"
                    + (after == null ? "" : " AND address > ?") + " ORDER BY address FETCH FIRST ? ROWS ONLY")) {
                int i = 1;
                ps.setString(i++, pool);
                if (after != null) {
                    ps.setString(i++, AddressHex.encode(after));
                }
                ps.setInt(i, limit);
                return readLeases(ps);
            }
        });
    }

    List<Lease> reclaimable(String pool, Instant boundary, int limit) {
        checkLimit(limit);
        return db.run("list reclaimable leases of pool " + pool, c -> {
            // Read in expiry order from the expiry index, stopping after the page (the index is
            // named: Derby may otherwise take the primary key for pool_name and sort the pool);
            // expires_sec <= ? bounds the index scan, the OR refines within that second.
            try (PreparedStatement ps = c.prepareStatement("SELECT " + LEASE_COLUMNS + " FROM dtm_lease "
                    + "--DERBY-PROPERTIES index=" + DerbySchema.EXPIRY_INDEX + "\n"
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

    void forEachAddress(String pool, Consumer<InetAddress> sink) {
        // Streams only the address column (read from the unique index). A retried attempt resumes
        // after the last address handed over, so the sink never sees one twice.
        InetAddress[] last = new InetAddress[1];
        db.run("list addresses of pool " + pool, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT address FROM dtm_lease WHERE pool_name = ?"
                    + (last[0] == null ? "" : " AND address > ?") + " ORDER BY address")) {
                ps.setString(1, pool);
                if (last[0] != null) {
                    ps.setString(2, AddressHex.encode(last[0]));
                }
                ps.setFetchSize(1000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        InetAddress a = AddressHex.decode(rs.getString(1));
                        sink.accept(a);
                        last[0] = a;
                    }
                }
            }
            return null;
        });
    }

    /** Later than the instant of the next three parameters (seconds, seconds, nanoseconds). */
    private static final String AFTER = "(expires_sec > ? OR (expires_sec = ? AND expires_nano > ?))";
    /** At or before the instant of the next three parameters. */
    private static final String NOT_AFTER = "(expires_sec < ? OR (expires_sec = ? AND expires_nano <= ?))";

    /**
     * Every count at once, in one pass over the pool's rows: total, reserved, locked and bound ones
     * not expired at {@code now}, and reclaimable ones (RELEASED or expired at {@code now}, and
     * expired at the quarantine boundary; up to the earlier of the two instants that is every
     * binding, between them only released ones).
     */
    private static final String COUNTS = "SELECT COUNT(*), "
            + "SUM(CASE WHEN reserved <> 0 THEN 1 ELSE 0 END), "
            + "SUM(CASE WHEN lease_state = 'LOCKED' AND " + AFTER + " THEN 1 ELSE 0 END), "
            + "SUM(CASE WHEN lease_state = 'BOUND' AND " + AFTER + " THEN 1 ELSE 0 END), "
            + "SUM(CASE WHEN " + NOT_AFTER + " OR (lease_state = 'RELEASED' AND " + AFTER + " AND " + NOT_AFTER
            + ") THEN 1 ELSE 0 END) "
            + "FROM dtm_lease WHERE pool_name = ?";

    /**
     * {@link net.dtm.spi.store.LeaseStore#countLeases}: one statement reading the pool's rows once
     * (a full scan: no index carries state and reservation, see
     * {@link DerbySchema#ensureExpiryIndex}); quarantined ones are the rest. One statement sees one
     * state of the table, so the figures add up.
     */
    LeaseCounts countLeases(String pool, Instant now, Instant quarantineBoundary) {
        return db.run("count leases of pool " + pool, c -> {
            Instant earlier = quarantineBoundary.isBefore(now) ? quarantineBoundary : now;
            try (PreparedStatement ps = c.prepareStatement(COUNTS)) {
                int i = 1;
                for (Instant t : new Instant[] {now, now, earlier, now, quarantineBoundary}) {
                    ps.setLong(i++, t.getEpochSecond());
                    ps.setLong(i++, t.getEpochSecond());
                    ps.setInt(i++, t.getNano());
                }
                ps.setString(i, pool);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long total = rs.getLong(1);
                    long reserved = rs.getLong(2); // SUM of no rows is NULL: getLong gives 0
                    long locked = rs.getLong(3);
                    long bound = rs.getLong(4);
                    long reclaimable = rs.getLong(5);
                    long quarantined = Math.max(0, total - locked - bound - reclaimable);
                    return new LeaseCounts(locked, bound, quarantined, reclaimable, reserved);
                }
            }
        });
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
        PreparedStatement ps = db.statement(c, LEASE_BY_DEVICE);
        ps.setString(1, pool);
        ps.setString(2, device.value());
        return single(ps);
    }

    private Optional<Lease> selectByAddress(Connection c, String pool, InetAddress address) throws SQLException {
        PreparedStatement ps = db.statement(c, LEASE_BY_ADDRESS);
        ps.setString(1, pool);
        ps.setString(2, AddressHex.encode(address));
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
        ps.setString(3, AddressHex.encode(l.address()));
        bindChangeable(ps, 4, l);
    }

    /** The 8 columns an update may change, state to instance, as parameters {@code from..from+7}. */
    private static void bindChangeable(PreparedStatement ps, int from, Lease l) throws SQLException {
        ps.setString(from, l.state().name());
        ps.setLong(from + 1, l.sequence());
        ps.setLong(from + 2, l.expiresAt().getEpochSecond());
        ps.setInt(from + 3, l.expiresAt().getNano());
        ps.setString(from + 4, l.nodeId());
        ps.setShort(from + 5, l.reserved() ? (short) 1 : (short) 0);
        ps.setLong(from + 6, l.deviceSequence());
        ps.setLong(from + 7, l.instance());
    }

    private static Lease readLease(ResultSet rs) throws SQLException {
        return new Lease(rs.getString(1), DeviceId.of(rs.getString(2)), AddressHex.decode(rs.getString(3)),
                LeaseState.valueOf(rs.getString(4)), rs.getLong(5),
                Instant.ofEpochSecond(rs.getLong(6), rs.getInt(7)), rs.getString(8), rs.getShort(9) != 0,
                rs.getLong(10), rs.getLong(11));
    }
}
