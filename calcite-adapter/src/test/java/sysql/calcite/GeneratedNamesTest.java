// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Plans whose generated Java has a class for a row of sysdig's fields (a window function's PARTITION BY keys,
 * several of them): they compile, and the columns keep sysdig's names as labels (see SysqlTypeFactory).
 */
class GeneratedNamesTest extends CaptureFileTests {
    GeneratedNamesTest() throws Exception {
        super("falco_cat_write.scap");
    }

    @Test
    void aWindowFunctionPartitionedByTwoDottedNamesRuns() throws Exception {
        String sql =
                "SELECT thread.tid, evt.num, LEAD(evt.num) OVER (PARTITION BY proc.pid, thread.tid ORDER BY evt.num) "
                        + "AS nxt FROM events WHERE proc.pid = 642 ORDER BY thread.tid, evt.num";
        assertEquals(
                List.of(
                        List.of(642L, 24L, 89L),
                        List.of(642L, 89L, 239L),
                        List.of(642L, 239L, 304L),
                        java.util.Arrays.asList(642L, 304L, null),
                        List.of(722L, 25L, 90L),
                        List.of(722L, 90L, 240L),
                        List.of(722L, 240L, 305L),
                        java.util.Arrays.asList(722L, 305L, null),
                        List.of(723L, 26L, 91L),
                        List.of(723L, 91L, 241L),
                        List.of(723L, 241L, 306L),
                        java.util.Arrays.asList(723L, 306L, null),
                        List.of(724L, 27L, 92L),
                        List.of(724L, 92L, 242L),
                        List.of(724L, 242L, 307L),
                        java.util.Arrays.asList(724L, 307L, null)),
                TestConnections.rows(c, sql));
        assertEquals(List.of("thread.tid", "evt.num", "nxt"), TestConnections.labels(c, sql));
        // The reported query, and keys with brackets and names that differ only by '.' and '_'.
        assertEquals(
                345,
                TestConnections.rows(
                                c,
                                "SELECT evt.num, LEAD(evt.num) OVER (PARTITION BY proc.pid, "
                                        + "thread.tid ORDER BY evt.num) FROM events")
                        .size());
        assertEquals(
                16,
                TestConnections.rows(
                                c,
                                "SELECT evt.num, LAG(evt.type) OVER (PARTITION BY thread.tid, "
                                        + "evt.arg[1], proc.name ORDER BY evt.num) AS earlier FROM (SELECT evt.num, evt.type, thread.tid, "
                                        + "evt.arg[1], proc.name AS proc_name, proc.name FROM events WHERE proc.pid = 642)")
                        .size());
    }
}
