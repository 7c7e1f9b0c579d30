// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.junit.jupiter.api.Test;

/** The one line a parse failure becomes. */
class SqlErrorsTest {
    /**
     * Calcite's parser reports its own stack overflow as a parse error with no message: before, the user read
     * "Syntax error: " and nothing after it.
     */
    @Test
    void aParserThatRanOutOfStackSaysTheStatementNestsTooDeeply() {
        SqlParseException overflow =
                new SqlParseException(null, SqlParserPos.ZERO, null, null, new StackOverflowError());
        String message = SqlErrors.message(new RuntimeException("parse failed", overflow));
        assertTrue(message.startsWith("the statement nests too deeply to parse it:"), message);
        assertEquals(1, message.lines().count(), message);
    }

    @Test
    void aSyntaxErrorNamesWhatWasUnexpected() {
        SqlParseException e =
                new SqlParseException("Encountered \"FROM\" at line 1, column 8.", SqlParserPos.ZERO, null, null, null);
        assertEquals(
                "Syntax error: unexpected \"FROM\" at line 1, column 8.",
                SqlErrors.message(new RuntimeException("parse failed", e)));
    }

    /**
     * An allocation too large for the heap fails the call that made it in one line, as an SQLException: before, the
     * OutOfMemoryError left the driver as it was, and the shell died with a Java stack trace.
     */
    @Test
    void anOutOfMemoryErrorFailsTheCallInOneLine() {
        java.sql.Connection failing = (java.sql.Connection) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {java.sql.Connection.class}, (proxy, method, args) -> {
                    throw new OutOfMemoryError("Java heap space");
                });
        java.sql.SQLException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.sql.SQLException.class, () -> SqlErrors.wrap(failing).createStatement());
        assertTrue(
                e.getMessage().startsWith("the statement needed more memory than this process has (Java heap space)"),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
