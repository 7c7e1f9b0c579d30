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
}
