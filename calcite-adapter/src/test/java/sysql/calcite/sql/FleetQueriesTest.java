// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import sysql.calcite.SysqlException;
import sysql.calcite.sql.FleetQueries.Output;
import sysql.calcite.sql.FleetQueries.Role;
import sysql.calcite.sql.FleetQueries.Split;

/** How a fleet query splits into each host's part and the global part, and what is refused, with the reason. */
class FleetQueriesTest {
    @Test
    void rowsRunTheFilterAndProjectionOnEachHost() {
        Split s = FleetQueries.split("SELECT STREAM host.name, proc.name AS p, fd.name, evt.time FROM events"
                + " WHERE fd.name = '/etc/shadow' AND evt.dir = '<' AND host.name LIKE 'web%' LIMIT 5");
        assertEquals(
                "SELECT STREAM proc.name AS c0, fd.name AS c1, evt.time AS c2 FROM events"
                        + " WHERE (fd.name = '/etc/shadow') AND (evt.dir = '<')",
                s.hostSql());
        assertEquals(
                List.of(
                        new Output("host.name", Role.HOST, "host.name", null, null),
                        new Output("p", Role.VALUE, "c0", null, null),
                        new Output("fd.name", Role.VALUE, "c1", null, null),
                        new Output("evt.time", Role.VALUE, "c2", null, null)),
                s.outputs());
        assertEquals(List.of("host.name LIKE 'web%'"), s.hostFilters());
        assertNull(s.window());
        assertEquals(5, s.limit());
    }

    @Test
    void windowsSendPartialAggregatesThatTheGlobalPartAddsUp() {
        Split s = FleetQueries.split("SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' MINUTE) AS t, host.name,\n"
                + "  proc.name, COUNT(*), SUM(evt.buflen) AS bytes, AVG(evt.latency), MAX(evt.latency) AS worst\n"
                + "FROM events WHERE evt.failed AND evt.type IN ('open', 'openat')\n"
                + "GROUP BY TUMBLE(evt.time, INTERVAL '1' MINUTE), proc.name, host.name");
        assertEquals(
                "SELECT STREAM TUMBLE_START(evt.time, INTERVAL '1' MINUTE) AS w_start,"
                        + " TUMBLE_END(evt.time, INTERVAL '1' MINUTE) AS w_end, COUNT(*) AS n, proc.name AS k0,"
                        + " COUNT(*) AS a0, SUM(evt.buflen) AS a1, SUM(evt.latency) AS a2,"
                        + " COUNT(evt.latency) AS a2_n, MAX(evt.latency) AS a3 FROM events"
                        + " WHERE (evt.failed) AND (evt.type IN ('open', 'openat'))"
                        + " GROUP BY TUMBLE(evt.time, INTERVAL '1' MINUTE), proc.name",
                s.hostSql());
        assertEquals(
                List.of(
                        new Output("t", Role.WINDOW_END, "w_end", null, null),
                        new Output("host.name", Role.HOST, "host.name", null, null),
                        new Output("proc.name", Role.KEY, "k0", null, null),
                        new Output("count", Role.AGGREGATE, "a0", "COUNT", null),
                        new Output("bytes", Role.AGGREGATE, "a1", "SUM", null),
                        new Output("avg_evt_latency", Role.AGGREGATE, "a2", "AVG", "a2_n"),
                        new Output("worst", Role.AGGREGATE, "a3", "MAX", null)),
                s.outputs());
        assertEquals(
                new FleetQueries.Window("TUMBLE", "INTERVAL '1' MINUTE", "INTERVAL '1' MINUTE", 60_000, 60_000),
                s.window());
        assertEquals(List.of("k0", "host.name"), s.groupColumns());
        assertEquals(-1, s.limit());
    }

    @Test
    void aHopWindowKeepsItsSlideAndSize() {
        Split s = FleetQueries.split("SELECT STREAM HOP_START(evt.time, INTERVAL '10' SECOND, INTERVAL '1' MINUTE),"
                + " evt.type, COUNT(*) AS c FROM events GROUP BY HOP(evt.time, INTERVAL '10' SECOND, INTERVAL '1' MINUTE),"
                + " evt.type");
        assertEquals(
                new FleetQueries.Window("HOP", "INTERVAL '10' SECOND", "INTERVAL '1' MINUTE", 10_000, 60_000),
                s.window());
        assertTrue(
                s.hostSql()
                        .startsWith("SELECT STREAM HOP_START(evt.time, INTERVAL '10' SECOND, INTERVAL '1' MINUTE)"
                                + " AS w_start, HOP_END(evt.time, INTERVAL '10' SECOND, INTERVAL '1' MINUTE) AS w_end"),
                s.hostSql());
        assertEquals(
                new Output("window_start", Role.WINDOW_START, "w_start", null, null),
                s.outputs().get(0));
    }

