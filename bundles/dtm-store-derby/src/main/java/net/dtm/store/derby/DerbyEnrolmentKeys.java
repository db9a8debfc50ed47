package net.dtm.store.derby;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import net.dtm.api.EnrolmentKey;
import net.dtm.spi.store.EnrolmentKeyStore;

/**
 * The enrolment keys of the Derby store, rows of {@code dtm_enrolment_key}: {@code key_id}
 * (primary key), {@code verifier_hex}, {@code reply_key_hex}, {@code label}, {@code device_pattern}, {@code pool_name}
 * (empty for the default), {@code max_uses}, {@code uses}, {@code created_sec, created_nano},
 * {@code expires_sec, expires_nano}, {@code revoked} (0/1). The table is created when missing by
 * {@link #ensureTable}, whatever the schema version (an idempotent migration, as the device
 * columns). Writes go through the store's writer like the devices'; a lost database is
 * {@link net.dtm.spi.store.StoreUnavailableException}. A malformed id is never found.
 */
final class DerbyEnrolmentKeys implements EnrolmentKeyStore {

    private static final String TABLE = "DTM_ENROLMENT_KEY";
    private static final String COLUMNS = "key_id, verifier_hex, reply_key_hex, label, device_pattern, pool_name, max_uses, uses, "
            + "created_sec, created_nano, expires_sec, expires_nano, revoked";
    /** Every column but the id: what an UPDATE sets and, for compare-and-set, compares. */
    private static final String[] FIELDS = {"verifier_hex", "reply_key_hex", "label", "device_pattern", "pool_name", "max_uses", "uses",
        "created_sec", "created_nano", "expires_sec", "expires_nano", "revoked"};
    private static final String KEY_BY_ID = "SELECT " + COLUMNS + " FROM dtm_enrolment_key WHERE key_id = ?";
    private static final String REPLACE = "UPDATE dtm_enrolment_key SET " + assignments(", ") + " WHERE key_id = ? AND "
            + assignments(" AND ");

    private final DerbyConnections db;

    DerbyEnrolmentKeys(DerbyConnections db) {
        this.db = db;
    }

    /** {@code column = ?} for each of {@link #FIELDS}, joined by {@code separator}. */
    private static String assignments(String separator) {
        return String.join(separator, Arrays.stream(FIELDS).map(f -> f + " = ?").toList());
    }

    /**
     * Creates {@code dtm_enrolment_key} if it is missing (a new database, or one created before
     * enrolment keys), inside the caller's transaction; safe to repeat and to run from two openers at once.
     */
    static void ensureTable(Connection c) throws SQLException {
        DerbySchema.createTableIfMissing(c, TABLE, "CREATE TABLE dtm_enrolment_key ("
                + "key_id VARCHAR(32) NOT NULL, verifier_hex VARCHAR(64) NOT NULL, reply_key_hex VARCHAR(64) NOT NULL, label VARCHAR(" + EnrolmentKey.MAX_LABEL
                + ") NOT NULL, device_pattern VARCHAR(64) NOT NULL, pool_name VARCHAR(64) NOT NULL, "
                + "max_uses INT NOT NULL, uses INT NOT NULL, created_sec BIGINT NOT NULL, created_nano INT NOT NULL, "
                + "expires_sec BIGINT NOT NULL, expires_nano INT NOT NULL, revoked SMALLINT NOT NULL, "
                + "CONSTRAINT dtm_enrolment_key_pk PRIMARY KEY (key_id))");
    }

    @Override
    public boolean add(EnrolmentKey key) {
        return db.insertUnlessDuplicate("add enrolment key " + key.id(),
                "INSERT INTO dtm_enrolment_key (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, key.id());
                    setFields(ps, 2, key);
                });
    }

    @Override
    public Optional<EnrolmentKey> find(String id) {
        if (!EnrolmentKey.isValidId(id)) {
            return Optional.empty();
        }
        return db.run("read enrolment key " + id, c -> {
            PreparedStatement ps = db.statement(c, KEY_BY_ID);
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.<EnrolmentKey>empty();
            }
        });
    }

    @Override
    public List<EnrolmentKey> list() {
        return db.run("list enrolment keys", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM dtm_enrolment_key ORDER BY key_id");
                 ResultSet rs = ps.executeQuery()) {
                List<EnrolmentKey> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(read(rs));
                }
                return out;
            }
        });
    }

    /** {@inheritDoc} One UPDATE whose WHERE clause is the whole expected record: compare-and-set in one statement. */
    @Override
    public boolean replace(EnrolmentKey expected, EnrolmentKey updated) {
        if (!expected.id().equals(updated.id())) {
            throw new IllegalArgumentException("cannot replace enrolment key " + expected.id() + " by " + updated.id());
        }
        return db.write("change enrolment key " + expected.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement(REPLACE)) {
                setFields(ps, 1, updated);
                ps.setString(FIELDS.length + 1, expected.id());
                setFields(ps, FIELDS.length + 2, expected);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean remove(String id) {
        if (!EnrolmentKey.isValidId(id)) {
            return false;
        }
        return db.write("remove enrolment key " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dtm_enrolment_key WHERE key_id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Every field but the id, in the order of {@link #FIELDS}, into parameters from {@code first}. */
    private static void setFields(PreparedStatement ps, int first, EnrolmentKey k) throws SQLException {
        ps.setString(first, HexFormat.of().formatHex(k.verifier()));
        ps.setString(first + 1, HexFormat.of().formatHex(k.replyKey()));
        ps.setString(first + 2, k.label());
        ps.setString(first + 3, k.devicePattern());
        ps.setString(first + 4, k.pool());
        ps.setInt(first + 5, k.maxUses());
        ps.setInt(first + 6, k.uses());
        ps.setLong(first + 7, k.createdAt().getEpochSecond());
        ps.setInt(first + 8, k.createdAt().getNano());
        ps.setLong(first + 9, k.expiresAt().getEpochSecond());
        ps.setInt(first + 10, k.expiresAt().getNano());
        ps.setShort(first + 11, (short) (k.revoked() ? 1 : 0));
    }

    private static EnrolmentKey read(ResultSet rs) throws SQLException {
        return new EnrolmentKey(rs.getString(1), HexFormat.of().parseHex(rs.getString(2)),
                HexFormat.of().parseHex(rs.getString(3)), rs.getString(4), rs.getString(5), rs.getString(6), rs.getInt(7),
                rs.getInt(8), Instant.ofEpochSecond(rs.getLong(9), rs.getInt(10)),
                Instant.ofEpochSecond(rs.getLong(11), rs.getInt(12)), rs.getShort(13) != 0);
    }
}
