// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sysql.testing.Await;
import sysql.testing.RequiresBpf;

/**
 * The history is the stream replayed: for every event it holds, every field has the value the live stream
 * gave for the same event (same evt.num), also after older events fell out of the retention and the replay
 * starts from the state the recorder carried past them. Needs root.
 */
@RequiresBpf
class HistoryIT {
    static final String FIELDS = "evt.num, evt.type, evt.dir, evt.args, proc.pid, proc.name, proc.exe, proc.cmdline, "
            + "proc.cwd, proc.ppid, thread.tid, fd.num, fd.type, fd.name, fd.sip, fd.sport, user.name, evt.res";

    @BeforeAll
    static void driverAndWorkload() throws Exception {
        LiveSqlIT.driverAndWorkload();
    }

    static String row(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            sb.append(i > 1 ? " | " : "").append(rs.getString(i));
        }
        return sb.toString();
    }

    /** The time of the oldest event the recorder keeps (capture_stats.history_since), in ms. */
    static long historySinceMillis(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT history_since FROM capture_stats WHERE cpu IS NULL")) {
            assertTrue(rs.next());
            java.sql.Timestamp t =
                    rs.getTimestamp(1, java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC")));
            return t == null ? Long.MIN_VALUE : t.getTime();
        }
    }

    @Test
    void historyGivesEveryEventTheValuesTheStreamGaveLive() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sysql:historySeconds=2");
                LiveSqlIT.Server server = new LiveSqlIT.Server();
                Statement st = c.createStatement()) {
            Map<Long, String> live = new ConcurrentHashMap<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try (ResultSet rs = st.executeQuery(
                        "SELECT STREAM " + FIELDS + " FROM events WHERE proc.name = '" + LiveSqlIT.COMM + "'")) {
                    while (rs.next()) {
                        live.put(rs.getLong(1), row(rs));
                    }
                } catch (SQLException e) {
                    if (!LiveSqlIT.isCancellation(e)) {
                        failure.set(e);
                    }
                }
            });
            reader.start();
            LiveSqlIT.awaitSubscriptions(c, 1);
            Process first = LiveSqlIT.workload(
                    "-o", "20", "/etc/hostname", "-w", "20", "-c", "5", String.valueOf(server.port()));
            assertEquals(0, first.waitFor());
            // The retention is in event time: once newer events are more than 2 s past them, the recorder lets
            // the first child's events go; its oldest kept event (history_since) then lies past the child's last.
            LiveSqlIT.awaitExitInHistory(c, first.pid());
            long firstLastMillis = Math.floorDiv(
                    LiveSqlIT.scalar(c, "SELECT MAX(evt.rawtime) FROM events WHERE " + "proc.pid = ?", first.pid()),
                    1_000_000L);
            long[] since = new long[1];
            Await.until(
                    () -> (since[0] = historySinceMillis(c)) > firstLastMillis,
                    Duration.ofSeconds(30),
                    () -> "the recorder still keeps events from " + since[0] + " ms, the first child's last is at "
                            + firstLastMillis + " ms");
            Process second =
                    LiveSqlIT.workload("-o", "30", "/etc/passwd", "-w", "10", "-c", "5", String.valueOf(server.port()));
            assertEquals(0, second.waitFor());
            LiveSqlIT.awaitExitInHistory(c, second.pid());
            // The stream has every event of the second child once it has delivered its exit (rows come in time
            // order).
            Await.until(
                    () -> failure.get() != null
                            || live.values().stream()
                                    .anyMatch(r ->
                                            r.contains(" | procexit | ") && r.contains(" | " + second.pid() + " | ")),
                    Duration.ofSeconds(30),
                    "the stream never delivered the second child's exit");
            st.cancel();
            reader.join(5000);
            assertFalse(reader.isAlive());
            if (failure.get() != null) {
                throw new AssertionError("the stream failed", failure.get());
            }

            Map<Long, String> history = new TreeMap<>();
            try (Statement h = c.createStatement();
                    ResultSet rs = h.executeQuery(
                            "SELECT " + FIELDS + " FROM events WHERE proc.name = '" + LiveSqlIT.COMM + "'")) {
                while (rs.next()) {
                    history.put(rs.getLong(1), row(rs));
                }
            }
            long secondLive = live.values().stream()
                    .filter(r -> r.contains(" | " + second.pid() + " | "))
                    .count();
            long secondHistory = history.values().stream()
                    .filter(r -> r.contains(" | " + second.pid() + " | "))
                    .count();
            assertTrue(secondLive > 100, "the stream saw " + secondLive + " events of the second child");
            assertEquals(secondLive, secondHistory, "the history lost events of the second child");
            for (Map.Entry<Long, String> e : history.entrySet()) {
                assertEquals(live.get(e.getKey()), e.getValue(), "event " + e.getKey() + ": history differs from live");
            }
            assertEquals(
                    0,
                    LiveSqlIT.scalar(c, "SELECT COUNT(*) FROM events WHERE proc.pid = ?", first.pid()),
                    "the first child's events should have left the 2 s history");
            assertTrue(LiveSqlIT.scalar(c, "SELECT history_events FROM capture_stats WHERE cpu IS NULL") > 0);
        }
    }
}
