// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sysql.testing.Await;
import sysql.testing.RequiresBpf;

/**
 * SQL on the live host, through {@code jdbc:sysql:}: a scripted child's exact counts from
 * the history, its events streamed while it runs, the state tables and a join for a child holding a file
 * and a socket, and the kernel-side filter keeping a storm of another syscall in the kernel. Needs root.
 */
@RequiresBpf
class LiveSqlIT {
    static final Path WORKLOAD = Path.of("../driver-kmod/target/native/sysql-workload");
    static final Path STORM = Path.of("../driver-kmod/target/native/sysql-storm");
    static final String COMM = "sysql-workload";

    @BeforeAll
    static void driverAndWorkload() throws Exception {
        Class.forName(SysqlDriver.class.getName());
        assertTrue(Files.isExecutable(WORKLOAD), WORKLOAD + " missing: build driver-kmod first");
    }

    /** A loopback TCP server that accepts and closes every connection. */
    static final class Server implements AutoCloseable {
        final ServerSocket socket;
        final Thread thread;

        Server() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(
                    () -> {
                        List<Socket> open = new ArrayList<>();
                        while (!socket.isClosed()) {
                            try {
                                open.add(socket.accept());
                            } catch (IOException e) {
                                break;
                            }
                        }
                        for (Socket s : open) {
                            try {
                                s.close();
                            } catch (IOException e) {
                                // closing anyway
                            }
                        }
                    },
                    "test-server");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static Process workload(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(WORKLOAD.toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    static long scalar(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "no row for " + sql);
                return rs.getLong(1);
            }
        }
    }

    /** Waits until the history holds the process's exit (all its events are in). */
    static void awaitExitInHistory(Connection c, long pid) throws Exception {
        Await.until(
                () -> scalar(c, "SELECT COUNT(*) FROM events WHERE proc.pid = ? AND evt.type = 'procexit'", pid) > 0,
                Duration.ofSeconds(30),
                "the history never showed the exit of " + pid);
    }

