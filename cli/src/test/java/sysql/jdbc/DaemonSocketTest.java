// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.testing.Child;
import sysql.testing.TestData;

/**
 * The daemon's protocol and the client's choice of engine, without root: a {@code sysql daemon} serving a
 * capture file (its own process, its own socket) gives the same rows, types and errors as the embedded engine
 * over that file, and the same warning when its window lost events; the {@code engine} property and the socket's presence choose the engine.
 */
class DaemonSocketTest {
    /** falco_cat_write.scap with a drop notice in it (testdata/made/). */
    static final Path FILE =
            TestData.file("made/falco_cat_write_drops.scap").toAbsolutePath().normalize();

    @TempDir
    static Path tmp;

    private static Path socket;
    private static Child daemon;

    @BeforeAll
    static void startDaemon() throws Exception {
        socket = tmp.resolve("sysql.sock");
        daemon = Child.sysql(tmp, "daemon", "-r", FILE.toString(), "--socket", socket.toString());
        daemon.await("local clients on " + socket, 120);
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    /** A result as text: the column labels and types, then each row's values. */
    private static List<String> result(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            StringBuilder head = new StringBuilder();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                head.append(md.getColumnLabel(i))
                        .append(':')
                        .append(md.getColumnType(i))
                        .append(' ');
            }
            out.add(head.toString());
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.append(rs.getString(i)).append('|');
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    @Test
    void theDaemonGivesTheEmbeddedEnginesRowsTypesAndErrors() throws Exception {
        List<String> queries = List.of(
                "SELECT evt.num, evt.time, evt.type, proc.name, fd.name, evt.args FROM events ORDER BY evt.num LIMIT 50",
                "SELECT proc.name, evt.type, COUNT(*) AS n, SUM(evt.buflen) FROM events GROUP BY 1, 2 ORDER BY 1, 2",
                "SELECT proc.pid, proc.name, thread.tid FROM processes ORDER BY 1, 3",
                "SELECT * FROM chisels.topfiles_bytes");
        try (Connection embedded = DriverManager.getConnection("jdbc:sysql:file=" + FILE);
                Connection viaDaemon = DriverManager.getConnection("jdbc:sysql:engine=daemon;socket=" + socket)) {
            for (String q : queries) {
                List<String> expected = result(embedded, q);
                assertTrue(expected.size() > 1, q + " gives no rows: a comparison of nothing");
                assertEquals(expected, result(viaDaemon, q), q);
            }
            for (String bad : List.of("SELECT nme FROM processes", "SELECT proc.name FROM event", "SELEC 1")) {
                SQLException e = assertThrows(SQLException.class, () -> result(embedded, bad));
                SQLException r = assertThrows(SQLException.class, () -> result(viaDaemon, bad));
                assertEquals(e.getMessage(), r.getMessage(), bad);
                assertFalse(r.getMessage().contains("\n"), r.getMessage());
            }
        }
    }

    /** The warnings of a connection's queries, as query_warnings lists them. */
    private static List<String> warnings(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT seq, \"time\", warning FROM query_warnings ORDER BY seq")) {
            while (rs.next()) {
                out.add(rs.getString(3));
            }
        }
        return out;
    }

    @Test
    void aWindowThatLostEventsSaysSoToItsConnectionOnly() throws Exception {
        try (Connection embedded = DriverManager.getConnection("jdbc:sysql:file=" + FILE);
                Connection viaDaemon = DriverManager.getConnection("jdbc:sysql:engine=daemon;socket=" + socket);
                Connection other = DriverManager.getConnection("jdbc:sysql:engine=daemon;socket=" + socket)) {
            assertEquals(List.of(), warnings(viaDaemon));
            String q = "SELECT evt.num, evt.cpu, evt.type, evt.arg.id, evt.arg.desc FROM events "
                    + "WHERE evt.type = 'notification'";
            List<String> notice = result(embedded, q);
            assertEquals(2, notice.size(), notice.toString());
            assertTrue(notice.get(1).startsWith("11|1|notification|sysql.drops|lost=1234 cpu=1 "), notice.toString());
            assertEquals(notice, result(viaDaemon, q));
            List<String> w = warnings(viaDaemon);
            assertEquals(1, w.size(), w.toString());
            assertTrue(w.get(0).startsWith("this query's window lost 1234 events (1 sysql.drops notice, "), w.get(0));
            assertEquals(w, warnings(embedded), "embedded and daemon warn alike");
            assertEquals(List.of(), warnings(other), "another connection's warnings are not this one's");
            result(viaDaemon, "SELECT COUNT(*) FROM processes");
            assertEquals(w, warnings(viaDaemon), "a query that read no events adds none");
        }
    }

    @Test
    void aHistoryFilterNeedsALiveHistory() {
        SQLException off = assertThrows(
                SQLException.class,
                () -> DriverManager.getConnection(
                        "jdbc:sysql:engine=embedded;history=off;historyFilter=evt.type <> 'read'"));
        assertEquals("historyFilter needs a history: leave it out with history=off (--no-history)", off.getMessage());
        SQLException file = assertThrows(
                SQLException.class,
                () -> DriverManager.getConnection("jdbc:sysql:file=" + FILE + ";historyFilter=evt.type <> 'read'"));
        assertEquals(
                "historyFilter is for a live capture's history, not a capture file: leave it out with file=",
                file.getMessage());
    }

    @Test
    void theEnginePropertyAndTheSocketChooseTheEngine() throws Exception {
        Properties p = new Properties();
        p.setProperty("socket", socket.toString());
        assertTrue(DaemonSocket.useDaemon(p), "auto, with a daemon answering");
        p.setProperty("snaplen", "256");
        assertFalse(DaemonSocket.useDaemon(p), "a capture setting of one's own is an embedded capture");
        p.remove("snaplen");
        // fleet queries run in the process, with its fleetConfig: never the daemon's
        p.setProperty("fleetConfig", tmp.resolve("fleet.properties").toString());
        assertFalse(DaemonSocket.useDaemon(p), "a fleetConfig is an embedded engine's");
        p.setProperty("engine", "daemon");
        SQLException fleet = assertThrows(SQLException.class, () -> DaemonSocket.useDaemon(p));
        assertTrue(fleet.getMessage().startsWith("fleetConfig is for fleet queries, which the daemon does not run"));
        p.remove("fleetConfig");
        p.setProperty("engine", "embedded");
        assertFalse(DaemonSocket.useDaemon(p));
        p.setProperty("engine", "daemon");
        p.setProperty("file", FILE.toString());
        assertFalse(DaemonSocket.useDaemon(p), "a capture file is read in the process");
        p.remove("file");
        p.setProperty("socket", tmp.resolve("none.sock").toString());
        SQLException none = assertThrows(SQLException.class, () -> DaemonSocket.useDaemon(p));
        assertTrue(none.getMessage().startsWith("no sysql daemon answers on " + tmp.resolve("none.sock")));
        p.setProperty("engine", "auto");
        assertFalse(DaemonSocket.useDaemon(p), "auto, without a daemon");
        Path stale = tmp.resolve("stale.sock");
        Files.createFile(stale); // a file where a socket was: nobody answers
        p.setProperty("socket", stale.toString());
        assertFalse(DaemonSocket.useDaemon(p), "auto, with a stale socket");
        p.setProperty("engine", "sometimes");
        SQLException bad = assertThrows(SQLException.class, () -> DaemonSocket.useDaemon(p));
        assertEquals("connection property engine=sometimes is invalid: use auto, daemon or embedded", bad.getMessage());
        Properties q = new Properties();
        assertEquals(
                System.getenv("SYSQL_SOCKET") == null
                        ? DaemonSocket.DEFAULT_PATH
                        : Path.of(System.getenv("SYSQL_SOCKET")),
                DaemonSocket.path(q));
    }

    @Test
    void aSecondDaemonOnTheSocketSaysSoAndStops() throws Exception {
        try (Child second = Child.sysql(tmp, "daemon", "-r", FILE.toString(), "--socket", socket.toString())) {
            second.await("another sysql daemon answers there", 60);
            assertTrue(second.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(1, second.process.exitValue());
        }
    }
}
