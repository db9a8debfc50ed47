package net.dtm.store.derby;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;

/** The enrolled devices of the Derby store, rows of {@code dtm_device}. */
final class DerbyDevices {

    private static final String DEVICE_BY_ID =
            "SELECT device_id, key_hex, enrolled_sec, enrolled_nano FROM dtm_device WHERE device_id = ?";

    private final DerbyConnections db;

    DerbyDevices(DerbyConnections db) {
        this.db = db;
    }

    boolean add(DeviceCredential credential) {
        return db.insertUnlessDuplicate("enrol device " + credential.device(),
                "INSERT INTO dtm_device (device_id, key_hex, enrolled_sec, enrolled_nano) VALUES (?, ?, ?, ?)", ps -> {
                    ps.setString(1, credential.device().value());
                    ps.setString(2, credential.keyHex());
                    ps.setLong(3, credential.enrolledAt().getEpochSecond());
                    ps.setInt(4, credential.enrolledAt().getNano());
                });
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

    boolean remove(DeviceId id) {
        return db.write("remove device " + id, c -> {
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
}
