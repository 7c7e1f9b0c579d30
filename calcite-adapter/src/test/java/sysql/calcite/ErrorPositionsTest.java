// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.parser.SqlParseException;
import org.junit.jupiter.api.Test;
import sysql.calcite.sql.FieldNameRewriter;

/**
 * Errors in statements with field names point at what the user wrote, not at the rewritten text (where every
 * field before the error moved the rest of its line by two columns).
 */
class ErrorPositionsTest extends CaptureFileTests {

    ErrorPositionsTest() throws Exception {
        super("falco_syscall.scap");
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + e, e);
    }

    private SQLException failure(String sql) {
        return assertThrows(SQLException.class, () -> TestConnections.rows(c, sql), sql);
    }

    /** The 1-based column of the {@code nth} (from 0) occurrence of {@code what} on its line. */
    private static int column(String line, String what, int nth) {
        int at = -1;
        for (int k = 0; k <= nth; k++) {
            at = line.indexOf(what, at + 1);
        }
        return at + 1;
    }

    @Test
    void aSyntaxErrorAfterFieldNamesIsReportedAtTheUsersColumn() {
        // four fields before it on the line: the rewritten text has the "= =" eight columns further right
        String sql = "SELECT proc.name, evt.type, fd.name FROM events WHERE fd.name = = 'x'";
        SqlParseException p = cause(failure(sql), SqlParseException.class);
        assertEquals(1, p.getPos().getLineNum());
        assertEquals(column(sql, "= =", 0), p.getPos().getColumnNum(), p.getMessage());
        assertTrue(p.getMessage().contains("\"= =\" at line 1, column " + column(sql, "= =", 0) + "."), p.getMessage());

        String keyword = "SELECT evt.time, user.name FROM events WHERE WHERE";
        assertEquals(
                column(keyword, "WHERE", 1),
                cause(failure(keyword), SqlParseException.class).getPos().getColumnNum());
    }

    @Test
    void aSyntaxErrorOnALaterLineKeepsItsLineAndColumn() {
        String sql = "SELECT proc.name,\n  evt.type, fd.name\nFROM events\nWHERE proc.pid = 1 AND AND fd.name = 'x'";
        SqlParseException p = cause(failure(sql), SqlParseException.class);
        assertEquals(4, p.getPos().getLineNum(), p.getMessage());
        assertEquals(
                column("WHERE proc.pid = 1 AND AND fd.name = 'x'", "AND", 0),
                p.getPos().getColumnNum(),
                p.getMessage());
    }

    @Test
    void aValidationErrorAfterFieldNamesIsReportedAtTheUsersColumn() {
        String sql = "SELECT proc.name, evt.type, nosuchcolumn FROM events";
        CalciteContextException e = cause(failure(sql), CalciteContextException.class);
        assertEquals(column(sql, "nosuchcolumn", 0), e.getPosColumn(), e.getMessage());
        assertEquals(column(sql, "nosuchcolumn", 0) + "nosuchcolumn".length() - 1, e.getEndPosColumn());

        String typed = "SELECT fd.name FROM events WHERE evt.type = 'open' AND fd.num > TRUE";
        CalciteContextException t = cause(failure(typed), CalciteContextException.class);
        assertEquals(column(typed, "fd.num", 0), t.getPosColumn(), t.getMessage());
    }

    @Test
    void aFieldOfASysdigClassSqlDoesNotHaveIsAnUnknownFieldNotATable() {
        String sql = "SELECT evt.type FROM events WHERE syslog.facility = 'x'";
        FieldNameRewriter.UnknownFieldException u = cause(failure(sql), FieldNameRewriter.UnknownFieldException.class);
        assertEquals("syslog.facility", u.name());
        assertTrue(u.getMessage().contains("sysdig's field class syslog"), u.getMessage());
        assertTrue(u.getMessage().contains("column " + column(sql, "syslog", 0)), u.getMessage());
    }

    @Test
    void anUnknownFieldIsAnsweredWithDidYouMean() {
        String sql = "SELECT evt.type, proc.nme FROM events";
        SQLException e = failure(sql);
        FieldNameRewriter.UnknownFieldException u = cause(e, FieldNameRewriter.UnknownFieldException.class);
        assertEquals("proc.nme", u.name());
        assertTrue(u.getMessage().contains("did you mean proc.name"), u.getMessage());
        assertTrue(u.getMessage().contains("line 1, column " + column(sql, "proc.nme", 0)), u.getMessage());
        assertTrue(!u.getMessage().contains("\n"));
        SqlParseException p = cause(e, SqlParseException.class);
        assertNotNull(p.getPos(), "tools that read the position of a parse error find it");
        assertEquals(column(sql, "proc.nme", 0), p.getPos().getColumnNum());

        // in WHERE, qualified, in upper case
        assertTrue(cause(
                        failure("SELECT 1 FROM events e WHERE e.FD.NAMEE = 'x'"),
                        FieldNameRewriter.UnknownFieldException.class)
                .getMessage()
                .contains("did you mean fd.name"));
    }
}
