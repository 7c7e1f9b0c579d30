// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.List;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.parser.SqlParseException;
import org.junit.jupiter.api.Test;

/**
 * Errors in statements with field names point at what the user wrote: the parser reads the user's own text
 * (module sql-parser), and an unknown field is refused at its own position.
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
        // four field names (one token each) before it on the line: the column is the one the user wrote
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
        CalciteContextException u = cause(failure(sql), CalciteContextException.class);
        assertTrue(u.getMessage().contains("Unknown field 'syslog.facility'"), u.getMessage());
        assertTrue(u.getMessage().contains("sysdig's field class syslog"), u.getMessage());
        assertEquals(column(sql, "syslog", 0), u.getPosColumn(), u.getMessage());
        assertEquals(column(sql, "syslog", 0) + "syslog.facility".length() - 1, u.getEndPosColumn());
    }

    @Test
    void anUnknownFieldIsAnsweredWithDidYouMean() {
        String sql = "SELECT evt.type,\n\tproc.nme FROM events";
        CalciteContextException u = cause(failure(sql), CalciteContextException.class);
        assertTrue(u.getMessage().contains("Unknown field 'proc.nme'; did you mean proc.name"), u.getMessage());
        assertEquals(2, u.getPosLine());
        assertEquals(2, u.getPosColumn(), "a tab counts one column, as in Calcite's parser");
        assertTrue(!u.getMessage().contains("\n"), u.getMessage());

        // in WHERE, qualified, in upper case
        String qualified = "SELECT 1 FROM events e WHERE e.FD.NAMEE = 'x'";
        u = cause(failure(qualified), CalciteContextException.class);
        assertTrue(u.getMessage().contains("Unknown field 'fd.namee'; did you mean fd.name"), u.getMessage());
        assertEquals(column(qualified, "FD.NAMEE", 0), u.getPosColumn());
        // more after a field, an index no parameter has, nothing near
        for (String name : List.of("proc.name.x", "evt.arg[99]")) {
            assertTrue(
                    cause(failure("SELECT " + name + " FROM events"), CalciteContextException.class)
                            .getMessage()
                            .contains("Unknown field '" + name + "'"),
                    name);
        }
        assertTrue(cause(failure("SELECT fd.zzzzzzzzzzzz FROM events"), CalciteContextException.class)
                .getMessage()
                .contains("Unknown field 'fd.zzzzzzzzzzzz'; the fields table lists every field"));
        // a field of the catalog that the table read lacks is Calcite's own error, which SqlErrors completes
        assertTrue(cause(failure("SELECT evt.type FROM processes"), CalciteContextException.class)
                .getMessage()
                .contains("Column 'evt.type' not found"));
    }
}
