// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import sysql.testing.Await;
import sysql.testing.Child;
import sysql.testing.RequiresBpf;

/**
 * {@code sysql daemon} as a host runs it, in a process of its own: clients find it on its socket without being
 * told, its history answers for an event from before the client started, a client killed in the middle of a
 * stream frees its subscription at once, a user outside the group is refused in one line, and one killed with SIGKILL leaves nothing that stops the next. Needs root.
 */
@RequiresBpf
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaemonIT {
    @TempDir
    static Path tmp;

    private static Path socket;
    private static Child daemon;
    private static String marker;
    private static long markerNanos;

    @BeforeAll
    static void startDaemon() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        socket = tmp.resolve("run").resolve("sysql.sock"); // a directory the daemon makes: 0750, group sysql
        daemon = startDaemon(socket);
        // an event the history must still have when a client asks for it 30 s later
        marker = tmp.resolve("sysql-daemon-marker-" + UUID.randomUUID()).toString();
        markerNanos = System.nanoTime();
        try {
            new FileInputStream(marker).close();
            throw new AssertionError(marker + " should not exist");
        } catch (IOException e) {
            // the failed openat is the event
        }
    }

    static Child startDaemon(Path socket) throws Exception {
        Child d = Child.sysql(
                tmp,
                "daemon",
                "--socket",
                socket.toString(),
                "--history-dir",
                tmp.resolve("history").toString());
        d.await("local clients on " + socket, 120);
        return d;
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private static Connection connect(String properties) throws SQLException {
        return DriverManager.getConnection(
                "jdbc:sysql:socket=" + socket + (properties.isEmpty() ? "" : ";") + properties);
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getLong(1);
        }
    }

    /** The daemon's history counters, for a failure's message. */
    private static String historyStats() throws SQLException {
        try (Connection c = connect("engine=daemon");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM capture_stats WHERE cpu IS NULL")) {
            StringBuilder sb = new StringBuilder("capture_stats:");
            rs.next();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                sb.append(' ')
                        .append(rs.getMetaData().getColumnLabel(i))
                        .append('=')
                        .append(rs.getString(i));
            }
            return sb.toString();
        }
    }

    @Test
    @Order(1)
    void aClientUsesTheDaemonWithoutBeingTold() throws Exception {
        try (Connection c = connect("")) {
            assertTrue(count(c, "SELECT COUNT(*) FROM processes") > 0);
            assertTrue(count(c, "SELECT COUNT(*) FROM capture_stats WHERE cpu IS NULL") == 1);
            assertTrue(count(c, "SELECT COUNT(*) FROM events") > 0, "the history is empty");
            assertEquals(
                    0,
                    count(c, "SELECT COUNT(*) FROM events WHERE proc.pid = " + daemon.process.pid()),
                    "the daemon's own system calls are in its history");
            assertTrue(
                    SysqlDriver.liveStats().isEmpty(),
                    "the query should have been the daemon's: this process opened a capture of its own");
            SQLException bad = assertThrows(SQLException.class, () -> count(c, "SELECT nme FROM processes"));
            assertFalse(bad.getMessage().contains("\n"), bad.getMessage());
            assertTrue(bad.getMessage().contains("Column 'nme' not found"), bad.getMessage());
        }
        SQLException none = assertThrows(
                SQLException.class,
                () -> DriverManager.getConnection("jdbc:sysql:engine=daemon;socket=" + tmp.resolve("nowhere.sock")));
        assertTrue(none.getMessage().startsWith("no sysql daemon answers on "), none.getMessage());
    }

    @Test
    @Order(2)
    void aClientKilledInTheMiddleOfAStreamFreesItsSubscription() throws Exception {
        try (Connection c = connect("")) {
            long before = count(c, "SELECT COUNT(*) FROM capture_subscriptions");
            try (Child client = Child.sysql(
                    tmp,
                    "query",
                    "--socket",
                    socket.toString(),
                    "--format",
                    "csv",
                    "SELECT STREAM evt.type FROM events WHERE evt.type = 'openat'")) {
                client.await("evt.type", 60);
                Await.until(
                        () -> count(c, "SELECT COUNT(*) FROM capture_subscriptions") == before + 1,
                        Duration.ofSeconds(30),
                        "the client's stream should be a subscription of the daemon");
                client.process.destroyForcibly(); // SIGKILL: no close, no cancel
                assertTrue(client.process.waitFor(10, TimeUnit.SECONDS));
            }
            // well before the server's 30 s idle timeout: the socket's end closed the connection
            Await.until(
                    () -> count(c, "SELECT COUNT(*) FROM capture_subscriptions") == before,
                    Duration.ofSeconds(10),
                    "the killed client's subscription should end with its socket");
        }
    }

    @Test
    @Order(3)
    void aUserOutsideTheGroupGetsOneLineNamingTheSocketAndTheGroup() throws Exception {
        Path jars = tmp.resolve("jars");
        Files.createDirectories(jars);
        Files.copy(Path.of("target/sysql-cli.jar"), jars.resolve("sysql-cli.jar"));
        try (var lib = Files.list(Path.of("target/lib"))) {
            for (Path p : (Iterable<Path>) lib::iterator) {
                Files.copy(p, jars.resolve(p.getFileName()));
            }
        }
        // the daemon's directory closed to others, then the socket itself (0660 root:sysql, or 0600)
        for (boolean directoryOpen : new boolean[] {false, true}) {
            if (directoryOpen) {
                Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Process p = new ProcessBuilder(
                            "setpriv",
                            "--reuid=65534",
                            "--regid=65534",
                            "--clear-groups",
                            Child.java(),
                            "-cp",
                            jars + "/*",
                            "sysql.cli.Sysql",
                            "query",
                            "--socket",
                            socket.toString(),
                            "SELECT COUNT(*) FROM processes")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue(), out);
            List<String> lines = out.lines().toList();
            assertEquals(1, lines.size(), out);
            assertTrue(
                    lines.get(0).startsWith("sysql: permission denied on " + socket)
                            && lines.get(0).contains("the group sysql"),
                    out);
        }
    }

    @Test
    @Order(4)
    void theHistoryHasAnEventFrom30SecondsBeforeTheQuery() throws Exception {
        String sql = "SELECT COUNT(*) FROM events WHERE evt.type = 'openat' AND evt.dir = '<' AND evt.arg.name = '"
                + marker + "'";
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - markerNanos);
        if (waited < 30_000) {
            Thread.sleep(30_000 - waited); // the age the issue asks about; nothing to wait for but time
        }
        // a new process, as a user's `sysql query` after the fact
        try (Child query = Child.sysql(tmp, "query", "--socket", socket.toString(), "--format", "csv", sql)) {
            assertTrue(query.process.waitFor(60, TimeUnit.SECONDS));
            Await.until(() -> query.unseen().lines().count() >= 2, Duration.ofSeconds(10), query::unseen);
            assertEquals("count\n1\n", query.unseen(), "the marker's event in the history; " + historyStats());
        }
    }

    @Test
    @Order(5)
    void aDumpOfTheHistoryIsReadBySysdigWithTheSameEvents() throws Exception {
        Path dump = tmp.resolve("incident.scap");
        String said;
        try (Child d =
                Child.sysql(tmp, "dump", "--socket", socket.toString(), "--since", "10m", "-w", dump.toString())) {
            said = d.await(" written to " + dump, 120);
            assertTrue(d.process.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, d.process.exitValue(), d.unseen());
        }
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("sysql dump: (\\d+) events").matcher(said);
        assertTrue(m.find(), said);
        long events = Long.parseLong(m.group(1));
        assertTrue(events > 0, said);
        Process sysdig = new ProcessBuilder(
                        "sysdig", "-D", "-r", dump.toString(), "-p", "*%evt.num %evt.dir %evt.type %evt.arg.name")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> lines;
        try (var out = new java.io.BufferedReader(
                new java.io.InputStreamReader(sysdig.getInputStream(), StandardCharsets.UTF_8))) {
            lines = out.lines().toList();
        }
        assertTrue(sysdig.waitFor(120, TimeUnit.SECONDS));
        assertEquals(events, lines.size(), "sysdig -D -r should print every event of the dump");
        assertTrue(
                lines.stream().anyMatch(l -> l.endsWith(" < openat " + marker)),
                "the marker's openat exit should be in the dump");
    }

    @Test
    @Order(6)
    void theHistoryOutlivesARestartAndSigkillLeavesNothingThatStopsTheNextStart() throws Exception {
        // SIGTERM (systemctl stop): the memory history goes to disk, the probe detaches, the socket goes
        new ProcessBuilder("kill", "-TERM", String.valueOf(daemon.process.pid()))
                .start()
                .waitFor();
        assertTrue(daemon.process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(143, daemon.process.exitValue(), daemon.unseen());
        assertFalse(Files.exists(socket), "the socket should go with the daemon");
        try (var segments = Files.list(tmp.resolve("history"))) {
            assertTrue(segments.findAny().isPresent(), "no history segment on disk");
        }
        daemon = startDaemon(socket);
        try (Connection c = connect("engine=daemon")) {
            assertEquals(
                    1,
                    count(
                            c,
                            "SELECT COUNT(*) FROM events WHERE evt.type = 'openat' AND evt.dir = '<' "
                                    + "AND evt.arg.name = '" + marker + "'"),
                    "the event from before the restart should be in the history read from disk; " + historyStats());
        }
        // SIGKILL leaves the socket file behind; the next start replaces it
        daemon.process.destroyForcibly();
        assertTrue(daemon.process.waitFor(30, TimeUnit.SECONDS));
        assertTrue(Files.exists(socket), "SIGKILL leaves the socket file behind: the case under test");
        daemon = startDaemon(socket);
        try (Connection c = connect("engine=daemon")) {
            assertTrue(count(c, "SELECT COUNT(*) FROM processes") > 0);
        }
    }
}
