// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StatementKindTest {
    @Test
    void aStreamIsASelectStreamInAnyForm() {
        Map<String, StatementKind> cases = Map.ofEntries(
                Map.entry("SELECT STREAM evt.type FROM events", StatementKind.STREAM),
                Map.entry(
                        "  -- a comment\n/* another;\n */ select stream evt.time, proc.name from events",
                        StatementKind.STREAM),
                Map.entry(
                        "WITH r AS (SELECT evt.time, evt.arg[1] AS data FROM events WHERE evt.is_io) "
                                + "SELECT STREAM * FROM r",
                        StatementKind.STREAM),
                Map.entry("(SELECT STREAM evt.type FROM events)", StatementKind.STREAM),
                Map.entry(
                        "((WITH r AS (SELECT evt.time FROM events) SELECT STREAM evt.time FROM r))",
                        StatementKind.STREAM),
                Map.entry(
                        "SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND), proc.name, COUNT(*) AS n FROM events "
                                + "GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name "
                                + "ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), n DESC LIMIT 3",
                        StatementKind.STREAM),
                Map.entry(
                        "SELECT STREAM evt.type FROM events UNION ALL SELECT STREAM evt.type FROM events",
                        StatementKind.STREAM),
                Map.entry("SELECT 'SELECT STREAM' FROM events", StatementKind.QUERY),
                Map.entry("WITH s AS (SELECT evt.type FROM events) SELECT * FROM s", StatementKind.QUERY),
                Map.entry(
                        "SELECT \"select stream\" FROM (SELECT evt.type AS \"select stream\" FROM events)",
                        StatementKind.QUERY),
                Map.entry("VALUES 1", StatementKind.QUERY),
                Map.entry("EXPLAIN PLAN FOR SELECT STREAM evt.type FROM events", StatementKind.EXPLAIN),
                Map.entry("SELECT STREAM FROM", StatementKind.UNPARSED),
                // a name is checked when the statement is validated, which says what is wrong with it
                Map.entry("SELECT STREAM evt.no_such_field FROM events", StatementKind.STREAM));
        cases.forEach((sql, kind) -> assertEquals(kind, StatementKind.of(sql), sql));
    }
}
