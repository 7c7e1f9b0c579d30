// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.parser.SqlParseException;
import sysql.calcite.SysqlException;
import sysql.calcite.schema.FieldColumns;
import sysql.calcite.schema.SysqlSchema;
import sysql.calcite.sql.FieldNames;
import sysql.calcite.sql.PlanningCancel;
import sysql.capture.CaptureException;

/**
 * One-line errors for every {@code jdbc:sysql:} call. Calcite's SQLExceptions say "Error while executing SQL
 * "&lt;the whole statement&gt;": parse failed: ... Was expecting one of: &lt;forty lines&gt;"; sysql's say what is
 * wrong, where, and what to write instead ({@code Column 'nme' not found in any table; did you mean name?}).
 * The connection, its statements, result sets and metadata are wrapped so that every SQLException (and any
 * runtime exception of a running query) reaches the caller that way, the original kept as the cause. A statement
 * executed with its SQL is planned under its cancel flag and time limit ({@link PlanningScope}).
 */
final class SqlErrors {
    private static final Set<Class<?>> WRAPPED = Set.of(
            Connection.class,
            Statement.class,
            PreparedStatement.class,
            CallableStatement.class,
            ResultSet.class,
            DatabaseMetaData.class);
    private static final Pattern NOT_FOUND = Pattern.compile("(Column|Object|Table) '([^']+)' not found");

    private SqlErrors() {}

    /** {@code target} with its errors made one line (and what it returns wrapped likewise). */
    static Connection wrap(Connection target) {
        return (Connection) wrap(target, Connection.class);
    }

    private static Object wrap(Object target, Class<?> type) {
        return Proxy.newProxyInstance(SqlErrors.class.getClassLoader(), new Class<?>[] {type}, new Handler(target));
    }

    private record Handler(Object target) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().equals("unwrap") || method.getName().equals("isWrapperFor")) {
                return method.invoke(target, args);
            }
            Object result;
            PlanningCancel planning = null;
            try {
                planning = PlanningScope.of(target, method, args);
                if (target instanceof Statement s && method.getName().equals("cancel")) {
                    PlanningScope.cancelling(s); // never fails: the cancel itself comes next whatever happens here
                }
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (target instanceof ResultSet rs && method.getName().equals("next")) {
                    closeIfCanceled(rs, cause);
                }
                if (cause instanceof SQLException
                        || cause instanceof RuntimeException
                        || cause instanceof OutOfMemoryError) {
                    throw translate(cause);
                }
                throw cause;
            } catch (SQLException e) {
                throw translate(e);
            } finally {
                if (planning != null) {
                    planning.close();
                }
            }
            Class<?> type = method.getReturnType();
            return result != null && WRAPPED.contains(type) ? wrap(result, type) : result;
        }
    }

    /**
     * A result set of a cancelled statement says so on its next {@code next()} without looking at its rows; it
     * is closed then, so a stream's capture subscription goes at once, not when the caller gets to close it.
     */
    private static void closeIfCanceled(ResultSet rs, Throwable e) {
        if (e instanceof SQLException && String.valueOf(e.getMessage()).contains("Statement canceled")) {
            try {
                rs.close();
            } catch (SQLException | RuntimeException ignored) {
                // it is being given up anyway
            }
        }
    }

    /** A SQLException with the one-line message of {@code e}, {@code e} as its cause. */
    static SQLException translate(Throwable e) {
        String state = e instanceof SQLException s ? s.getSQLState() : null;
        return new SQLException(message(e), state, e instanceof SQLException s ? s.getErrorCode() : 0, e);
    }

    /** The one-line message of an error from sysql, Calcite or the capture. */
    static String message(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // one allocation too large fails alone and leaves the heap as it was; the statement fails, not the process
            if (t instanceof OutOfMemoryError) {
                return "the statement needed more memory than this process has (" + firstLine(t.getMessage())
                        + "): make fewer or smaller values (REPEAT, LPAD, string concatenation), or fewer rows at once";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SysqlException || t instanceof CaptureException) {
                return firstLine(t.getMessage());
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SqlParseException p) {
                return syntax(p);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CalciteContextException c) {
                return withSuggestion(firstLine(c.getMessage()));
            }
        }
        Throwable deepest = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                deepest = t;
            }
        }
        String m = deepest.getMessage();
        return m == null ? deepest.getClass().getSimpleName() : firstLine(m);
    }

    private static String syntax(SqlParseException p) {
        if (p.getCause() instanceof StackOverflowError) { // Calcite's parser reports its own overflow this way
            return "the statement nests too deeply to parse it: write long chains of OR as IN (...), and split long"
                    + " UNIONs or deeply nested expressions into several statements";
        }
        String first = firstLine(p.getMessage()).replaceFirst("^Encountered ", "unexpected ");
        StringBuilder sb = new StringBuilder("Syntax error: ").append(first);
        Collection<String> expected = p.getExpectedTokenNames();
        if (expected != null && !expected.isEmpty() && expected.size() <= 8) {
            sb.append(" Expected ").append(String.join(", ", expected)).append('.');
        }
        return sb.toString();
    }

    /** Adds "did you mean" to a not-found error, from the tables and the field names, and the windowed form. */
    private static String withSuggestion(String message) {
        if (message.contains("Streaming aggregation requires at least one monotonic expression")) {
            return message + ": a stream is aggregated per window, e.g. SELECT STREAM TUMBLE_END(evt.time, INTERVAL "
                    + "'1' SECOND) AS w, proc.name, COUNT(*) FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), "
                    + "proc.name";
        }
        Matcher m = NOT_FOUND.matcher(message);
        if (!m.find()) {
            return message;
        }
        String name = m.group(2);
        List<String> candidates =
                new ArrayList<>(m.group(1).equals("Column") ? FieldColumns.names() : SysqlSchema.TABLE_NAMES);
        if (m.group(1).equals("Column") && candidates.contains(name)) {
            // a field of the catalog that this table does not have (a state table has some of them)
            return message + "; " + name + " is a field of events, not a column of the tables this query reads";
        }
        List<String> near = FieldNames.nearest(name, candidates);
        return near.isEmpty() ? message : message + "; did you mean " + String.join(", ", near) + "?";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
