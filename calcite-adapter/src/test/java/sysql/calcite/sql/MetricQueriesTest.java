// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import sysql.calcite.SysqlException;
import sysql.calcite.sql.MetricQueries.Column;
import sysql.calcite.sql.MetricQueries.Role;
import sysql.calcite.sql.MetricQueries.Statement;

/** A metrics file's statements: which column is a label, a counter, a gauge or the window; refusals with FILE:LINE. */
class MetricQueriesTest {
    @Test
    void labelsCountersGaugesAndWindowBoundsByPlace() {
        String text = "-- a comment; with a semicolon\n"
                + "-- HELP syscalls_total System calls; per process.\n"
                + "SELECT STREAM TUMBLE_END(evt.time, INTERVAL '5' SECOND) AS t, proc.name, evt.type,\n"
                + "       COUNT(*) AS syscalls_total, SUM(evt.rawarg.res) AS bytes_total,\n"
                + "       MAX(evt.latency) / 1e9 AS latency_max_seconds, AVG(evt.latency) AS latency_avg\n"
                + "FROM events WHERE evt.dir = '<'\n"
                + "GROUP BY TUMBLE(evt.time, INTERVAL '5' SECOND), proc.name, evt.type;\n"
                + "\n"
                + "-- TYPE opens gauge\n"
                + "select stream fd.name as path, count(*) as opens from events\n"
                + "group by tumble(evt.time, interval '1' second), fd.name";
        List<Statement> statements = MetricQueries.read("m.sql", text);
        assertEquals(2, statements.size());
        Statement first = statements.get(0);
        assertEquals("m.sql:3", first.where());
        assertEquals(
                List.of(
                        new Column(Role.WINDOW, null, null),
                        new Column(Role.LABEL, null, null),
                        new Column(Role.LABEL, null, null),
                        new Column(Role.COUNTER, "syscalls_total", "System calls; per process."),
                        new Column(Role.COUNTER, "bytes_total", null),
                        new Column(Role.GAUGE, "latency_max_seconds", null),
                        new Column(Role.GAUGE, "latency_avg", null)),
                first.columns());
        assertTrue(first.sql().contains("GROUP BY TUMBLE"), first.sql());
        Statement second = statements.get(1);
        assertEquals("m.sql:10", second.where());
        // fd.name AS path is still the GROUP BY's fd.name: a label; TYPE made the COUNT a gauge
        assertEquals(
                List.of(new Column(Role.LABEL, null, null), new Column(Role.GAUGE, "opens", null)), second.columns());
    }

    @Test
    void aHopWindowTakesGaugesButNoCounter() {
        String gauges = "SELECT STREAM proc.name, MAX(evt.latency) AS worst FROM events "
                + "GROUP BY HOP(evt.time, INTERVAL '1' SECOND, INTERVAL '10' SECOND), proc.name";
        assertEquals(
                Role.GAUGE,
                MetricQueries.read("h.sql", gauges).get(0).columns().get(1).role());
        refused(
                "SELECT STREAM proc.name, COUNT(*) AS n_total FROM events "
                        + "GROUP BY HOP(evt.time, INTERVAL '1' SECOND, INTERVAL '10' SECOND), proc.name",
                "m.sql:1: n_total is a counter over HOP windows, which overlap");
        assertEquals(
                Role.GAUGE,
                MetricQueries.read(
                                "h.sql",
                                "-- TYPE n gauge\nSELECT STREAM proc.name, COUNT(*) AS n FROM events "
                                        + "GROUP BY HOP(evt.time, INTERVAL '1' SECOND, INTERVAL '10' SECOND), proc.name")
                        .get(0)
                        .columns()
                        .get(1)
                        .role());
    }

    @Test
    void whatIsNoMetricIsRefusedWithItsLine() {
        refused("SELECT proc.name, COUNT(*) AS n FROM events GROUP BY proc.name", "not one");
        refused("SELECT STREAM proc.name FROM events", "not one");
        refused("SELECT STREAM proc.name, COUNT(*) AS n FROM events GROUP BY proc.name", "GROUP BY has no window");
        refused(
                "SELECT STREAM * FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name",
                "* in a metric's select list");
        refused(
                "SELECT STREAM proc.name, COUNT(*) FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name",
                "is a sample without a name");
        refused(
                "SELECT STREAM COUNT(*) AS n FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name",
                "proc.name is in GROUP BY but not selected");
        refused(
                "SELECT STREAM proc.name FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name",
                "selects no aggregate");
        refused(
                "SELECT STREAM proc.name, COUNT(*) AS n FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), "
                        + "TUMBLE(evt.time, INTERVAL '2' SECOND), proc.name",
                "two windows");
        refused("\n\nSELECT STREAM proc.name, COUNT(*) AS n FROM events GROUP BY", "m.sql:3:");
        refused("-- nothing but a comment\n", "m.sql has no statement");
    }

    @Test
    void declarationsMustNameASampleAndAType() {
        String ok = "SELECT STREAM proc.name, COUNT(*) AS n FROM events "
                + "GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name;\n";
        refused(ok + "-- HELP m Something.\n", "m.sql:2: HELP m names no sample of this file");
        refused(ok + "\n-- TYPE n histogram\n", "m.sql:3: TYPE n 'histogram' is not a type sysql gives");
        refused(ok + ok.replace("proc.name", "fd.name"), "n is the name of another sample of this file");
    }

    private static void refused(String text, String expected) {
        SysqlException e = assertThrows(SysqlException.class, () -> MetricQueries.read("m.sql", text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("m.sql"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
