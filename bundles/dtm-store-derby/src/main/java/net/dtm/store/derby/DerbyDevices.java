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
 * prev_until_sec, prev_until_nano} (NULL when none); for a device that enrolled itself, the
 * router's public key {@code router_key_hex} and the re-enrolment allowance
 * {@code reenrol_until_sec, reenrol_until_nano} (NULL when none, and in rows written before them).
 */
final class DerbyDevices {

    private static final Logger LOG = LoggerFactory.getLogger(DerbyDevices.class);

    private static final String COLUMNS =
            "device_id, key_hex, enrolled_sec, enrolled_nano, disabled, prev_key_hex, prev_until_sec, prev_until_nano, "
            + "router_key_hex, reenrol_until_sec, reenrol_until_nano";
    private static final String DEVICE_BY_ID = "SELECT " + COLUMNS + " FROM dtm_device WHERE device_id = ?";

    private final DerbyConnections db;
    private final List<DeviceStore.Listener> listeners = new CopyOnWriteArrayList<>();

    DerbyDevices(DerbyConnections db) {
        this.db = db;
    }

    /**
     * Adds the columns of disabling, re-keying and self-enrolment to {@code dtm_device} if they are
     * missing (a database created before them: its rows read NULL), inside the caller's
     * transaction; safe to repeat and to run from two openers at once.
     */
    static void ensureColumns(Connection c) throws SQLException {
        String[][] columns = {
            {"DISABLED", "disabled SMALLINT NOT NULL DEFAULT 0"},
            {"PREV_KEY_HEX", "prev_key_hex VARCHAR(64)"},
            {"PREV_UNTIL_SEC", "prev_until_sec BIGINT"},
            {"PREV_UNTIL_NANO", "prev_until_nano INT"},
            {"ROUTER_KEY_HEX", "router_key_hex VARCHAR(64)"},
            {"REENROL_UNTIL_SEC", "reenrol_until_sec BIGINT"},
            {"REENROL_UNTIL_NANO", "reenrol_until_nano INT"},
        };
        for (String[] column : columns) {
            DerbySchema.addColumnIfMissing(c, "DTM_DEVICE", column[0], column[1]);
        }
    }

    boolean add(DeviceCredential credential) {
        boolean added = db.insertUnlessDuplicate("enrol device " + credential.device(),
                "INSERT INTO dtm_device (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
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
                    + "enrolled_nano = ?, disabled = ?, prev_key_hex = ?, prev_until_sec = ?, prev_until_nano = ?, "
                    + "router_key_hex = ?, reenrol_until_sec = ?, reenrol_until_nano = ? "
                    + "WHERE device_id = ? AND key_hex = ? AND enrolled_sec = ? AND enrolled_nano = ? AND disabled = ? "
                    + "AND COALESCE(prev_key_hex, '') = ? AND COALESCE(prev_until_sec, -1) = ? "
                    + "AND COALESCE(prev_until_nano, -1) = ? AND COALESCE(router_key_hex, '') = ? "
                    + "AND COALESCE(reenrol_until_sec, -1) = ? AND COALESCE(reenrol_until_nano, -1) = ?")) {
                setRecord(ps, 1, updated);
                ps.setString(11, expected.device().value());
                ps.setString(12, expected.keyHex());
                ps.setLong(13, expected.enrolledAt().getEpochSecond());
                ps.setInt(14, expected.enrolledAt().getNano());
                ps.setShort(15, (short) (expected.disabled() ? 1 : 0));
                ps.setString(16, hexOrEmpty(expected.previousKey()));
                setInstantOrMinusOne(ps, 17, expected.previousKeyUntil());
                ps.setString(19, hexOrEmpty(expected.routerKey()));
                setInstantOrMinusOne(ps, 20, expected.reenrolUntil());
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

    private static String hexOrEmpty(byte[] bytes) {
        return bytes == null ? "" : HexFormat.of().formatHex(bytes);
    }

    /** Seconds and nanoseconds of {@code instant} into two parameters from {@code first}; -1 and -1 for null. */
    private static void setInstantOrMinusOne(PreparedStatement ps, int first, Instant instant) throws SQLException {
        ps.setLong(first, instant == null ? -1 : instant.getEpochSecond());
        ps.setInt(first + 1, instant == null ? -1 : instant.getNano());
    }

    /** Seconds and nanoseconds of {@code instant} into two parameters from {@code first}; NULL for null. */
    private static void setInstantOrNull(PreparedStatement ps, int first, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setNull(first, Types.BIGINT);
            ps.setNull(first + 1, Types.INTEGER);
        } else {
            ps.setLong(first, instant.getEpochSecond());
            ps.setInt(first + 1, instant.getNano());
        }
    }

    /**
     * The record's key, enrolment, flag, previous key, router key and re-enrolment allowance into
     * ten parameters from {@code first}.
     */
    private static void setRecord(PreparedStatement ps, int first, DeviceCredential d) throws SQLException {
        ps.setString(first, d.keyHex());
        ps.setLong(first + 1, d.enrolledAt().getEpochSecond());
        ps.setInt(first + 2, d.enrolledAt().getNano());
        ps.setShort(first + 3, (short) (d.disabled() ? 1 : 0));
        if (d.previousKey() == null) {
            ps.setNull(first + 4, Types.VARCHAR);
        } else {
            ps.setString(first + 4, HexFormat.of().formatHex(d.previousKey()));
        }
        setInstantOrNull(ps, first + 5, d.previousKeyUntil());
        if (d.routerKey() == null) {
            ps.setNull(first + 7, Types.VARCHAR);
        } else {
            ps.setString(first + 7, HexFormat.of().formatHex(d.routerKey()));
        }
        setInstantOrNull(ps, first + 8, d.reenrolUntil());
    }

    private static DeviceCredential readDevice(ResultSet rs) throws SQLException {
        String previous = rs.getString(6);
        String router = rs.getString(9);
        long reenrolSec = rs.getLong(10);
        boolean reenrol = !rs.wasNull();
        return new DeviceCredential(DeviceId.of(rs.getString(1)), DeviceCredential.parseKey(rs.getString(2)),
                Instant.ofEpochSecond(rs.getLong(3), rs.getInt(4)), rs.getShort(5) != 0,
                previous == null ? null : DeviceCredential.parseKey(previous),
                previous == null ? null : Instant.ofEpochSecond(rs.getLong(7), rs.getInt(8)),
                router == null ? null : DeviceCredential.parseKey(router),
                reenrol ? Instant.ofEpochSecond(reenrolSec, rs.getInt(11)) : null);
    }
}
