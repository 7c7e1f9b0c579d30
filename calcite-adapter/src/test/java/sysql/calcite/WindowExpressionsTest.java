// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sysql.calcite.WindowAggregateTest.rows;
import static sysql.calcite.WindowAggregateTest.sorted;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The window aggregate over computed keys, computed arguments and WHERE conditions the scan cannot evaluate,
 * directly and through subqueries in FROM, in both window forms, as history and as a (finite) stream, over a
 * capture file: exact rows for the small cases, Calcite's own aggregate (per whole second of evt.rawtime) for
 * the others. And what a windowed query that the operator cannot run is told, stream or not (through a
 * stand-in live engine): what it uses that is not supported, never "a GROUP BY without a window".
 */
class WindowExpressionsTest extends CaptureFileTests {
    private static final String SECOND = "TUMBLE(evt.time, INTERVAL '1' SECOND)";
    private final Connection live;

    WindowExpressionsTest() throws Exception {
        super("bencer_example4_example4-1.scap");
        live = TestConnections.connect(new KernelFiltersTest.RecordingLiveEngine(
                new FileEngine(TestConnections.scap("bencer_example4_example4-1.scap"))));
    }

    @AfterAll
    void closeLive() throws SQLException {
        live.close();
    }

    /** Calcite's own aggregate, per whole second of evt.rawtime (the window's start, in epoch seconds). */
    private List<String> bySecond(String select, String from, String where, String groupBy) throws SQLException {
        return sorted(rows(
                c,
                "SELECT evt.rawtime / 1000000000 AS sec, " + select + " FROM " + from
                        + (where.isEmpty() ? "" : " WHERE " + where) + " GROUP BY evt.rawtime / 1000000000"
                        + (groupBy.isEmpty() ? "" : ", " + groupBy)));
    }

    private String plan(String sql) throws SQLException {
        String plan = TestConnections.explain(c, sql);
        assertTrue(plan.contains("WindowAggregateScan") && !plan.contains("EnumerableAggregate"), plan);
        return plan;
    }

    /** The query as history and as a stream: both on the window aggregate, both with these rows (sorted). */
    private void bothWays(String sql, List<String> expected, int... timestampColumns) throws SQLException {
        for (String s : List.of(sql, sql.replaceFirst("^SELECT ", "SELECT STREAM "))) {
            plan(s);
            assertEquals(expected, sorted(rows(c, s, timestampColumns)), s);
        }
    }

    @Test
    void aComputedGroupKeyInBothFormsEqualsCalcitesAggregate() throws Exception {
        // The reported reproducer.
        List<String> expected = bySecond(
                "SUBSTRING(evt.type FROM 1 FOR 4), COUNT(*)", "events", "", "SUBSTRING(evt.type FROM 1 FOR 4)");
        assertTrue(expected.size() > 50, expected.toString());
        String groupFunction = "SELECT TUMBLE_START(evt.time, INTERVAL '1' SECOND), SUBSTRING(evt.type FROM 1 FOR 4), "
                + "COUNT(*) FROM events GROUP BY " + SECOND + ", SUBSTRING(evt.type FROM 1 FOR 4)";
        bothWays(groupFunction, expected, 1);
        assertTrue(plan(groupFunction).contains("keys=[[SUBSTRING(evt.type, 1, 4)]]"), plan(groupFunction));
        bothWays(
                "SELECT window_start, SUBSTRING(evt.type FROM 1 FOR 4), COUNT(*) FROM TABLE(TUMBLE(TABLE events, "
                        + "DESCRIPTOR(evt.time), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, "
                        + "SUBSTRING(evt.type FROM 1 FOR 4)",
                expected,
                1);
        // The same over the scap_file table function (no STREAM: scap_file is a relation).
        String file = TestConnections.scap("bencer_example4_example4-1.scap")
                .toAbsolutePath()
                .toString();
        String overScapFile = groupFunction.replace("FROM events", "FROM TABLE(scap_file('" + file + "'))");
        assertTrue(plan(overScapFile).contains("keys=[[SUBSTRING(evt.type, 1, 4)]]"), plan(overScapFile));
        assertEquals(expected, sorted(rows(c, overScapFile, 1)));
        // Exactly, for one process: TUMBLE_END, the key, the count.
        assertEquals(
                List.of(
                        "1512426389|cloc|24",
                        "1512426389|ioct|1",
                        "1512426389|read|6",
                        "1512426389|rt_s|24",
                        "1512426389|sele|12",
                        "1512426389|writ|6",
                        "1512426390|cloc|8",
                        "1512426390|read|2",
                        "1512426390|rt_s|8",
                        "1512426390|sele|4",
                        "1512426390|writ|2"),
                sorted(rows(
                        c,
                        "SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND), SUBSTRING(evt.type FROM 1 FOR 4), "
                                + "COUNT(*) FROM events WHERE proc.name = 'sshd' AND evt.dir = '<' GROUP BY " + SECOND
                                + ", SUBSTRING(evt.type FROM 1 FOR 4)",
                        1)));
    }

