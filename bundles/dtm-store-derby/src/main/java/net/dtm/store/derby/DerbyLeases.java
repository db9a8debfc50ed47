package net.dtm.store.derby;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger LOG = LoggerFactory.getLogger(DerbyLeases.class);

    private final DerbyConnections db;
    private final ExpiryIndex expiries;

    /** The bindings of {@code db}; reads every binding's expiry into {@code expiries} (one scan). */
    DerbyLeases(DerbyConnections db, ExpiryIndex expiries) {
        this.db = db;
        this.expiries = expiries;
        long started = System.nanoTime();
        db.run("read the expiry of every binding", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT pool_name, device_id, expires_sec, expires_nano, lease_state, reserved FROM dtm_lease")) {
                ps.setFetchSize(1000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        expiries.load(rs.getString(1), rs.getString(2), Instant.ofEpochSecond(rs.getLong(3), rs.getInt(4)),
                                LeaseState.valueOf(rs.getString(5)), rs.getShort(6) != 0);
                    }
                }
            }
            return null;
        });
        LOG.info("derby store: read the expiry of {} bindings in {} ms", expiries.size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** A binding now stored as {@code l}: for the expiry index, with its transaction. */
    private void stored(Lease l) {
        expiries.changed(new ExpiryIndex.Put(l.pool(), l.device().value(), l.expiresAt(), l.state(), l.reserved()));
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
                stored(proposed);
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
        if (ps.executeUpdate() != 1) {
            return Optional.empty();
        }
        stored(updated);
        return Optional.of(updated);
    }

    boolean remove(String pool, DeviceId device, long expectedSequence) {
        return db.writeOneStatement("remove lease of " + device + " in pool " + pool, c -> {
            PreparedStatement ps = db.statement(c, DELETE_LEASE);
            ps.setString(1, pool);
            ps.setString(2, device.value());
            ps.setLong(3, expectedSequence);
            if (ps.executeUpdate() != 1) {
                return false;
            }
            expiries.changed(new ExpiryIndex.Remove(pool, device.value()));
            return true;
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

    /**
     * {@link net.dtm.spi.store.LeaseStore#reclaimable}: the candidates from the expiry index
     * ({@link ExpiryIndex}), oldest expiry first, each read by its primary key and returned only if
     * its row still qualifies (the index may lag a commit).
     */
    List<Lease> reclaimable(String pool, Instant boundary, int limit) {
        checkLimit(limit);
        List<String> candidates = expiries.reclaimable(pool, boundary, limit);
        if (candidates.isEmpty()) {
            return List.of();
        }
        return db.run("list reclaimable leases of pool " + pool, c -> {
            List<Lease> out = new ArrayList<>(candidates.size());
            for (String device : candidates) {
                Optional<Lease> l = selectByDevice(c, pool, DeviceId.of(device));
                if (l.isPresent() && !l.get().reserved() && !l.get().expiresAt().isAfter(boundary)) {
                    out.add(l.get());
                }
            }
            out.sort(Comparator.comparing(Lease::expiresAt));
            return out;
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

    /** {@link net.dtm.spi.store.LeaseStore#countLeases}: from the expiry index, no statement. */
    LeaseCounts countLeases(String pool, Instant now, Instant quarantineBoundary) {
        return expiries.counts(pool, now, quarantineBoundary);
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
