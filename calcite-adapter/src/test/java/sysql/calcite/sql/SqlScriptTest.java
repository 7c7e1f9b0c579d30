// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {
    @Test
    void streamsAreSelectStreamInAnyForm() {
        for (String s : List.of(
                "SELECT STREAM evt.type FROM events",
                "-- the stream\nselect stream evt.type from events",
                "WITH r AS (SELECT evt.time, proc.name FROM events WHERE evt.dir = '<') SELECT STREAM * FROM r",
                "(SELECT STREAM evt.type FROM events)",
                "-- a comment to the carriage return\rSELECT STREAM evt.type FROM events",
                "( WITH r AS (SELECT evt.time FROM events) (SELECT STREAM evt.time FROM r) )",
                "SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND), COUNT(*) AS n FROM events GROUP BY "
                        + "TUMBLE(evt.time, INTERVAL '1' SECOND) ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), n LIMIT 1")) {
            assertTrue(SqlScript.isStream(s), s);
        }
        for (String s : List.of(
                "SELECT evt.type FROM events",
                "SELECT 'SELECT STREAM x' FROM events",
                "WITH s AS (SELECT evt.type FROM events) SELECT * FROM s",
                "EXPLAIN PLAN FOR SELECT STREAM evt.type FROM events",
                "SELECT STREAM FROM",
                "SELECT COUNT(*) FROM events // SELECT STREAM evt.type FROM events",
                "SELECT COUNT(*) FROM events -- SELECT STREAM evt.type FROM events")) {
            assertFalse(SqlScript.isStream(s), s);
        }
    }

    @Test
    void aScriptSplitsAtSemicolonsOutsideLiteralsAndComments() {
        // A comment stays with the statement after it; the stream is still one.
        List<String> statements = SqlScript.statements("SELECT ';' FROM events; -- one; two\n"
                + "WITH a AS (SELECT 1 AS \"x;y\") SELECT STREAM * FROM a; /* ; */");
        assertEquals(
                List.of(
                        "SELECT ';' FROM events",
                        "-- one; two\nWITH a AS (SELECT 1 AS \"x;y\") SELECT STREAM * FROM a"),
                statements);
        assertFalse(SqlScript.isStream(statements.get(0)));
        assertTrue(SqlScript.isStream(statements.get(1)));
    }
}