    @Test
    void computedArgumentsEqualCalcitesAggregate() throws Exception {
        String aggregates =
                "SUM(evt.buflen * 2), MAX(CHAR_LENGTH(fd.name)), COUNT(DISTINCT SUBSTRING(fd.name FROM 1 FOR 5)), "
                        + "MIN(UPPER(proc.name)), AVG(evt.latency / 1000), MIN(evt.latency / 1000.0), "
                        + "MAX(CAST(evt.latency AS DOUBLE)), SUM(CASE WHEN evt.failed THEN 1 ELSE 0 END), COUNT(NULLIF(evt.dir, '>')), "
                        + "MAX(evt.num + 1), COUNT(DISTINCT evt.num / 100)";
        List<String> expected = bySecond(aggregates, "events", "", "");
        bothWays(
                "SELECT TUMBLE_START(evt.time, INTERVAL '1' SECOND), " + aggregates + " FROM events GROUP BY " + SECOND,
                expected,
                1);
    }

    @Test
    void aWhereTheScanCannotEvaluateIsTestedPerRow() throws Exception {
        String where = "CHAR_LENGTH(proc.name) > 5 AND evt.dir = '<' AND proc.name NOT LIKE 'docker%'";
        List<String> expected =
                bySecond("UPPER(proc.name), COUNT(*), MAX(evt.latency)", "events", where, "UPPER(proc.name)");
        assertFalse(expected.isEmpty());
        String sql = "SELECT TUMBLE_START(evt.time, INTERVAL '1' SECOND), UPPER(proc.name), COUNT(*), MAX(evt.latency) "
                + "FROM events WHERE " + where + " GROUP BY " + SECOND + ", UPPER(proc.name)";
        bothWays(sql, expected, 1);
        String plan = plan(sql);
        // evt.dir goes into the scan (and, live, the kernel); the rest is per row.
        assertTrue(
                plan.contains("filter=[(evt.dir = '<':VARCHAR) AND (NOT(LIKE(proc.name, 'docker%')))]")
                        && plan.contains("where=[CHAR_LENGTH(proc.name) > 5]"),
                plan);
        bothWays(
                "SELECT window_start, UPPER(proc.name), COUNT(*), MAX(evt.latency) FROM TABLE(TUMBLE(TABLE events, "
                        + "DESCRIPTOR(evt.time), INTERVAL '1' SECOND)) WHERE " + where
                        + " GROUP BY window_start, window_end, "
                        + "UPPER(proc.name)",
                expected,
                1);
    }

