// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sysql.calcite.TestConnections.labels;
import static sysql.calcite.TestConnections.rows;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import sysql.calcite.schema.FieldColumns;
import sysql.calcite.schema.SysqlSchema;
import sysql.capture.fields.Field;

/**
 * Every name of the catalog, unquoted, as sysdig spells it, over a capture file: in SELECT and WHERE (each one),
 * in GROUP BY, ORDER BY, HAVING and JOIN (a sample, with table names and aliases), in upper case; labels equal
 * to the names; JDBC metadata listing them; names inside literals and comments left alone.
 */
class FieldNamesTest extends CaptureFileTests {
    /** Names per statement in the whole-catalog test: one query per field would take half a minute. */
    private static final int NAMES_PER_QUERY = 40;

    /** Names the issue calls out, that Calcite's own parser rejects or mislabels; each has values in the file. */
    private static final List<String> HARD_NAMES = List.of(
            "proc.name",
            "evt.time",
            "evt.type",
            "user.name",
            "group.name",
            "evt.arg.fd",
            "evt.arg[1]",
            "evt.rawarg.res",
            "evt.type.is.open",
            "fd.name",
            "thread.tid",
            "container.id",
            "proc.aname[1]");

    FieldNamesTest() throws Exception {
        super("libs_curl_google.scap");
    }

