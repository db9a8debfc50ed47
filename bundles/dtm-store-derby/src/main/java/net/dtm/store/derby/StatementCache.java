package net.dtm.store.derby;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Prepared statements kept per connection, so the statements of every lease write and lookup are
 * prepared once per connection rather than on every call: even with Derby's own cache of compiled
 * plans, preparing cost about a quarter of a lease write.
 * <p>
 * A statement from here belongs to the cache: the caller sets every parameter, closes the result
 * sets it opens and never closes the statement. A connection's statements are closed with it;
 * its entry is dropped when a connection new to the cache arrives and finds it closed, so the
 * cache holds the open connections and at most the few closed since the last new one. Safe for
 * many threads as long as each connection is used by one thread at a time, as every connection of
 * the store is.
 */
final class StatementCache {

    private final Map<Connection, Map<String, PreparedStatement>> byConnection = new IdentityHashMap<>();

    /** The statement for {@code sql} on {@code c}, prepared on first use. */
    PreparedStatement get(Connection c, String sql) throws SQLException {
        Map<String, PreparedStatement> statements = statements(c);
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = c.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /** Connections known to the cache (for tests). */
    int connections() {
        synchronized (byConnection) {
            return byConnection.size();
        }
    }

    private Map<String, PreparedStatement> statements(Connection c) throws SQLException {
        synchronized (byConnection) {
            Map<String, PreparedStatement> statements = byConnection.get(c);
            if (statements == null) {
                dropClosed();
                statements = new HashMap<>();
                byConnection.put(c, statements);
            }
            return statements;
        }
    }

    private void dropClosed() throws SQLException {
        for (Iterator<Connection> i = byConnection.keySet().iterator(); i.hasNext(); ) {
            if (i.next().isClosed()) {
                i.remove();
            }
        }
    }
}
