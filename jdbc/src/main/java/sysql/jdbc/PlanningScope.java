// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import java.lang.reflect.Method;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.checkerframework.checker.nullness.qual.Nullable;
import sysql.calcite.sql.PlanningCancel;

/**
 * A statement executed with its SQL text ({@code Statement.execute(sql)} and the like) is planned inside the call:
 * {@link PlanningCancel} is told which statement, so that its cancel ({@code Statement.cancel}, Ctrl-C in the shell)
 * and its time limit ({@code setQueryTimeout}) stop the planning too, not only the rows. (A
 * {@code prepareStatement} has no statement to cancel until it returns; sysql serve bounds it with its own time
 * limit.)
 */
final class PlanningScope {
    private PlanningScope() {}

    /** The scope of a call of {@code method} on {@code target} that plans a statement; null for any other call. */
    static @Nullable PlanningCancel of(Object target, Method method, Object @Nullable [] args) throws SQLException {
        if (!(target instanceof Statement statement)
                || target instanceof PreparedStatement
                || args == null
                || args.length == 0
                || !(args[0] instanceof String)
                || !method.getName().startsWith("execute")) {
            return null;
        }
        return PlanningCancel.begin(cancelFlag(statement), statement.getQueryTimeout());
    }

    /**
     * Stops the planning of {@code statement}, if it is being planned, before its {@code cancel()} runs: Avatica's
     * cancel waits for the statement's lock, which its execute holds for as long as Calcite prepares the statement,
     * so the planning would otherwise end on its own before the cancel could tell it to stop.
     */
    static void cancelling(Statement statement) {
        try {
            if (!statement.isClosed()) {
                PlanningCancel.cancel(cancelFlag(statement));
            }
        } catch (SQLException | RuntimeException e) {
            // a statement closed meanwhile, or not Avatica's: its cancel still runs
        }
    }

    private static AtomicBoolean cancelFlag(Statement statement) throws SQLException {
        AvaticaStatement s = statement.unwrap(AvaticaStatement.class);
        try {
            return s.getConnection().unwrap(AvaticaConnection.class).getCancelFlag(s.handle);
        } catch (NoSuchStatementException e) {
            throw new SQLException("the statement is closed: create another", "HY010", e);
        }
    }
}