    /** The first two words of each I/O buffer's first line, in nested subqueries: the shape the first memcachelog.sql streamed with, on HTTP. */
    private static final String WORDS = "(SELECT evt.time, evt.rawtime, proc.name, evt.rawres, word, "
            + "SUBSTRING(line FROM 1 FOR POSITION(' ' IN line) - 1) AS w2 "
            + "FROM (SELECT evt.time, evt.rawtime, proc.name, evt.rawres, "
            + "SUBSTRING(line FROM 1 FOR POSITION(' ' IN line) - 1) AS word, "
            + "SUBSTRING(line FROM POSITION(' ' IN line) + 1) || ' ' AS line "
            + "FROM (SELECT evt.time, evt.rawtime, proc.name, evt.rawres, "
            + "SUBSTRING(evt.arg[1] || '..' FROM 1 FOR POSITION('..' IN evt.arg[1] || '..') - 1) || ' ' AS line "
            + "FROM events WHERE evt.is_io AND evt.dir = '<' AND evt.rawres > 0)) "
            + "WHERE word = 'GET' OR word LIKE 'HTTP/%')";

    @Test
    void subqueriesInFromThatParseTheBufferAreKeysAndFilters() throws Exception {
        // bencer_example4: curl asks apache2 for /index.php through docker-proxy, in one second.
        List<String> expected = List.of(
                "1512426389|apache2|GET|/index.php|1|82",
                "1512426389|apache2|HTTP/1.1|200|1|187",
                "1512426389|curl|GET|/index.php|1|82",
                "1512426389|curl|HTTP/1.1|200|1|187",
                "1512426389|docker-proxy|GET|/index.php|2|164",
                "1512426389|docker-proxy|HTTP/1.1|200|2|374");
        String sql = "SELECT TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS window_end, proc.name, word, w2, COUNT(*), "
                + "SUM(evt.rawres) FROM " + WORDS + " WHERE w2 <> '' GROUP BY " + SECOND + ", proc.name, word, w2";
        bothWays(sql, expected, 1);
        String plan = plan(sql);
        assertTrue(
                plan.contains("filter=[(evt.is_io) AND (evt.dir = '<'")
                        && plan.contains("where=[")
                        && plan.contains("fields=[[evt.time, proc.name, evt.rawres, evt.arg[1]]]"),
                plan);
        // The same per second from Calcite's own aggregate (window ends one second after its start).
        List<String> calcite =
                bySecond("proc.name, word, w2, COUNT(*), SUM(evt.rawres)", WORDS, "w2 <> ''", "proc.name, word, w2");
        assertEquals(
                expected,
                calcite.stream()
                        .map(r -> (Long.parseLong(r.split("\\|")[0]) + 1) + r.substring(r.indexOf('|')))
                        .sorted()
                        .toList());
        // The window table function over the same subquery, HAVING on the computed key, top-N per window.
        bothWays(
                "SELECT window_end, proc.name, word, w2, COUNT(*), SUM(evt.rawres) FROM TABLE(TUMBLE(" + WORDS
                        + ", DESCRIPTOR(evt.time), INTERVAL '1' SECOND)) WHERE w2 <> '' GROUP BY window_start, window_end, "
                        + "proc.name, word, w2",
                expected,
                1);
        bothWays(
                sql + " HAVING word = 'GET'",
                expected.stream().filter(r -> r.contains("|GET|")).toList(),
                1);
        assertEquals(
                List.of("1512426389|docker-proxy|HTTP/1.1|200|2|374", "1512426389|apache2|HTTP/1.1|200|1|187"),
                rows(
                        c,
                        "SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS window_end, proc.name, word, w2, "
                                + "COUNT(*) AS n, SUM(evt.rawres) AS bytes FROM " + WORDS + " WHERE w2 <> '' GROUP BY "
                                + SECOND
                                + ", proc.name, word, w2 ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), bytes DESC, proc.name LIMIT 2",
                        1));
    }

