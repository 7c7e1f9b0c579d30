// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sysql.testing.TestData;

/**
 * A statement's sorts, joins' build sides, windows, set operations and value-keeping aggregates keep their rows
 * within its memory budget (connection property statementMemory, in MiB): past it the statement fails in one line
 * naming what kept them, and the connection goes on; an aggregate that keeps only its groups counts its groups (as
 * many as its input has distinct keys, not its input's rows), and a query that keeps nothing runs whole. Over a capture file: no root needed.
 */
class MemoryBudgetTest {
    static final String FILE = TestData.scap("falco_cat_write.scap").toString();

    static Connection connect(int megabytes) throws SQLException {
        return DriverManager.getConnection("jdbc:sysql:file=" + FILE + ";statementMemory=" + megabytes);
    }

    static String count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    @Test
    void rowsKeptPastTheBudgetStopTheStatementInOneLine() throws Exception {
        // fields × fields: about 730,000 rows of two names, tens of MiB once kept
        Map<String, String> kept = Map.of(
                "SELECT f1.name, f2.name FROM fields f1, fields f2 ORDER BY 1 DESC, 2",
                "in a sort",
                // an equi-join is planned as sorts and a merge join: its sorts keep the rows
                "SELECT COUNT(*) FROM (SELECT f1.name || f2.name AS n FROM fields f1, fields f2) a "
                        + "JOIN (SELECT f3.name || f4.name AS n FROM fields f3, fields f4) b ON a.n = b.n",
                "in a sort",
                // a RIGHT join on a condition no hash fits keeps its right side whole (and its result: one row
                // each here, the left side being one row)
                "SELECT COUNT(*) FROM fields f0 RIGHT JOIN (SELECT f1.name || f2.name AS n FROM fields f1, fields f2) b "
                        + "ON f0.name > b.n AND f0.name = 'evt.num'",
                "in a join",
                "SELECT LISTAGG(f1.name || f2.name) FROM fields f1, fields f2",
                "in an aggregate",
                "SELECT COUNT(*) FROM (SELECT f1.name, f2.name FROM fields f1, fields f2 "
                        + "EXCEPT SELECT name, name FROM fields)",
                "in a set operation",
                "SELECT COUNT(*) FROM (SELECT f1.name, f2.name, COUNT(*) FROM fields f1, fields f2 "
                        + "GROUP BY f1.name, f2.name)",
                "in an aggregate's groups",
                "SELECT MAX(r) FROM (SELECT ROW_NUMBER() OVER (ORDER BY f1.name, f2.name) AS r "
                        + "FROM fields f1, fields f2)",
                "in a window");
        try (Connection c = connect(1)) {
            for (Map.Entry<String, String> q : kept.entrySet()) {
                SQLException e = assertThrows(SQLException.class, () -> count(c, q.getKey()), q.getKey());
                String m = String.valueOf(e.getMessage());
                assertTrue(
                        m.startsWith("the statement kept more than 1 MiB of rows " + q.getValue()),
                        q.getKey() + ": " + m);
                assertEquals(1, m.lines().count(), m);
            }
            // what keeps only groups, or nothing, runs whole within the same budget
            assertTrue(Long.parseLong(count(c, "SELECT COUNT(*) FROM fields f1, fields f2")) > 10_000);
            assertEquals("30", count(c, "SELECT COUNT(DISTINCT proc.name) FROM events"));
            // the groups, a null name among them
            assertEquals(
                    "31", count(c, "SELECT COUNT(*) FROM (SELECT proc.name, COUNT(*) FROM events GROUP BY proc.name)"));
            assertTrue(Long.parseLong(count(
                            c, "SELECT COUNT(*) FROM (SELECT f1.name FROM fields f1, fields f2 " + "GROUP BY f1.name)"))
                    > 100);
            // and what keeps less than the budget: a sort, a LISTAGG of one table
            assertEquals("evt.num", count(c, "SELECT name FROM fields WHERE name LIKE 'evt.n%' ORDER BY name DESC"));
            assertTrue(count(c, "SELECT LISTAGG(name, ',') FROM fields").contains("proc.name,"));
        }
    }

    @Test
    void aBadBudgetIsOneLine() {
        SQLException e = assertThrows(SQLException.class, () -> connect(0).close());
        assertEquals(
                "connection property statementMemory=0 is invalid: give the MiB of rows one statement's sorts, joins "
                        + "and windows may keep as a whole number from 1 to 16777216",
                e.getMessage());
    }
}