    @Test
    void everyCatalogNameWorksUnquotedInSelectAndWhereAndLabelsAsItself() throws SQLException {
        List<Field> fields = FieldColumns.eventFields();
        assertTrue(fields.size() > 700, "fixed and parametric fields: " + fields.size());
        List<String> failures = new ArrayList<>();
        for (int from = 0; from < fields.size(); from += NAMES_PER_QUERY) {
            List<String> names = fields.subList(from, Math.min(fields.size(), from + NAMES_PER_QUERY)).stream()
                    .map(Field::name)
                    .toList();
            try {
                assertEquals(names, labels(c, selectWhere(names)));
            } catch (SQLException | AssertionError e) {
                for (String name : names) { // name the culprits one by one
                    try {
                        List<String> label = labels(c, selectWhere(List.of(name)));
                        if (!label.equals(List.of(name))) {
                            failures.add(name + " is labelled " + label);
                        }
                    } catch (SQLException one) {
                        failures.add(name + ": " + one.getMessage());
                    }
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    /** {@code SELECT a, b FROM events WHERE (a IS NOT NULL OR a IS NULL) AND (...) LIMIT 1}. */
    private static String selectWhere(List<String> names) {
        StringBuilder where = new StringBuilder();
        for (String n : names) {
            where.append(where.length() == 0 ? "" : " AND ")
                    .append('(')
                    .append(n)
                    .append(" IS NOT NULL OR ")
                    .append(n)
                    .append(" IS NULL)");
        }
        return "SELECT " + String.join(", ", names) + " FROM events WHERE " + where + " LIMIT 1";
    }

    @Test
    void theHardNamesReturnValues() throws SQLException {
        for (String name : HARD_NAMES) {
            String sql = "SELECT " + name + " FROM events WHERE " + name + " IS NOT NULL LIMIT 1";
            assertEquals(List.of(name), labels(c, sql));
            assertEquals(1, rows(c, sql).size(), name + " has a value in some event of the file");
        }
    }

    @Test
    void namesInGroupByOrderByAndHaving() throws SQLException {
        List<List<Object>> grouped = rows(
                c,
                "SELECT proc.name, evt.type, COUNT(*) AS n FROM events"
                        + " WHERE evt.dir = '<' GROUP BY proc.name, evt.type HAVING COUNT(*) > 1 AND evt.type <> 'switch'"
                        + " ORDER BY proc.name, evt.type DESC");
        List<List<Object>> byHand = new ArrayList<>();
        Map<List<Object>, Long> counts = new TreeMap<>((a, b) -> {
            int cmp = String.valueOf(a.get(0)).compareTo(String.valueOf(b.get(0)));
            return cmp != 0 ? cmp : String.valueOf(b.get(1)).compareTo(String.valueOf(a.get(1)));
        });
        for (List<Object> r : rows(c, "SELECT proc.name, evt.type FROM events WHERE evt.dir = '<'")) {
            counts.merge(r, 1L, Long::sum);
        }
        counts.forEach((k, n) -> {
            if (n > 1 && !k.get(1).equals("switch")) {
                byHand.add(List.of(k.get(0), k.get(1), n));
            }
        });
        assertEquals(byHand, grouped);
        assertTrue(grouped.size() > 10, "groups: " + grouped);

        // by ordinal and by alias, the hard names as keys
        assertEquals(
                List.of("user.name", "group.name", "evt.arg[1]", "n"),
                labels(
                        c,
                        "SELECT user.name, group.name, evt.arg[1], COUNT(*) n FROM events GROUP BY 1, 2, 3 ORDER BY n DESC"));
        List<List<Object>> byTime =
                rows(c, "SELECT evt.time, evt.num FROM events ORDER BY evt.time DESC, evt.num DESC" + " LIMIT 3");
        assertEquals(3, byTime.size());
        assertTrue((Long) byTime.get(0).get(1) > (Long) byTime.get(2).get(1), "descending: " + byTime);
        assertEquals(
                List.of(List.of(1L)),
                rows(
                        c,
                        "SELECT COUNT(DISTINCT evt.type.is.open) FROM events"
                                + " WHERE evt.type = 'open' HAVING MIN(evt.rawarg.res) IS NOT NULL OR MIN(evt.rawarg.res) IS NULL"));
    }

    /** Over a file whose events come from the processes it started with (docker, mysqld, apache2, bash). */
    @Test
    void namesWithTableNamesAndAliasesInJoins() throws Exception {
        try (Connection docker = TestConnections.file("bencer_example4_example4-1.scap")) {
            String aliased = "SELECT e.proc.name, p.proc.name AS pname, e.evt.type, p.proc.exe FROM events e"
                    + " JOIN processes p ON e.proc.pid = p.proc.pid AND e.thread.tid = p.thread.tid"
                    + " WHERE e.evt.type = 'read' AND e.evt.dir = '<' ORDER BY e.evt.num";
            String named = "SELECT events.proc.name, processes.proc.name AS pname, events.evt.type,"
                    + " processes.proc.exe FROM events JOIN processes ON events.proc.pid = processes.proc.pid"
                    + " AND events.thread.tid = processes.thread.tid"
                    + " WHERE events.evt.type = 'read' AND events.evt.dir = '<' ORDER BY events.evt.num";
            assertEquals(List.of("proc.name", "pname", "evt.type", "proc.exe"), labels(docker, aliased));
            List<List<Object>> rows = rows(docker, aliased);
            assertEquals(rows, rows(docker, named));
            assertTrue(rows.size() > 20, "reads of threads in the file's process list: " + rows.size());
            for (List<Object> r : rows) {
                assertEquals(r.get(0), r.get(1), "an event's process is the process list's: " + r);
            }
            // the same join written with the schema as qualifier, in upper case
            assertEquals(
                    rows,
                    rows(
                            docker,
                            "SELECT E.PROC.NAME, P.PROC.NAME AS PNAME, E.EVT.TYPE, P.PROC.EXE"
                                    + " FROM SYSQL.EVENTS E JOIN SYSQL.PROCESSES P ON E.PROC.PID = P.PROC.PID"
                                    + " AND E.THREAD.TID = P.THREAD.TID WHERE E.EVT.TYPE = 'read' AND E.EVT.DIR = '<'"
                                    + " ORDER BY E.EVT.NUM"));
        }
    }

    @Test
    void upperCaseSpellingIsTheSameField() throws SQLException {
        assertEquals(
                List.of("proc.name", "evt.type", "evt.arg[1]", "user.name"),
                labels(c, "SELECT PROC.NAME, Evt.Type, EVT.ARG[1], USER.NAME FROM EVENTS LIMIT 1"));
        assertEquals(
                rows(c, "SELECT proc.name, evt.type FROM events WHERE fd.type = 'ipv6' ORDER BY evt.num"),
                rows(c, "SELECT PROC.NAME, EVT.TYPE FROM EVENTS WHERE FD.TYPE = 'ipv6' ORDER BY EVT.NUM"));
        // evt.arg.ID and evt.arg.id differ by case only: as written first, then in lower case
        assertEquals(
                List.of("evt.arg.ID", "evt.arg.id"), labels(c, "SELECT evt.arg.ID, EVT.ARG.Id FROM events LIMIT 1"));
    }

    @Test
    void namesInsideLiteralsAndCommentsAreLeftAlone() throws SQLException {
        List<List<Object>> rows = rows(
                c,
                "SELECT 'proc.name' AS literal, proc.name, 'it''s evt.type' AS quoted"
                        + " /* proc.nme, evt.bogus */ FROM events -- fd.nope\n WHERE proc.name = 'curl' LIMIT 1");
        assertEquals(List.of(List.of("proc.name", "curl", "it's evt.type")), rows);
        assertEquals(List.of("proc.name"), labels(c, "SELECT \"proc.name\" FROM events LIMIT 1"));
    }

    @Test
    void everyTableIsNamedUnquoted() throws SQLException {
        for (String table : SysqlSchema.TABLE_NAMES) {
            rows(c, "SELECT * FROM " + table + " LIMIT 1");
            rows(c, "SELECT * FROM sysql." + table.toUpperCase(java.util.Locale.ROOT) + " LIMIT 1");
        }
        assertEquals(
                List.of("group.gid", "group.name"),
                labels(
                        c,
                        "SELECT groups.group.gid, g.group.name"
                                + " FROM groups JOIN GROUPS g ON groups.group.gid = g.group.gid LIMIT 1"));
    }

    @Test
    void selectStarGivesTheFixedFieldsLabelledAsThemselves() throws SQLException {
        List<String> fixed = FieldColumns.eventFields().stream()
                .map(Field::name)
                .filter(n -> !FieldColumns.isParametric(n))
                .toList();
        assertEquals(fixed, labels(c, "SELECT * FROM events LIMIT 1"));
        assertEquals(fixed, labels(c, "SELECT e.* FROM events e LIMIT 1"));
        assertTrue(fixed.contains("evt.time") && fixed.contains("user.name") && !fixed.contains("evt.arg.fd"));
    }

    @Test
    void getColumnsListsEveryFieldByItsName() throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        List<String> names = new ArrayList<>();
        try (ResultSet rs = md.getColumns(null, "sysql", "events", null)) {
            while (rs.next()) {
                names.add(rs.getString("COLUMN_NAME"));
                assertEquals("events", rs.getString("TABLE_NAME"));
            }
        }
        assertEquals(FieldColumns.eventFields().stream().map(Field::name).toList(), names);
        // patterns (Calcite's LIKE patterns over names mishandle '[': evt.arg[_] finds nothing)
        try (ResultSet rs = md.getColumns(null, "sysql", "events", "evt.arg%")) {
            long n = 0;
            while (rs.next()) {
                n++;
            }
            assertEquals(names.stream().filter(x -> x.startsWith("evt.arg")).count(), n);
        }
        try (ResultSet rs = md.getColumns(null, "sysql", "events", "user.name")) {
            assertTrue(rs.next());
            assertEquals("user.name", rs.getString("COLUMN_NAME"));
            assertEquals(java.sql.Types.VARCHAR, rs.getInt("DATA_TYPE"));
            assertFalse(rs.next(), "a '.' in a pattern is itself");
        }
        try (ResultSet rs = md.getColumns(null, "sysql", "processes", "proc.%")) {
            List<String> proc = new ArrayList<>();
            while (rs.next()) {
                proc.add(rs.getString("COLUMN_NAME"));
            }
            assertTrue(proc.contains("proc.name") && proc.contains("proc.pid"), "processes: " + proc);
        }
    }
}
