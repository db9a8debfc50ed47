package net.dtm.store.derby;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-connection statement cache, over a real embedded Derby database on disk. */
class StatementCacheTest {

    private static final String INSERT = "INSERT INTO kv (k, v) VALUES (?, ?)";
    private static final String SELECT = "SELECT v FROM kv WHERE k = ?";

    @TempDir
    static Path dir;

    private static String url;

    private final List<Connection> opened = new ArrayList<>();
    private StatementCache cache;

    @BeforeAll
    static void createDatabase() throws SQLException {
        url = "jdbc:derby:" + dir.resolve("db").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url + ";create=true"); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE kv (k INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL)");
        }
    }

    @AfterAll
    static void shutDown() {
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(url + ";shutdown=true"));
        assertEquals("08006", e.getSQLState(), e.getMessage());
    }

    @BeforeEach
    void emptyTable() throws SQLException {
        cache = new StatementCache();
        try (Connection c = open(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM kv");
        }
    }

    @AfterEach
    void closeConnections() throws SQLException {
        for (Connection c : opened) {
            c.close();
        }
    }

    private Connection open() throws SQLException {
        Connection c = DriverManager.getConnection(url);
        opened.add(c);
        return c;
    }

    @Test
    void theSameConnectionAndSqlGiveTheSameStatement() throws SQLException {
        Connection c = open();
        PreparedStatement first = cache.get(c, INSERT);
        PreparedStatement second = cache.get(c, INSERT);
        assertSame(first, second, "prepared once per connection");
        assertSame(c, first.getConnection());
        assertNotSame(first, cache.get(c, SELECT), "another statement on the same connection is its own");
        assertSame(cache.get(c, SELECT), cache.get(c, SELECT));
        assertEquals(1, cache.connections());
    }

    @Test
    void anotherConnectionGetsItsOwnStatement() throws SQLException {
        Connection a = open();
        Connection b = open();
        PreparedStatement onA = cache.get(a, INSERT);
        PreparedStatement onB = cache.get(b, INSERT);
        assertNotSame(onA, onB);
        assertSame(a, onA.getConnection());
        assertSame(b, onB.getConnection());
        assertSame(onA, cache.get(a, INSERT), "b's statement did not replace a's");
        assertEquals(2, cache.connections());
    }

    @Test
    void aCachedStatementTakesNewParametersOnEachUse() throws SQLException {
        Connection c = open();
        PreparedStatement insert = cache.get(c, INSERT);
        insert.setInt(1, 1);
        insert.setString(2, "one");
        assertEquals(1, insert.executeUpdate());
        insert = cache.get(c, INSERT);
        insert.setInt(1, 2);
        insert.setString(2, "two");
        assertEquals(1, insert.executeUpdate());

        assertEquals("one", value(c, 1));
        assertEquals("two", value(c, 2), "the same select, with a new parameter");
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT k, v FROM kv ORDER BY k")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getInt(1) + "=" + rs.getString(2));
            }
            assertEquals(List.of("1=one", "2=two"), rows);
        }
    }

    private String value(Connection c, int k) throws SQLException {
        PreparedStatement select = cache.get(c, SELECT);
        select.setInt(1, k);
        try (ResultSet rs = select.executeQuery()) {
            assertTrue(rs.next(), "row " + k);
            return rs.getString(1);
        }
    }

    @Test
    void aClosedConnectionIsForgottenWhenANewConnectionArrives() throws SQLException {
        Connection a = open();
        Connection b = open();
        cache.get(a, INSERT);
        cache.get(b, INSERT);
        assertEquals(2, cache.connections());

        a.close();
        cache.get(b, SELECT);
        assertEquals(2, cache.connections(), "a connection the cache knows does not look for closed ones");

        Connection c = open();
        PreparedStatement onC = cache.get(c, INSERT);
        assertEquals(2, cache.connections(), "b and c: the closed a is gone");
        assertSame(c, onC.getConnection());
        assertSame(onC, cache.get(c, INSERT));
    }
}
