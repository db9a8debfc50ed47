package net.dtm.store.derby;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** An in-memory Derby database of integer tables for the writer's tests: created, emptied, read, dropped. */
final class MemoryDatabase {

    final String url;

    MemoryDatabase(String name) {
        this.url = "jdbc:derby:memory:" + name;
    }

    /** Creates it with {@code ddl}. */
    void create(String... ddl) throws SQLException {
        try (Connection c = DriverManager.getConnection(url + ";create=true"); Statement s = c.createStatement()) {
            for (String statement : ddl) {
                s.executeUpdate(statement);
            }
        }
    }

    void empty(String... tables) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String table : tables) {
                s.executeUpdate("DELETE FROM " + table);
            }
        }
    }

    void drop() {
        try {
            DriverManager.getConnection(url + ";drop=true");
        } catch (SQLException expected) {
            // 08006: dropped
        }
    }

    /** A connection as the writer opens one: auto-commit off, read committed. */
    Connection writerConnection() throws SQLException {
        Connection c = DriverManager.getConnection(url);
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        return c;
    }

    /** The integer column {@code k} of {@code table}, ascending. */
    List<Integer> rows(String table) throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT k FROM " + table + " ORDER BY k")) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }
}