    @Test
    void historyCountsTheScriptedChildsCallsExactly() throws Exception {
        int n = 37;
        int m = 23;
        int k = 5;
        try (Connection c = DriverManager.getConnection("jdbc:sysql:");
                Server server = new Server()) {
            Process child = workload(
                    "-d",
                    "200",
                    "-o",
                    String.valueOf(n),
                    "/etc/hostname",
                    "-w",
                    String.valueOf(m),
                    "-c",
                    String.valueOf(k),
                    String.valueOf(server.port()));
            assertEquals(0, child.waitFor(), "the workload failed");
            awaitExitInHistory(c, child.pid());
            Map<String, Long> counts = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT proc.name, evt.type, COUNT(*) FROM events "
                    + "WHERE proc.pid = ? AND evt.dir = '<' GROUP BY 1, 2")) {
                ps.setLong(1, child.pid());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (COMM.equals(rs.getString(1))) {
                            counts.put(rs.getString(2), rs.getLong(3));
                        }
                    }
                }
            }
            assertEquals(n, counts.getOrDefault("openat", 0L), "openat exits: " + counts);
            assertEquals(m, counts.getOrDefault("write", 0L), "write exits: " + counts);
            assertEquals(k, counts.getOrDefault("connect", 0L), "connect exits: " + counts);
            // The same with the filter written literally (pushed into the kernel for a stream, into the scan here).
            long literal = scalar(
                    c,
                    "SELECT COUNT(*) FROM events WHERE proc.pid = " + child.pid()
                            + " AND evt.type = 'openat' AND evt.dir = '<' AND fd.name = '/etc/hostname'");
            assertEquals(n, literal);
        }
    }

    /**
     * newfstatat (the stat family) is a typed event with falcosecurity's code and parameters: each call's exit
     * carries its result, the directory fd (AT_FDCWD), the path and the flags by name. Before, it went out as the
     * generic event with raw registers: the path could not be asked for.
     */
    @Test
    void newfstatatIsATypedEventWithItsPathAndFlags() throws Exception {
        int n = 7;
        try (Connection c = DriverManager.getConnection("jdbc:sysql:")) {
            Process child = workload("-d", "200", "-s", String.valueOf(n), "/etc/hostname");
            assertEquals(0, child.waitFor(), "the workload failed");
            awaitExitInHistory(c, child.pid());
            try (PreparedStatement ps = c.prepareStatement("SELECT evt.rawres, evt.rawarg.dirfd, evt.arg.path, "
                    + "evt.arg.flags, evt.category, COUNT(*) FROM events "
                    + "WHERE proc.pid = ? AND proc.name = ? AND evt.type = 'newfstatat' AND evt.dir = '<' "
                    + "GROUP BY 1, 2, 3, 4, 5")) {
                ps.setLong(1, child.pid());
                ps.setString(2, COMM); // not the fstat calls of the JVM's spawn helper, before the exec
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next(), "no newfstatat exit");
                    assertEquals(0, rs.getLong(1));
                    assertEquals(-100, rs.getLong(2), "dirfd is AT_FDCWD");
                    assertEquals("/etc/hostname", rs.getString(3));
                    assertEquals("AT_SYMLINK_NOFOLLOW", rs.getString(4));
                    assertEquals("file", rs.getString(5));
                    assertEquals(n, rs.getLong(6));
                    assertFalse(rs.next(), "newfstatat exits of another shape");
                }
            }
        }
    }

    @Test
    void streamDeliversTheChildsEventsWhileItRuns() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sysql:history=off");
                Server server = new Server();
                Statement st = c.createStatement()) {
            List<long[]> rows = new CopyOnWriteArrayList<>(); // {pid, arrival ms}
            AtomicReference<Throwable> failure = new AtomicReference<>();
            // executeQuery of a stream returns with its first row: it runs on the reader's thread.
            Thread reader = new Thread(() -> {
                try (ResultSet rs = st.executeQuery("SELECT STREAM proc.pid, evt.type FROM events WHERE proc.name = '"
                        + COMM + "' AND evt.dir = '<'")) {
                    while (rs.next()) {
                        rows.add(new long[] {rs.getLong(1), System.currentTimeMillis()});
                    }
                } catch (SQLException e) {
                    if (!isCancellation(e)) {
                        failure.set(e);
                    }
                }
            });
            reader.start();
            awaitSubscriptions(c, 1);
            Process child = workload(
                    "-r", "20", "-o", "40", "/etc/hostname", "-w", "40", "-c", "40", String.valueOf(server.port()));
            long exitedAt;
            // While the child runs (2 s at 20 rounds/s), rows must already be arriving.
            assertFalse(child.waitFor(1500, TimeUnit.MILLISECONDS), "the workload ended too early");
            long during = rows.stream().filter(r -> r[0] == child.pid()).count();
            assertEquals(0, child.waitFor());
            exitedAt = System.currentTimeMillis();
            // 40 rounds of openat, close, write, socket, connect, close exits at least.
            Await.until(
                    () -> failure.get() != null || rows.size() >= 200,
                    Duration.ofSeconds(30),
                    () -> "rows: " + rows.size());
            st.cancel();
            reader.join(5000);
            assertFalse(reader.isAlive(), "the cancelled stream did not end");
            if (failure.get() != null) {
                throw new AssertionError("the stream failed", failure.get());
            }
            assertTrue(during > 20, "only " + during + " rows arrived while the child ran");
            assertTrue(rows.stream().allMatch(r -> r[0] == child.pid()), "rows of other processes arrived");
            assertTrue(rows.stream().anyMatch(r -> r[1] < exitedAt - 500));
            assertTrue(rows.size() >= 200, "rows: " + rows.size());
        }
    }

    /**
     * proc.name is the process's name from exec (and clone), as sysdig keeps it: a worker thread that renames
     * itself (memcached's become mc-worker) keeps it. With the history off, {@code proc.name = …} is the kernel's
     * comm filter, which must compare that name too, not the thread's current comm (the probe's per-process
     * names, set at exec and inherited at fork).
     */
    @Test
    void aThreadThatRenamesItselfKeepsItsProcessNameInTheKernelFilter() throws Exception {
        int n = 20;
        try (Connection c = DriverManager.getConnection("jdbc:sysql:history=off");
                Statement st = c.createStatement()) {
            StreamReader<long[]> stream = new StreamReader<>( // {tid, pid}
                    c,
                    st,
                    "SELECT STREAM thread.tid, proc.pid FROM events WHERE proc.name = '" + COMM
                            + "' AND evt.type = 'openat' AND evt.dir = '<'",
                    rs -> new long[] {rs.getLong(1), rs.getLong(2)});
            Process child = workload("-T", "mc-worker", "-o", String.valueOf(n), "/etc/hostname");
            assertEquals(0, child.waitFor());
            stream.await(rows -> rows.stream().filter(r -> r[1] == child.pid()).count() >= n);
            List<long[]> rows =
                    stream.finish().stream().filter(r -> r[1] == child.pid()).toList();
            assertEquals(n, rows.size(), "the renamed thread's openat exits");
            assertTrue(rows.stream().allMatch(r -> r[0] != child.pid()), "made by the second thread");
        }
    }

    /** What a stream reader keeps of one row. */
    interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * A stream read on a thread of its own, subscribed before the constructor returns: its rows as they arrive,
     * until {@link #finish} cancels it and rethrows what made it fail (a cancellation is no failure).
     */
    static final class StreamReader<T> {
        final List<T> rows = new CopyOnWriteArrayList<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Statement st;
        private final Thread thread;

        StreamReader(Connection c, Statement st, String sql, RowReader<T> row) throws Exception {
            this.st = st;
            this.thread = new Thread(() -> {
                try (ResultSet rs = st.executeQuery(sql)) {
                    while (rs.next()) {
                        rows.add(row.read(rs));
                    }
                } catch (SQLException e) {
                    if (!isCancellation(e)) {
                        failure.set(e);
                    }
                }
            });
            thread.start();
            awaitSubscriptions(c, 1);
        }

        /** Waits (30 s at most) until {@code enough} holds of the rows, or the stream failed. */
        void await(java.util.function.Predicate<List<T>> enough) throws Exception {
            Await.until(
                    () -> failure.get() != null || enough.test(rows),
                    Duration.ofSeconds(30),
                    () -> "rows: " + rows.size());
        }

        List<T> finish() throws Exception {
            st.cancel();
            thread.join(5000);
            if (failure.get() != null) {
                throw new AssertionError("the stream failed", failure.get());
            }
            return rows;
        }
    }

    /** A stream may UNNEST: each live event becomes its rows, in order (Delta pushed below the correlate). */
    @Test
    void aStreamUnnestsEachEventIntoItsRows() throws Exception {
        int n = 10;
        try (Connection c = DriverManager.getConnection("jdbc:sysql:history=off");
                Statement st = c.createStatement()) {
            StreamReader<String> stream = new StreamReader<>(
                    c,
                    st,
                    "SELECT STREAM e.pid, t.part FROM (SELECT proc.pid AS pid, fd.name AS name FROM events WHERE "
                            + "proc.name = '" + COMM + "' AND evt.type = 'openat' AND evt.dir = '<') AS e "
                            + "CROSS JOIN UNNEST(SPLIT(e.name, '/')) AS t(part)",
                    rs -> rs.getLong(1) + ":" + rs.getString(2));
            Process child = workload("-o", String.valueOf(n), "/etc/hostname");
            assertEquals(0, child.waitFor());
            // each openat of /etc/hostname: "", "etc", "hostname"
            stream.await(rows -> rows.size() >= 3 * n);
            Thread.sleep(500); // no more than those may come
            List<String> want = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                want.addAll(List.of(child.pid() + ":", child.pid() + ":etc", child.pid() + ":hostname"));
            }
            assertEquals(want, stream.finish());
        }
    }

    /** Window functions in a stream: each live event leaves at once with its partition's running values. */
    @Test
    void aStreamRunsWindowFunctionsRowByRow() throws Exception {
        int n = 12;
        try (Connection c = DriverManager.getConnection("jdbc:sysql:history=off");
                Statement st = c.createStatement()) {
            StreamReader<String> stream = new StreamReader<>(
                    c,
                    st,
                    "SELECT STREAM proc.pid, COUNT(*) OVER w, COUNT(*) OVER (PARTITION BY proc.pid ORDER BY evt.num "
                            + "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), FIRST_VALUE(evt.num) OVER w < evt.num "
                            + "FROM events WHERE proc.name = '" + COMM + "' AND evt.type = 'openat' AND evt.dir = '<' "
                            + "WINDOW w AS (PARTITION BY proc.pid ORDER BY evt.num ROWS UNBOUNDED PRECEDING)",
                    rs -> rs.getLong(1) + ":" + rs.getLong(2) + ":" + rs.getLong(3) + ":" + rs.getBoolean(4));
            Process child = workload("-o", String.valueOf(n), "/etc/hostname");
            assertEquals(0, child.waitFor());
            stream.await(rows -> rows.size() >= n);
            Thread.sleep(500); // no more than those may come
            List<String> want = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                want.add(child.pid() + ":" + i + ":" + (i - 1) + ":" + (i > 1));
            }
            assertEquals(want, stream.finish());
        }
    }

    /**
     * A windowed GROUP BY over rows of window functions (httptop's shape): a second's totals come out when a
     * later row arrives (the rows' own times close the windows).
     */
    @Test
    void aWindowedGroupByOverWindowFunctionsClosesOnLaterRows() throws Exception {
        int n = 6;
        try (Connection c = DriverManager.getConnection("jdbc:sysql:history=off");
                Statement st = c.createStatement()) {
            StreamReader<long[]> stream = new StreamReader<>( // {count, max running count}
                    c,
                    st,
                    "SELECT STREAM TUMBLE_END(t, INTERVAL '1' SECOND), COUNT(*), MAX(n) FROM (SELECT evt.time AS t, "
                            + "COUNT(*) OVER (PARTITION BY proc.pid ORDER BY evt.num ROWS UNBOUNDED PRECEDING) AS n "
                            + "FROM events WHERE proc.name = '" + COMM + "' AND evt.type = 'openat' AND evt.dir = '<') "
                            + "AS e GROUP BY TUMBLE(t, INTERVAL '1' SECOND)",
                    rs -> new long[] {rs.getLong(2), rs.getLong(3)});
            assertEquals(0, workload("-o", String.valueOf(n), "/etc/hostname").waitFor());
            Thread.sleep(2100); // the next run's rows are in a later second
            assertEquals(0, workload("-o", "1", "/etc/hostname").waitFor());
            stream.await(rows -> rows.stream().mapToLong(r -> r[0]).sum() >= n);
            List<long[]> rows = stream.finish();
            assertEquals(n, rows.stream().mapToLong(r -> r[0]).sum(), "the first run's openat calls");
            assertEquals(n, rows.stream().mapToLong(r -> r[1]).max().orElse(0), "its running count at the end");
        }
    }

    @Test
    void stateTablesShowAChildHoldingAFileAndASocket() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sysql:");
                Server server = new Server()) {
            Process child = workload("-o", "1", "/etc/hostname", "-H", "30", "-c", "1", String.valueOf(server.port()));
            try {
                BufferedReader err = new BufferedReader(
                        new InputStreamReader(child.getErrorStream(), java.nio.charset.StandardCharsets.UTF_8));
                assertEquals("holding", err.readLine());
                long pid = child.pid();
                List<String> fds = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT fd.num, fd.type, fd.name, fd.sport, fd.l4proto FROM fds WHERE proc.pid = ? ORDER BY fd.num")) {
                    ps.setLong(1, pid);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            fds.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3) + " "
                                    + rs.getObject(4) + " " + rs.getString(5));
                        }
                    }
                }
                assertTrue(fds.stream().anyMatch(f -> f.contains(" file /etc/hostname ")), "fds: " + fds);
                assertTrue(
                        fds.stream().anyMatch(f -> f.contains(" ipv4 ") && f.contains(" " + server.port() + " tcp")),
                        "fds: " + fds);
                long sockets = scalar(
                        c, "SELECT COUNT(*) FROM connections WHERE proc.pid = ? AND fd.sport = ?", pid, server.port());
                assertEquals(1, sockets);
                assertEquals(
                        1,
                        scalar(
                                c,
                                "SELECT COUNT(*) FROM processes WHERE proc.pid = ? AND proc.name = '" + COMM
                                        + "' AND proc.exe LIKE '%sysql-workload'",
                                pid));
                // events JOIN processes on proc.pid: the child's history joined with its row of the thread table.
                try (PreparedStatement ps = c.prepareStatement("SELECT e.evt.type, p.proc.exepath FROM events e "
                        + "JOIN processes p ON e.proc.pid = p.proc.pid WHERE e.proc.pid = ? AND e.evt.type = 'openat' "
                        + "AND e.evt.dir = '<' AND e.fd.name = '/etc/hostname'")) {
                    ps.setLong(1, pid);
                    int[] joined = new int[1];
                    Await.until(
                            () -> {
                                joined[0] = 0;
                                try (ResultSet rs = ps.executeQuery()) {
                                    while (rs.next()) {
                                        assertEquals(
                                                WORKLOAD.toAbsolutePath()
                                                        .normalize()
                                                        .toString(),
                                                rs.getString(2));
                                        joined[0]++;
                                    }
                                }
                                return joined[0] >= 2;
                            },
                            Duration.ofSeconds(30),
                            () -> "the two openat exits of the child, joined to its process row: " + joined[0]);
                    assertEquals(2, joined[0], "the two openat exits of the child, joined to its process row");
                }
            } finally {
                child.destroy();
                child.waitFor();
            }
        }
    }

    @Test
    void anEventTypeFilterKeepsAStormInTheKernel() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sysql:history=off");
                Statement st = c.createStatement()) {
            String sql = "SELECT STREAM evt.type, proc.pid FROM events WHERE evt.type = 'openat'";
            String plan = explain(c, sql);
            assertTrue(plan.contains("kernel=[syscalls=[openat] threads=all]"), plan);
            List<String> types = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (ResultSet rs = st.executeQuery(sql)) {
                    while (rs.next()) {
                        types.add(rs.getString(1));
                    }
                } catch (SQLException e) {
                    if (!isCancellation(e)) {
                        types.add("failed: " + e.getMessage());
                    }
                }
            });
            reader.start();
            awaitSubscriptions(c, 1);
            String filter = text(c, "SELECT kernel_filter FROM capture_stats WHERE cpu IS NULL");
            assertTrue(filter.startsWith("syscalls=[openat] threads=all + "), filter);
            long eventsBefore = scalar(c, "SELECT events FROM capture_stats WHERE cpu IS NULL");
            long filteredBefore = scalar(c, "SELECT filtered FROM capture_stats WHERE cpu IS NULL");
            int calls = 1_000_000;
            Process storm = new ProcessBuilder(STORM.toAbsolutePath().toString(), "getppid", String.valueOf(calls))
                    .redirectErrorStream(true)
                    .start();
            storm.getInputStream().readAllBytes();
            assertEquals(0, storm.waitFor());
            Process child = workload("-o", "3", "/etc/hostname");
            assertEquals(0, child.waitFor());
            // The child's openat (enter and exit, 3 each) reach the query; the counters then include the storm.
            Await.until(
                    () -> types.stream().filter("openat"::equals).count() >= 6,
                    Duration.ofSeconds(30),
                    () -> "openat enter+exit of the child: " + types);
            long events = scalar(c, "SELECT events FROM capture_stats WHERE cpu IS NULL") - eventsBefore;
            long filtered = scalar(c, "SELECT filtered FROM capture_stats WHERE cpu IS NULL") - filteredBefore;
            st.cancel();
            reader.join(5000);
            assertTrue(filtered >= 2L * calls, "the kernel filtered only " + filtered + " syscalls");
            assertTrue(events < calls / 10, events + " events left the kernel during a storm of " + calls + " getppid");
            assertTrue(
                    types.stream().filter("openat"::equals).count() >= 6, "openat enter+exit of the child: " + types);
            assertTrue(types.stream().allMatch("openat"::equals), "other types reached the query: " + types);
        }
        // Every subscription closed: the capture is detached, nothing left running.
        try (Connection c = DriverManager.getConnection("jdbc:sysql:history=off")) {
            assertEquals(0, scalar(c, "SELECT subscriptions FROM capture_stats WHERE cpu IS NULL"));
        }
    }

    /** The end a cancelled statement's result set reports (JDBC's way: an exception on next()). */
    static boolean isCancellation(SQLException e) {
        return String.valueOf(e.getMessage()).contains("Statement canceled");
    }

    /** Waits until the live capture serves {@code n} streaming queries. */
    static void awaitSubscriptions(Connection c, int n) throws Exception {
        Await.until(
                () -> scalar(c, "SELECT subscriptions FROM capture_stats WHERE cpu IS NULL") == n,
                Duration.ofSeconds(30),
                () -> "the live capture never served " + n + " streaming queries");
    }

    static String explain(Connection c, String sql) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR " + sql)) {
            while (rs.next()) {
                sb.append(rs.getString(1));
            }
        }
        return sb.toString();
    }

    static String text(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    /**
     * A query planned once is run from its kept plan on any connection, and each run reads the host as it is then:
     * the plan holds no data of the run it was made for.
     */
    @Test
    void aKeptPlanServesEveryConnectionWithTheDataOfItsOwnRun() throws Exception {
        String sql =
                "SELECT COUNT(*) FROM processes WHERE proc.name = '" + COMM + "' AND proc.pid <> -" + System.nanoTime();
        try (Connection a = DriverManager.getConnection("jdbc:sysql:history=off")) {
            long before = sysql.calcite.sql.SysqlPrepare.planCacheHits();
            assertEquals(0, scalar(a, sql), "no workload runs yet");
            assertEquals(before, sysql.calcite.sql.SysqlPrepare.planCacheHits(), "a new text was planned");
            Process child = workload("-r", "10", "-o", "100", "/etc/hostname");
            try (Connection b = DriverManager.getConnection("jdbc:sysql:history=off")) {
                Await.until(
                        () -> scalar(b, sql) >= 1, Duration.ofSeconds(30), "the kept plan did not see the workload");
                assertTrue(sysql.calcite.sql.SysqlPrepare.planCacheHits() > before, "the plan was made again");
            } finally {
                child.destroy();
                child.waitFor();
            }
        }
    }
}