    private static void assertRefused(String sql, String why) {
        SysqlException e = assertThrows(SysqlException.class, () -> FleetQueries.split(sql));
        assertTrue(e.getMessage().startsWith("cannot split this query for a fleet: "), e.getMessage());
        assertTrue(e.getMessage().contains(why), "expected [" + why + "] in: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void whatCannotBeSplitIsRefusedWithTheReason() {
        assertRefused("SELECT proc.name FROM events", "a fleet query is a SELECT STREAM");
        assertRefused("SELECT STREAM * FROM events", "* in a fleet query");
        assertRefused("SELECT STREAM proc.name FROM processes", "FROM events");
        assertRefused(
                "SELECT STREAM e.proc.name FROM events e JOIN events f ON e.proc.pid = f.proc.pid", "FROM events");
        assertRefused("SELECT STREAM COUNT(*) FROM events", "aggregates a stream that never ends");
        assertRefused("SELECT STREAM proc.name, COUNT(*) FROM events GROUP BY proc.name", "GROUP BY without a window");
        assertRefused(
                "SELECT STREAM COUNT(DISTINCT proc.name) AS n FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND)",
                "a distinct count needs every host's values in one place");
        assertRefused(
                "SELECT STREAM SUM(evt.buflen) / COUNT(*) AS avg FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1'"
                        + " SECOND)",
                "is neither a window bound, a GROUP BY expression nor an aggregate");
        assertRefused(
                "SELECT STREAM proc.name, COUNT(*) AS c FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND),"
                        + " proc.name ORDER BY c DESC LIMIT 3",
                "ORDER BY");
        assertRefused(
                "SELECT STREAM COUNT(*) AS c FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND) HAVING"
                        + " COUNT(*) > 3",
                "HAVING");
        assertRefused(
                "SELECT STREAM COUNT(*) AS c FROM events GROUP BY SESSION(evt.time, INTERVAL '1' SECOND)",
                "a SESSION window");
        assertRefused(
                "SELECT STREAM proc.name FROM events WHERE host.name = 'a' OR proc.name = 'b'",
                "compares host.name or host.id with a host's own fields");
        assertRefused(
                "SELECT STREAM CONCAT(host.name, proc.name) AS x FROM events", "uses host.name or host.id inside");
        assertRefused(
                "SELECT STREAM host.name, COUNT(*) AS c FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND)",
                "host.name is selected but not in GROUP BY");
        assertRefused(
                "SELECT STREAM proc.name FROM events WHERE proc.pid IN (SELECT proc.pid FROM processes)",
                "a subquery or table function");
        assertRefused(
                "SELECT STREAM (SELECT MAX(fd.num) FROM fds) AS x, proc.name FROM events",
                "a subquery or table function");
        assertRefused(
                "SELECT STREAM proc.name FROM events WHERE EXISTS (SELECT 1 FROM TABLE(scap_file('/etc/shadow')))",
                "a subquery or table function");
        assertRefused(
                "SELECT STREAM COUNT(*) AS c FROM events GROUP BY HOP(evt.time, INTERVAL '0.001' SECOND, INTERVAL '1'"
                        + " DAY)",
                "a HOP's size must be a whole number of its slides, at most 1000");
        assertRefused(
                "SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' HOUR) AS t, COUNT(*) AS c FROM events"
                        + " GROUP BY TUMBLE(evt.time, INTERVAL '1' MINUTE)",
                "is not the bound of the GROUP BY's window");
        assertRefused("SELECT STREAM proc.name FROM events LIMIT 1.5", "LIMIT takes a whole number of rows");
        assertEquals(
                0,
                FleetQueries.split("SELECT STREAM proc.name FROM events LIMIT 0")
                        .limit());
        SysqlException e = assertThrows(SysqlException.class, () -> FleetQueries.split("SELECT STREAM proc.name FROM"));
        assertEquals("Encountered \"<EOF>\" at line 1, column 28.", e.getMessage());
    }
}
