// SPDX-License-Identifier: Apache-2.0
package sysql.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sysql.testing.Await;
import sysql.testing.Child;
import sysql.testing.RequiresBpf;

/**
 * {@code sysql daemon --history-filter}: the history leaves out the syscalls the filter excludes while a live
 * {@code SELECT STREAM} still sees them, and the state the history replays (a read's fd.name after its openat) is
 * still right; a filter the kernel cannot keep is one line and exit 1. Needs root.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@RequiresBpf
class HistoryFilterIT {
    @TempDir
    Path tmp;

    private static Path storm() throws Exception {
        Path storm = Readme.ofThisClone().root.resolve("driver-kmod/target/native/sysql-storm");
        assertTrue(Files.isExecutable(storm), storm + " missing: build driver-kmod first");
        return storm;
    }

    /** Runs sysql-storm; its pid. */
    private static long storm(String op, int count) throws Exception {
        Process p = new ProcessBuilder(storm().toString(), op, String.valueOf(count))
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "sysql-storm " + op);
        return p.pid();
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getLong(1);
        }
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void theHistoryLeavesOutWhatTheFilterExcludesAndKeepsTheState() throws Exception {
        Path socket = tmp.resolve("sysql.sock");
        try (Child daemon = Child.sysql(
                tmp,
                "daemon",
                "--socket",
                socket.toString(),
                "--no-disk-history",
                "--history-filter",
                "evt.type NOT IN ('getppid')")) {
            String started = daemon.await("local clients on " + socket, 120);
            assertTrue(started.contains("history filter syscalls=all but [getppid] threads=all"), started);
            try (Connection c = DriverManager.getConnection("jdbc:sysql:engine=daemon;socket=" + socket)) {
                // a live stream of getppid: the kernel now captures them, the history must still leave them out
                try (Child stream = Child.sysql(
                        tmp,
                        "query",
                        "--socket",
                        socket.toString(),
                        "--format",
                        "csv",
                        "SELECT STREAM proc.pid FROM events WHERE evt.type = 'getppid' AND proc.name = 'sysql-storm'")) {
                    stream.await("proc.pid", 60);
                    Await.until(
                            () -> count(c, "SELECT COUNT(*) FROM capture_subscriptions") == 1,
                            Duration.ofSeconds(30),
                            "the stream should be a subscription of the daemon");
                    String filter = strings(c, "SELECT kernel_filter FROM capture_stats WHERE cpu IS NULL")
                            .get(0);
                    assertTrue(filter.contains("; history keeps syscalls=all but [getppid] threads=all"), filter);
                    long getppid = storm("getppid", 1000);
                    stream.await("\n" + getppid + "\n", 30); // the live stream sees them
                }
                long mixed = storm("mixed", 100); // 100 times: openat /dev/zero, read it, close; write /dev/null
                String reads = "SELECT COUNT(*) FROM events WHERE proc.pid = " + mixed
                        + " AND evt.type = 'read' AND evt.dir = '<'";
                Await.until(
                        () -> count(
                                        c,
                                        "SELECT COUNT(*) FROM events WHERE proc.pid = " + mixed
                                                + " AND evt.type = 'write' AND evt.dir = '<'")
                                >= 100,
                        Duration.ofSeconds(30),
                        "the history should hold the writes of sysql-storm " + mixed);
                assertEquals(
                        0,
                        count(c, "SELECT COUNT(*) FROM events WHERE evt.type = 'getppid'"),
                        "the history kept getppid events");
                // the state the history replays: each read's file, from the openat before it
                assertEquals(
                        100,
                        count(c, reads + " AND fd.name = '/dev/zero'"),
                        "the reads of /dev/zero by sysql-storm " + mixed);
                assertEquals(0, count(c, reads + " AND fd.name IS NULL"), "reads whose file the history lost");
            }
        }
    }

    @Test
    void aFilterTheKernelCannotKeepIsOneLineAndExitOne() throws Exception {
        try (Child daemon = Child.sysql(
                tmp,
                "daemon",
                "--socket",
                tmp.resolve("sysql.sock").toString(),
                "--no-disk-history",
                "--history-filter",
                "fd.name LIKE '/etc/%'")) {
            assertTrue(daemon.process.waitFor(60, TimeUnit.SECONDS), "the daemon should stop at once");
            assertEquals(1, daemon.process.exitValue());
            Thread.sleep(200); // the last output
            String out = daemon.unseen().strip();
            assertEquals(
                    "sysql daemon: history filter: fd.name LIKE '/etc/%' cannot be kept by the kernel; "
                            + sysql.calcite.HistoryFilter.ACCEPTED,
                    out);
            assertFalse(out.contains("Exception"), out);
        }
    }
}
