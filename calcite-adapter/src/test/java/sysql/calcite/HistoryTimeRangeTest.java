// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A query's conjuncts on {@code evt.rawtime} and {@code evt.time} become the time range its history scan hands
 * the engine (so the recorder reads only the segments in it), never narrower than the rows the query keeps, and
 * EXPLAIN shows it. Without root: the stand-in live engine of {@link KernelFiltersTest} over a capture file.
 */
class HistoryTimeRangeTest {
    private static KernelFiltersTest.RecordingLiveEngine engine;
    private static Connection c;
    private static final long T = 1_700_000_000_123_456_789L;

    @BeforeAll
    static void open() throws Exception {
        engine = new KernelFiltersTest.RecordingLiveEngine(
                new FileEngine(TestConnections.scap("libs_curl_google.scap")));
        c = TestConnections.connect(engine);
    }

    @AfterAll
    static void close() throws SQLException {
        c.close();
    }

    private static long[] range(String where) throws SQLException {
        engine.lastHistory = null;
        TestConnections.rows(c, "SELECT evt.num FROM events WHERE " + where);
        assertTrue(engine.lastHistory != null, "the history was read");
        return new long[] {engine.lastHistory.fromTs(), engine.lastHistory.toTs()};
    }

    @Test
    void rawtimeBoundsAreTheRange() throws SQLException {
        long max = Long.MAX_VALUE;
        long min = Long.MIN_VALUE;
        assertArrayEquals(new long[] {T, max}, range("evt.rawtime >= " + T));
        assertArrayEquals(new long[] {T + 1, max}, range("evt.rawtime > " + T));
        assertArrayEquals(new long[] {min, T - 1}, range(T + " > evt.rawtime"));
        assertArrayEquals(new long[] {T, T + 10}, range("evt.rawtime BETWEEN " + T + " AND " + (T + 10)));
        assertArrayEquals(new long[] {T, T + 5}, range("evt.rawtime IN (" + (T + 5) + ", " + T + ")"));
        assertArrayEquals(
                new long[] {T, T + 10},
                range("evt.rawtime >= " + T + " AND evt.type = 'read' AND evt.rawtime <= " + (T + 10)));
        assertArrayEquals(new long[] {min, max}, range("evt.type = 'read'"));
        assertArrayEquals(new long[] {min, max}, range("evt.rawtime >= " + T + " OR evt.type = 'read'"));
        assertArrayEquals(new long[] {min, max}, range("evt.rawtime <> " + T));
        engine.lastHistory = null; // a contradiction is Calcite's to find: no scan at all
        assertEquals(
                List.of(),
                TestConnections.rows(
                        c, "SELECT evt.num FROM events WHERE evt.rawtime > " + (T + 1) + " AND evt.rawtime < " + T));
        assertEquals(null, engine.lastHistory);
    }

    @Test
    void evtTimeCoversItsWholeMillisecond() throws SQLException {
        // 2023-11-14 22:13:20.123 UTC is 1700000000123 ms
        long ms = 1_700_000_000_123L;
        assertArrayEquals(
                new long[] {ms * 1_000_000L, Long.MAX_VALUE}, range("evt.time >= TIMESTAMP '2023-11-14 22:13:20.123'"));
        assertArrayEquals(
                new long[] {Long.MIN_VALUE, ms * 1_000_000L + 999_999L},
                range("evt.time <= TIMESTAMP '2023-11-14 22:13:20.123'"));
        assertArrayEquals(
                new long[] {Long.MIN_VALUE, ms * 1_000_000L - 1},
                range("evt.time < TIMESTAMP '2023-11-14 22:13:20.123'"));
        assertArrayEquals(
                new long[] {(ms + 1) * 1_000_000L, Long.MAX_VALUE},
                range("evt.time > TIMESTAMP '2023-11-14 22:13:20.123'"));
        // BETWEEN and IN become Calcite's SEARCH over milliseconds
        assertArrayEquals(
                new long[] {ms * 1_000_000L, (ms + 877) * 1_000_000L + 999_999L},
                range("evt.time BETWEEN TIMESTAMP '2023-11-14 22:13:20.123' AND TIMESTAMP '2023-11-14 22:13:21'"));
        assertArrayEquals(
                new long[] {ms * 1_000_000L, (ms + 877) * 1_000_000L + 999_999L},
                range("evt.time IN (TIMESTAMP '2023-11-14 22:13:21', TIMESTAMP '2023-11-14 22:13:20.123')"));
    }

    @Test
    void explainShowsTheHistorysTimeRange() throws SQLException {
        String plan = TestConnections.explain(
                c, "SELECT evt.num FROM events WHERE evt.rawtime BETWEEN " + T + " AND " + (T + 10));
        assertTrue(plan.contains("time=[rawtime " + T + ".." + (T + 10) + "]"), plan);
        String none = TestConnections.explain(c, "SELECT evt.num FROM events WHERE evt.type = 'read'");
        assertTrue(!none.contains("time="), none);
    }
}
