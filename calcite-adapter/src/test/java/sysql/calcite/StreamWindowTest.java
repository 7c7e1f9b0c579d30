// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Window functions (OVER) in a SELECT STREAM run row by row ({@code StreamWindow}): over a capture file the
 * stream's rows are the history query's (Calcite's own Window), in order; what a stream cannot answer at once is
 * refused by name.
 */
class StreamWindowTest {
    static Connection c;

    @BeforeAll
    static void open() throws Exception {
        c = TestConnections.file("bencer_example4_example4-1.scap");
    }

    @AfterAll
    static void close() throws SQLException {
        c.close();
    }

    static List<List<Object>> rows(String sql) throws SQLException {
        return TestConnections.rows(c, sql);
    }

    private static void sameAsHistory(String select, String rest) throws SQLException {
        sameAsHistory(select, rest, "evt.num");
    }

    private static void sameAsHistory(String select, String rest, String order) throws SQLException {
        List<List<Object>> history = rows("SELECT " + select + " " + rest + " ORDER BY " + order);
        List<List<Object>> stream = rows("SELECT STREAM " + select + " " + rest);
        assertTrue(history.size() > 100, "rows: " + history.size());
        assertEquals(history, stream);
    }

    @Test
    void runningAggregatesPerPartition() throws SQLException {
        sameAsHistory(
                "evt.num, COUNT(*) OVER w, COUNT(fd.name) OVER w, SUM(evt.buflen) OVER w, MIN(evt.type) OVER w, "
                        + "MAX(evt.rawres) OVER w, ROW_NUMBER() OVER (PARTITION BY proc.pid ORDER BY evt.num)",
                "FROM events WHERE evt.dir = '<' "
                        + "WINDOW w AS (PARTITION BY proc.pid ORDER BY evt.num ROWS UNBOUNDED PRECEDING)");
    }

    @Test
    void theRowsBeforeAndFirstAndLastValues() throws SQLException {
        sameAsHistory(
                "evt.num, COUNT(fd.name) OVER (PARTITION BY thread.tid ORDER BY evt.num "
                        + "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), "
                        + "FIRST_VALUE(evt.type) OVER w, LAST_VALUE(fd.name) OVER w, FIRST_VALUE(fd.name) OVER w",
                "FROM events WINDOW w AS (PARTITION BY thread.tid ORDER BY evt.num ROWS UNBOUNDED PRECEDING)");
    }

    @Test
    void windowsOnWindows() throws SQLException {
        // a partition by a value another window computed (httplog's turns)
        sameAsHistory(
                "num, turn, FIRST_VALUE(num) OVER (PARTITION BY tid, turn ORDER BY num ROWS UNBOUNDED PRECEDING)",
                "FROM (SELECT evt.num AS num, thread.tid AS tid, COUNT(CASE WHEN evt.dir = '<' THEN 1 END) OVER "
                        + "(PARTITION BY thread.tid ORDER BY evt.num ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) "
                        + "AS turn FROM events) AS e",
                "num");
    }

    /**
     * A windowed GROUP BY over rows of window functions (RowsWindowAggregate): per second, the same groups and
     * numbers as the history grouped by the second; ORDER BY … LIMIT is each second's top.
     */
    @Test
    void aWindowedGroupByOverWindowFunctions() throws SQLException {
        String rows = "FROM (SELECT evt.time AS t, evt.type AS type, COUNT(*) OVER (PARTITION BY thread.tid "
                + "ORDER BY evt.num ROWS UNBOUNDED PRECEDING) AS n FROM events WHERE evt.dir = '<') AS e";
        List<List<Object>> stream = rows("SELECT STREAM TUMBLE_END(t, INTERVAL '1' SECOND), type, COUNT(*), "
                + "SUM(n), MAX(n) " + rows + " GROUP BY TUMBLE(t, INTERVAL '1' SECOND), type");
        List<List<Object>> history = rows("SELECT FLOOR(t TO SECOND) + INTERVAL '1' SECOND, type, COUNT(*), "
                + "SUM(n), MAX(n) " + rows + " GROUP BY FLOOR(t TO SECOND), type");
        assertTrue(history.size() > 10, "groups: " + history.size());
        java.util.Comparator<List<Object>> byText = java.util.Comparator.comparing(Object::toString);
        assertEquals(
                history.stream().sorted(byText).toList(),
                stream.stream().sorted(byText).toList());
        List<List<Object>> top = rows("SELECT STREAM TUMBLE_END(t, INTERVAL '1' SECOND), type, COUNT(*) " + rows
                + " GROUP BY TUMBLE(t, INTERVAL '1' SECOND), type"
                + " ORDER BY TUMBLE_END(t, INTERVAL '1' SECOND), COUNT(*) DESC LIMIT 2");
        java.util.Map<Object, List<Long>> perSecond = new java.util.LinkedHashMap<>();
        for (List<Object> r : top) {
            perSecond.computeIfAbsent(r.get(0), k -> new ArrayList<>()).add(((Number) r.get(2)).longValue());
        }
        assertEquals(history.stream().map(r -> r.get(0)).distinct().count(), perSecond.size());
        for (List<Long> counts : perSecond.values()) {
            assertTrue(counts.size() <= 2, "per second: " + counts);
            assertTrue(counts.size() < 2 || counts.get(0) >= counts.get(1), "in order: " + counts);
        }
    }

    @Test
    void whatAStreamCannotAnswerAtOnceIsRefused() {
        for (String over : List.of(
                "(PARTITION BY proc.pid ORDER BY evt.num ROWS BETWEEN UNBOUNDED PRECEDING AND 1 FOLLOWING)",
                "(PARTITION BY proc.pid ORDER BY evt.num ROWS 3 PRECEDING)",
                "(PARTITION BY proc.pid ORDER BY evt.buflen ROWS UNBOUNDED PRECEDING)",
                "(PARTITION BY proc.pid ORDER BY evt.num DESC ROWS UNBOUNDED PRECEDING)")) {
            SQLException e = assertThrows(
                    SQLException.class, () -> rows("SELECT STREAM COUNT(*) OVER " + over + " FROM events"), over);
            Throwable t = e;
            while (t != null && !(t instanceof SysqlException)) {
                t = t.getCause();
            }
            assertTrue(
                    t != null && t.getMessage().contains("window functions over a stream (OVER) do not support"),
                    over + ": " + e);
        }
    }
}
