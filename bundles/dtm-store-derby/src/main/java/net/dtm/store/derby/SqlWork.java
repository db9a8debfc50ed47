package net.dtm.store.derby;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Statements run on one connection. For a write the connection is inside a transaction that the
 * caller commits; the work itself never commits or rolls back.
 *
 * @param <T> the result
 */
@FunctionalInterface
interface SqlWork<T> {
    T apply(Connection c) throws SQLException;
}
