// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.calcite.jdbc.Driver;
import org.junit.jupiter.api.Test;
import sysql.calcite.sql.SysqlPrepare;

/**
 * Windowed GROUP BY on sysql's own operator, checked against Calcite's own aggregate over the same capture
 * file (grouping by whole seconds of evt.rawtime, which Calcite computes itself): TUMBLE in both forms (group
 * function and table function), as history and as a (finite) stream, HOP, COUNT(DISTINCT), SUM, MIN, MAX,
 * AVG, HAVING, top-N per window, and the cap on groups per window.
 */
class WindowAggregateTest extends CaptureFileTests {
    static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));

    WindowAggregateTest() throws Exception {
        super("bencer_example4_example4-1.scap");
    }

    /** Rows as "v1|v2|…", windows as epoch seconds. */
    static List<String> rows(Connection c, String sql, int... timestampColumns) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    final int col = i;
                    boolean ts = java.util.Arrays.stream(timestampColumns).anyMatch(t -> t == col);
                    Object v = ts ? Long.valueOf(rs.getTimestamp(i, UTC).getTime() / 1000) : rs.getObject(i);
                    sb.append(i > 1 ? "|" : "").append(v);
                }
                rows.add(sb.toString());
            }
        }
        return rows;
    }

    static List<String> sorted(List<String> rows) {
        List<String> s = new ArrayList<>(rows);
        s.sort(null);
        return s;
    }

    /** Calcite's own aggregate, per whole second of evt.rawtime. */
    List<String> bySecond(String selectAfterSecond, String groupAfterSecond, String where) throws SQLException {
        return rows(
                c,
                "SELECT evt.rawtime / 1000000000 AS sec" + selectAfterSecond + " FROM events"
                        + (where.isEmpty() ? "" : " WHERE " + where) + " GROUP BY evt.rawtime / 1000000000"
                        + groupAfterSecond);
    }

    @Test
    void tumbleEqualsCalcitesAggregateInEveryForm() throws Exception {
        List<String> expected = sorted(bySecond(", proc.name, COUNT(*)", ", proc.name", ""));
        assertTrue(expected.size() > 50, "the capture should span many seconds and processes: " + expected.size());
        String groupFunction = "SELECT TUMBLE_START(evt.time, INTERVAL '1' SECOND) AS s, proc.name, COUNT(*) AS n "
                + "FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name";
        String tableFunction = "SELECT window_start, proc.name, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events, "
                + "DESCRIPTOR(evt.time), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, proc.name";
        for (String sql : List.of(
                groupFunction,
                groupFunction.replace("SELECT ", "SELECT STREAM "),
                tableFunction,
                tableFunction.replace("SELECT ", "SELECT STREAM "))) {
            assertTrue(TestConnections.explain(c, sql).contains("WindowAggregateScan"), sql);
            assertEquals(expected, sorted(rows(c, sql, 1)), sql);
        }
        // TUMBLE_END is the start plus the size.
        List<String> ends = rows(
                c,
                "SELECT TUMBLE_END(evt.time, INTERVAL '1' SECOND), COUNT(*) FROM events "
                        + "GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND)",
                1);
        List<String> secs = bySecond(", COUNT(*)", "", "");
        TreeSet<String> shifted = new TreeSet<>();
        for (String r : secs) {
            String[] f = r.split("\\|");
            shifted.add((Long.parseLong(f[0]) + 1) + "|" + f[1]);
        }
        assertEquals(new ArrayList<>(shifted), sorted(ends));
    }

    @Test
    void hopWindowsHoldTheirSecondsEach() throws Exception {
        // Per second, then every 3-second window starting each second holds the seconds [s, s + 3).
        Map<Long, Long> perSecond = new TreeMap<>();
        for (String r : bySecond(", COUNT(*)", "", "")) {
            String[] f = r.split("\\|");
            perSecond.put(Long.parseLong(f[0]), Long.parseLong(f[1]));
        }
        Map<Long, Long> expected = new TreeMap<>();
        perSecond.forEach((sec, n) -> {
            for (long start = sec - 2; start <= sec; start++) {
                expected.merge(start, n, Long::sum);
            }
        });
        List<String> want = new ArrayList<>();
        expected.forEach((s, n) -> want.add(s + "|" + (s + 3) + "|" + n));
        for (String sql : List.of(
                "SELECT HOP_START(evt.time, INTERVAL '1' SECOND, INTERVAL '3' SECOND), HOP_END(evt.time, INTERVAL '1' "
                        + "SECOND, INTERVAL '3' SECOND), COUNT(*) FROM events GROUP BY HOP(evt.time, INTERVAL '1' SECOND, "
                        + "INTERVAL '3' SECOND)",
                "SELECT STREAM window_start, window_end, COUNT(*) FROM TABLE(HOP(TABLE events, DESCRIPTOR(evt.time), "
                        + "INTERVAL '1' SECOND, INTERVAL '3' SECOND)) GROUP BY window_start, window_end")) {
            assertEquals(sorted(want), sorted(rows(c, sql, 1, 2)), sql);
        }
    }

    @Test
    void distinctSumMinMaxAvgEqualCalcites() throws Exception {
        String aggregates = ", COUNT(DISTINCT proc.pid), COUNT(fd.name), SUM(evt.buflen), MIN(evt.rawtime), "
                + "MAX(evt.latency), AVG(evt.latency), MIN(proc.name), MAX(fd.name), COUNT(DISTINCT evt.type)";
        String where = "evt.dir = '<'";
        List<String> expected = sorted(bySecond(aggregates, "", where));
        String sql = "SELECT TUMBLE_START(evt.time, INTERVAL '1' SECOND)" + aggregates + " FROM events WHERE " + where
                + " GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND)";
        assertTrue(TestConnections.explain(c, sql).contains("WindowAggregateScan"));
        assertEquals(expected, sorted(rows(c, sql, 1)));
        assertEquals(expected, sorted(rows(c, sql.replace("SELECT ", "SELECT STREAM "), 1)));
    }

    @Test
    void havingKeepsTheGroupsItSays() throws Exception {
        List<String> expected = sorted(
                rows(
                        c,
                        "SELECT evt.rawtime / 1000000000, proc.name, COUNT(*) FROM events "
                                + "GROUP BY evt.rawtime / 1000000000, proc.name HAVING COUNT(*) > 20 AND proc.name <> 'mysqld'"));
        assertFalse(expected.isEmpty());
        String sql = "SELECT STREAM TUMBLE_START(evt.time, INTERVAL '1' SECOND), proc.name, COUNT(*) FROM events "
                + "GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name HAVING COUNT(*) > 20 AND proc.name <> 'mysqld'";
        assertTrue(TestConnections.explain(c, sql).contains("having="), TestConnections.explain(c, sql));
        assertEquals(expected, sorted(rows(c, sql, 1)));
    }

    /**
     * Any SQL a HAVING says, not only comparisons with literals (LIKE, arithmetic on an aggregate, a function of
     * a key), is the window aggregate's own, compiled by Calcite with the plan: the same groups as Calcite's own
     * GROUP BY and HAVING keep.
     */
    @Test
    void aHavingOfAnySqlIsTheWindowAggregatesOwn() throws Exception {
        String having = " HAVING (proc.name LIKE 'my%' OR MOD(COUNT(*), 2) = 0) AND CHAR_LENGTH(proc.name) > 2"
                + " AND AVG(evt.rawarg.res) IS NOT NULL";
        List<String> expected = sorted(rows(
                c,
                "SELECT evt.rawtime / 1000000000, proc.name, COUNT(*) FROM events "
                        + "GROUP BY evt.rawtime / 1000000000, proc.name" + having));
        assertFalse(expected.isEmpty());
        String sql = "SELECT STREAM TUMBLE_START(evt.time, INTERVAL '1' SECOND), proc.name, COUNT(*) FROM events "
                + "GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name" + having;
        String plan = TestConnections.explain(c, sql);
        assertTrue(plan.contains("having=") && !plan.contains("Filter"), plan);
        assertEquals(expected, sorted(rows(c, sql, 1)));
    }

    @Test
    void aStreamsLimitIsPerWindow() throws Exception {
        // Expected: per second, the 2 processes with the most events (ties by name).
        Map<Long, List<String[]>> perSecond = new TreeMap<>();
        for (String r : bySecond(", proc.name, COUNT(*)", ", proc.name", "proc.name IS NOT NULL")) {
            String[] f = r.split("\\|");
            perSecond
                    .computeIfAbsent(Long.parseLong(f[0]), k -> new ArrayList<>())
                    .add(f);
        }
        List<String> want = new ArrayList<>();
        perSecond.forEach((sec, groups) -> {
            groups.sort(Comparator.<String[]>comparingLong(g -> -Long.parseLong(g[2]))
                    .thenComparing(g -> g[1]));
            for (String[] g : groups.subList(0, Math.min(2, groups.size()))) {
                want.add((sec + 1) + "|" + g[1] + "|" + g[2]);
            }
        });
        String sql =
                "SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS w, proc.name, COUNT(*) AS n FROM events "
                        + "WHERE proc.name IS NOT NULL GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name "
                        + "ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), n DESC, proc.name LIMIT 2";
        String plan = TestConnections.explain(c, sql);
        assertTrue(plan.contains("perWindow=") && !plan.contains("Sort") && !plan.contains("Limit"), plan);
        assertEquals(want, rows(c, sql, 1), "in window order, each window's top 2 in order");
        // Without STREAM, LIMIT is the query's, as SQL says: two rows in all.
        assertEquals(want.subList(0, 2), rows(c, sql.replace("SELECT STREAM", "SELECT"), 1));
        // A stream's windows come in time order anyway: ORDER BY without the window key, by alias or by the
        // aggregate, is the same per-window top 2
        for (String order : List.of("n DESC, proc.name", "COUNT(*) DESC, proc.name")) {
            String q = sql.replace("TUMBLE_END(evt.time, INTERVAL '1' SECOND), n DESC, proc.name", order);
            assertEquals(want, rows(c, q, 1), q);
        }
    }

    @Test
    void aWindowHoldsAtMostTheConnectionsGroupCap() throws Exception {
        try (Connection capped = new Driver()
                .withPrepareFactory(SysqlPrepare::new)
                .connect("jdbc:calcite:", SysqlConnections.calciteProperties())) {
            SysqlConnections.install(
                    capped,
                    new FileEngine(TestConnections.scap("bencer_example4_example4-1.scap")),
                    new QuerySettings(3));
            // A bare Calcite connection lets the operator's error out of next() as it is; jdbc:sysql: makes it an
            // SQLException (see SqlErrors).
            Exception e = assertThrows(
                    Exception.class,
                    () -> rows(
                            capped,
                            "SELECT TUMBLE_START(evt.time, INTERVAL "
                                    + "'1' MINUTE), evt.num, COUNT(*) FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' MINUTE), evt.num"));
            Throwable root = e;
            while (root.getCause() != null && !(root instanceof SysqlException)) {
                root = root.getCause();
            }
            assertTrue(
                    Objects.toString(root.getMessage()).contains("more than 3 groups")
                            && root.getMessage().contains("windowGroups"),
                    root.toString());
        }
    }

    @Test
    void aNonWindowedStreamAggregateIsRefusedByTheValidator() {
        SQLException e = assertThrows(
                SQLException.class, () -> rows(c, "SELECT STREAM proc.name, COUNT(*) FROM events GROUP BY proc.name"));
        assertTrue(
                e.getMessage().contains("Streaming aggregation requires at least one monotonic expression"),
                e.getMessage());
    }

    @Test
    void explainShowsTheWindowAndWhatIsRead() throws Exception {
        String plan = TestConnections.explain(
                c,
                "SELECT STREAM TUMBLE_END(evt.time, INTERVAL '5' SECOND), proc.name, "
                        + "COUNT(DISTINCT fd.name) FROM events WHERE evt.type = 'read' GROUP BY TUMBLE(evt.time, INTERVAL '5' "
                        + "SECOND), proc.name");
        assertTrue(plan.contains("window=[TUMBLE(5000 ms) of evt.time]"), plan);
        assertTrue(plan.contains("keys=[[proc.name]]") && plan.contains("COUNT(DISTINCT fd.name)"), plan);
        assertTrue(plan.contains("filter=[evt.type = 'read'"), plan);
    }
}
