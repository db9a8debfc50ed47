package net.dtm.store.derby;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.spi.store.DeviceStore;

/**
 * The enrolled devices of the Derby store, rows of {@code dtm_device}, and the in-process change
 * notification: a standalone node is a cluster of one, so every change goes through here and
 * listeners are told once it is committed, on the writing thread.
 * <p>
 * Columns: {@code device_id, key_hex, enrolled_sec, enrolled_nano} (schema version 1) and, added
 * by {@link #ensureColumns} to new and existing databases alike, {@code disabled} (0/1) and the
 * key kept after a re-key with the instant until which it is accepted: {@code prev_key_hex,
 * prev_until_sec, prev_until_nano} (NULL when none).
 */
final class DerbyDevices {

    private static final Logger LOG = LoggerFactory.getLogger(DerbyDevices.class);

    private static final String COLUMNS =
            "device_id, key_hex, enrolled_sec, enrolled_nano, disabled, prev_key_hex, prev_until_sec, prev_until_nano";
    private static final String DEVICE_BY_ID = "SELECT " + COLUMNS + " FROM dtm_device WHERE device_id = ?";

    private final DerbyConnections db;
    private final List<DeviceStore.Listener> listeners = new CopyOnWriteArrayList<>();

    DerbyDevices(DerbyConnections db) {
        this.db = db;
    }

    /**
     * Adds the columns of disabling and re-keying to {@code dtm_device} if they are missing (a
     * database created before them), inside the caller's transaction; safe to repeat and to run
     * from two openers at once.
     */
    static void ensureColumns(Connection c) throws SQLException {
        String[][] columns = {
            {"DISABLED", "disabled SMALLINT NOT NULL DEFAULT 0"},
            {"PREV_KEY_HEX", "prev_key_hex VARCHAR(64)"},
            {"PREV_UNTIL_SEC", "prev_until_sec BIGINT"},
            {"PREV_UNTIL_NANO", "prev_until_nano INT"},
        };
        for (String[] column : columns) {
            DerbySchema.addColumnIfMissing(c, "DTM_DEVICE", column[0], column[1]);
        }
    }

    boolean add(DeviceCredential credential) {
        boolean added = db.insertUnlessDuplicate("enrol device " + credential.device(),
                "INSERT INTO dtm_device (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, credential.device().value());
                    setRecord(ps, 2, credential);
                });
        return notifyIf(added, credential.device());
    }

    Optional<DeviceCredential> find(DeviceId id) {
        return db.run("read device " + id, c -> {
            PreparedStatement ps = db.statement(c, DEVICE_BY_ID);
            ps.setString(1, id.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readDevice(rs)) : Optional.<DeviceCredential>empty();
            }
        });
    }

    List<DeviceCredential> list() {
        return db.run("list devices", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM dtm_device ORDER BY device_id");
                 ResultSet rs = ps.executeQuery()) {
                List<DeviceCredential> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(readDevice(rs));
                }
                return out;
            }
        });
    }

    boolean remove(DeviceId id) {
        boolean removed = db.write("remove device " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dtm_device WHERE device_id = ?")) {
                ps.setString(1, id.value());
                return ps.executeUpdate() == 1;
            }
        });
        return notifyIf(removed, id);
    }

    /** One UPDATE whose WHERE clause is the whole expected record: compare-and-set in one statement. */
    boolean replace(DeviceCredential expected, DeviceCredential updated) {
        if (!expected.device().equals(updated.device())) {
            throw new IllegalArgumentException("cannot replace device " + expected.device() + " by " + updated.device());
        }
        boolean replaced = db.write("change device " + expected.device(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE dtm_device SET key_hex = ?, enrolled_sec = ?, "
                    + "enrolled_nano = ?, disabled = ?, prev_key_hex = ?, prev_until_sec = ?, prev_until_nano = ? "
                    + "WHERE device_id = ? AND key_hex = ? AND enrolled_sec = ? AND enrolled_nano = ? AND disabled = ? "
                    + "AND COALESCE(prev_key_hex, '') = ? AND COALESCE(prev_until_sec, -1) = ? "
                    + "AND COALESCE(prev_until_nano, -1) = ?")) {
                setRecord(ps, 1, updated);
                ps.setString(8, expected.device().value());
                ps.setString(9, expected.keyHex());
                ps.setLong(10, expected.enrolledAt().getEpochSecond());
                ps.setInt(11, expected.enrolledAt().getNano());
                ps.setShort(12, (short) (expected.disabled() ? 1 : 0));
                ps.setString(13, expected.previousKey() == null ? "" : HexFormat.of().formatHex(expected.previousKey()));
                ps.setLong(14, expected.previousKeyUntil() == null ? -1 : expected.previousKeyUntil().getEpochSecond());
                ps.setInt(15, expected.previousKeyUntil() == null ? -1 : expected.previousKeyUntil().getNano());
                return ps.executeUpdate() == 1;
            }
        });
        return notifyIf(replaced, expected.device());
    }

    DeviceStore.Subscription addListener(DeviceStore.Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private boolean notifyIf(boolean changed, DeviceId id) {
        if (changed) {
            for (DeviceStore.Listener l : listeners) {
                try {
                    l.changed(id);
                } catch (RuntimeException e) {
                    LOG.warn("device listener failed on a change of device {}", id, e);
                }
            }
        }
        return changed;
    }

    /** The record's key, enrolment, flag and previous key into seven parameters from {@code first}. */
    private static void setRecord(PreparedStatement ps, int first, DeviceCredential d) throws SQLException {
        ps.setString(first, d.keyHex());
        ps.setLong(first + 1, d.enrolledAt().getEpochSecond());
        ps.setInt(first + 2, d.enrolledAt().getNano());
        ps.setShort(first + 3, (short) (d.disabled() ? 1 : 0));
        if (d.previousKey() == null) {
            ps.setNull(first + 4, Types.VARCHAR);
            ps.setNull(first + 5, Types.BIGINT);
            ps.setNull(first + 6, Types.INTEGER);
        } else {
            ps.setString(first + 4, HexFormat.of().formatHex(d.previousKey()));
            ps.setLong(first + 5, d.previousKeyUntil().getEpochSecond());
            ps.setInt(first + 6, d.previousKeyUntil().getNano());
        }
    }

    private static DeviceCredential readDevice(ResultSet rs) throws SQLException {
        String previous = rs.getString(6);
        return new DeviceCredential(DeviceId.of(rs.getString(1)), DeviceCredential.parseKey(rs.getString(2)),
                Instant.ofEpochSecond(rs.getLong(3), rs.getInt(4)), rs.getShort(5) != 0,
                previous == null ? null : DeviceCredential.parseKey(previous),
                previous == null ? null : Instant.ofEpochSecond(rs.getLong(7), rs.getInt(8)));
    }
}
