// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static sysql.calcite.TestConnections.labels;
import static sysql.calcite.TestConnections.rows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An aggregate without AS is labelled as PostgreSQL labels it ({@code COUNT(*)} is {@code count}, {@code
 * SUM(evt.buflen)} {@code sum_evt_buflen}), not {@code EXPR$n}, and the label can be referred to unquoted.
 */
class AggregateNamesTest extends CaptureFileTests {
    AggregateNamesTest() throws Exception {
        super("falco_cat_write.scap");
    }

    @Test
    void anAggregateOfAColumnIsNamedAfterTheFunctionAndTheColumn() throws Exception {
        assertEquals(
                List.of("proc.name", "count", "sum_evt_buflen", "max_evt_rawtime", "count_evt_type"),
                labels(
                        c,
                        "SELECT proc.name, COUNT(*), SUM(evt.buflen), MAX(evt.rawtime), COUNT(DISTINCT evt.type) "
                                + "FROM events GROUP BY proc.name"));
        assertEquals(
                List.of("min_evt_num", "avg_proc_pid"),
                labels(c, "SELECT MIN(e.evt.num), Avg(E.PROC.PID) FROM events e"));
        assertEquals(
                List.of("count", "count_proc_name"),
                labels(c, "SELECT COUNT(*) FILTER (WHERE evt.dir = '<'), COUNT(proc.name) FROM events"));
    }

    @Test
    void otherAggregatesAreNamedAfterTheFunctionAndOtherExpressionsKeepCalcitesNames() throws Exception {
        assertEquals(
                List.of("sum", "max", "EXPR$2", "EXPR$3", "n"),
                labels(
                        c,
                        "SELECT SUM(evt.buflen + 1), MAX(LOWER(proc.name)), COUNT(*) * 2, 1, COUNT(*) AS n "
                                + "FROM events"));
        assertEquals(List.of("EXPR$0"), labels(c, "VALUES 1"));
        assertEquals(
                List.of("evt.num", "count"),
                labels(c, "SELECT evt.num, COUNT(*) OVER (PARTITION BY proc.pid) FROM events LIMIT 1"));
    }

    @Test
    void equalNamesAreMadeUnique() throws Exception {
        assertEquals(
                List.of("count", "count0", "sum_evt_buflen", "sum_evt_buflen0"),
                labels(c, "SELECT COUNT(*), COUNT(*), SUM(evt.buflen), SUM(evt.buflen) FROM events"));
        assertEquals(
                List.of("count0", "count", "count_evt_num0", "count_evt_num"),
                labels(
                        c,
                        "SELECT COUNT(*), evt.num AS count, COUNT(evt.num), 1 AS count_evt_num FROM events "
                                + "GROUP BY evt.num"));
    }

    @Test
    void theNamesWorkInOrderByHavingAndAnEnclosingQuery() throws Exception {
        String where = " FROM events WHERE proc.name = 'cat' AND evt.dir = '<' GROUP BY evt.type";
        List<List<Object>> byAlias = rows(c, "SELECT evt.type, COUNT(*) AS n" + where + " ORDER BY n DESC, evt.type");
        assertEquals(byAlias, rows(c, "SELECT evt.type, COUNT(*)" + where + " ORDER BY count DESC, evt.type"));
        assertEquals(byAlias, rows(c, "SELECT evt.type, COUNT(*)" + where + " ORDER BY COUNT DESC, 1"));
        assertEquals(byAlias, rows(c, "SELECT evt.type, COUNT(*)" + where + " ORDER BY COUNT(*) DESC, evt.type"));
        assertEquals(
                byAlias.stream().filter(r -> (Long) r.get(1) > 2).toList(),
                rows(c, "SELECT evt.type, COUNT(*)" + where + " HAVING count > 2 ORDER BY count DESC, evt.type"));
        assertEquals(
                List.of(List.of(byAlias.get(0).get(1))),
                rows(c, "SELECT MAX(count) FROM (SELECT evt.type, COUNT(*)" + where + ")"));
        assertEquals(List.of("max_count"), labels(c, "SELECT MAX(t.count) FROM (SELECT COUNT(*)" + where + ") t"));
    }
}