    @Test
    void hopOverAComputedKeyHoldsEachSecondInTwoWindows() throws Exception {
        List<String> perSecond = bySecond(
                "evt.type || '/' || evt.dir AS k, COUNT(*)",
                "events",
                "evt.type LIKE 'read%'",
                "evt.type || '/' || evt.dir");
        java.util.Map<String, Long> expected = new java.util.TreeMap<>();
        for (String r : perSecond) {
            String[] f = r.split("\\|");
            long sec = Long.parseLong(f[0]);
            for (long start = sec - 1; start <= sec; start++) {
                expected.merge(start + "|" + (start + 2) + "|" + f[1], Long.parseLong(f[2]), Long::sum);
            }
        }
        List<String> want = expected.entrySet().stream()
                .map(e -> e.getKey() + "|" + e.getValue())
                .sorted()
                .toList();
        bothWays(
                "SELECT HOP_START(evt.time, INTERVAL '1' SECOND, INTERVAL '2' SECOND), HOP_END(evt.time, INTERVAL '1' "
                        + "SECOND, INTERVAL '2' SECOND), evt.type || '/' || evt.dir, COUNT(*) FROM events WHERE evt.type LIKE 'read%' "
                        + "GROUP BY HOP(evt.time, INTERVAL '1' SECOND, INTERVAL '2' SECOND), evt.type || '/' || evt.dir",
                want, 1, 2);
    }

    // ---- what cannot run, and says so

    /** The message of the error {@code sql} fails with on {@code connection}. */
    private static String error(Connection connection, String sql) {
        SQLException e = assertThrows(SQLException.class, () -> rows(connection, sql));
        return e.getMessage();
    }

    @Test
    void aWindowedQueryTheOperatorCannotRunIsToldWhatItUses() {
        String listagg = "TUMBLE_END(evt.time, INTERVAL '1' SECOND), LISTAGG(proc.name) FROM events GROUP BY " + SECOND;
        String join =
                "TUMBLE_END(e.evt.time, INTERVAL '1' SECOND), p.proc.name, COUNT(*) FROM events e JOIN processes p "
                        + "ON e.proc.pid = p.proc.pid GROUP BY TUMBLE(e.evt.time, INTERVAL '1' SECOND), p.proc.name";
        String dbl = "TUMBLE_END(evt.time, INTERVAL '1' SECOND), SUM(CAST(evt.latency AS DOUBLE)) FROM events GROUP BY "
                + SECOND;
        String shifted = "COUNT(*) FROM events GROUP BY TUMBLE(evt.time + INTERVAL '1' HOUR, INTERVAL '1' SECOND)";
        String tvf = "window_end, LISTAGG(proc.name) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(evt.time), "
                + "INTERVAL '1' SECOND)) GROUP BY window_start, window_end";
        for (var c : List.of(
                List.of(listagg, "the aggregate function LISTAGG"),
                List.of(join, "a join"),
                List.of(dbl, "SUM of a DOUBLE value"),
                List.of(shifted, "a window over +(evt.time"),
                List.of(tvf, "the aggregate function LISTAGG"))) {
            String stream = error(live, "SELECT STREAM " + c.get(0));
            assertTrue(
                    stream.contains("this streaming query cannot run: sysql's window aggregate (GROUP BY TUMBLE/HOP) "
                                    + "does not support " + c.get(1))
                            && !stream.contains("without a window"),
                    stream);
            if (!c.get(0).equals(tvf)) {
                // Over history or a file: Calcite cannot run a group window function itself either.
                String history = error(this.c, "SELECT " + c.get(0));
                assertTrue(
                        history.contains("sysql's window aggregate (GROUP BY TUMBLE/HOP) does not support " + c.get(1))
                                && !history.contains("Unable to implement"),
                        history);
            }
        }
    }

    @Test
    void aStreamingAggregateWithoutAWindowIsStillToldTheWindowedForm() {
        String m = error(
                live,
                "SELECT STREAM evt.type FROM events WHERE proc.pid IN (SELECT proc.pid FROM events "
                        + "GROUP BY proc.pid)");
        assertTrue(
                m.contains("would wait forever: a GROUP BY without a window")
                        && m.contains("GROUP BY TUMBLE(evt.time, " + "INTERVAL '1' SECOND)"),
                m);
        String validator =
                error(live, "SELECT STREAM UPPER(proc.name), COUNT(*) FROM events GROUP BY UPPER(proc.name)");
        assertTrue(validator.contains("Streaming aggregation requires at least one monotonic expression"), validator);
    }
}
