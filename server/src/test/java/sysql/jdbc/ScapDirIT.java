// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
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
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sysql.server.ServerLimits;
import sysql.server.SysqlServer;
import sysql.server.TestServers;
import sysql.testing.TestData;

/**
 * {@code scap_file} for a server's clients ({@code sysql serve} over HTTP and {@code sysql daemon} over its socket,
 * one server in this process over a capture file, no capture of its own): a capture file under the server's
 * {@code --scap-dir} reads as the embedded engine reads it, by a path relative to the directory or absolute; a
 * secret file, a FIFO, a symbolic link out, {@code ../}, a directory and a missing file all give one identical
 * refusal and leave no thread behind (none waits in open(2)); a file under the directory that is not a capture is an
 * error that quotes none of its bytes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // a reader stuck in open() fails the test, it does not hang the suite
class ScapDirIT {
    static final Path CAPTURE =
            TestData.scap("falco_cat_write.scap").toAbsolutePath().normalize();
    static final String SECRET = "ZQ8W-kLmXv2-SECRET-7F3A9C-hunter2\n";

    @TempDir
    static Path tmp;

    static Path dir;
    static Path outside;
    static SysqlServer server;

    @BeforeAll
    static void start() throws Exception {
        Class.forName(RemoteDriver.class.getName());
        dir = Files.createDirectory(tmp.resolve("captures"));
        Files.copy(CAPTURE, dir.resolve("trace.scap"));
        outside = Files.copy(CAPTURE, tmp.resolve("outside.scap"));
        Files.createSymbolicLink(dir.resolve("out.scap"), outside);
        Files.createSymbolicLink(dir.resolve("shadow.scap"), Path.of("/etc/shadow"));
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("notes.scap"), SECRET);
        Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("fifo.scap").toString())
                .inheritIO()
                .start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo");

        Properties engine = new Properties();
        engine.setProperty("file", CAPTURE.toString());
        engine.setProperty("scapDir", dir.toString()); // as sysql serve --scap-dir DIR
        server = SysqlServer.start(new SysqlServer.Options(
                "127.0.0.1",
                0,
                SysqlServer.Auth.NONE,
                null,
                List.of(),
                null,
                null,
                false,
                new ServerLimits(16, 64, 1000, 1 << 20, 30, 600),
                engine,
                tmp.resolve("sysql.sock"),
                DaemonSocket.DEFAULT_GROUP,
                true));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The clients of the server: HTTP (sysql serve) and the Unix socket (sysql daemon). */
    private static List<Connection> clients() throws SQLException {
        return List.of(
                DriverManager.getConnection(RemoteDriver.PREFIX + "url=" + server.url()),
                DriverManager.getConnection("jdbc:sysql:engine=daemon;socket=" + server.socket()));
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
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

    private static String query(String path) {
        return "SELECT evt.num, evt.type, proc.name, fd.name, evt.res FROM scap_file('" + path.replace("'", "''")
                + "') ORDER BY evt.num";
    }

    private static void close(List<Connection> cs) throws SQLException {
        for (Connection c : cs) {
            c.close();
        }
    }

    @Test
    void aCaptureUnderTheDirectoryReadsAsEmbedded() throws Exception {
        List<String> expected;
        try (Connection embedded = DriverManager.getConnection("jdbc:sysql:file=" + CAPTURE)) {
            expected = rows(embedded, query(CAPTURE.toString()));
        }
        assertTrue(expected.size() > 10, "a comparison of nothing: " + expected);
        List<Connection> cs = clients();
        try {
            for (Connection c : cs) {
                assertEquals(expected, rows(c, query("trace.scap")), "relative to --scap-dir");
                assertEquals(expected, rows(c, query(dir.resolve("trace.scap").toString())), "absolute");
            }
        } finally {
            close(cs);
        }
    }

    /** Threads now waiting in an open(2) of a file. */
    private static List<String> threadsInOpen() {
        List<String> stuck = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> t :
                Thread.getAllStackTraces().entrySet()) {
            for (StackTraceElement f : t.getValue()) {
                if (f.getMethodName().startsWith("open")
                        && (f.getClassName().equals("sun.nio.fs.UnixNativeDispatcher")
                                || f.getClassName().equals("java.io.FileInputStream")
                                || f.getClassName().equals("java.io.RandomAccessFile"))) {
                    stuck.add(t.getKey().getName());
                }
            }
        }
        return stuck;
    }

    @Test
    void everyPathThatIsNotACaptureUnderTheDirectoryGetsTheSameRefusal() throws Exception {
        List<String> refused = List.of(
                "/etc/shadow",
                "fifo.scap",
                dir.resolve("fifo.scap").toString(),
                "out.scap",
                "shadow.scap",
                "missing.scap",
                "sub",
                dir.toString(),
                "../outside.scap",
                "sub/../../outside.scap",
                outside.toString(),
                "/dev/zero",
                "/proc/self/environ");
        List<Connection> cs = clients();
        try {
            for (Connection c : cs) {
                rows(c, query("trace.scap")); // the server's threads up before counting them
            }
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            for (int round = 0; round < 3; round++) {
                for (Connection c : cs) {
                    for (String p : refused) {
                        SQLException e = assertThrows(SQLException.class, () -> rows(c, query(p)), p);
                        assertEquals(
                                "scap_file: no capture file '" + p + "' under the server's --scap-dir",
                                e.getMessage(),
                                p);
                    }
                }
            }
            assertEquals(List.of(), threadsInOpen(), "threads left in open()");
            int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
            assertTrue(
                    threadsAfter < threadsBefore + 8,
                    "threads before " + threadsBefore + ", after " + threadsAfter + " ("
                            + 3 * cs.size() * refused.size() + " refusals)");
            for (Connection c : cs) {
                assertFalse(rows(c, query("trace.scap")).isEmpty(), "the server still answers");
            }
        } finally {
            close(cs);
        }
    }

    @Test
    void aFileThatIsNotACaptureIsAnErrorWithoutItsContent() throws Exception {
        List<Connection> cs = clients();
        try {
            for (Connection c : cs) {
                SQLException e = assertThrows(SQLException.class, () -> rows(c, query("notes.scap")));
                String m = e.getMessage();
                assertTrue(m.startsWith("notes.scap: not a sysdig capture file"), m);
                assertFalse(m.contains("\n"), m);
                for (int i = 0; i + 4 <= SECRET.length(); i++) {
                    assertFalse(m.contains(SECRET.substring(i, i + 4)), "'" + SECRET.substring(i, i + 4) + "' in " + m);
                }
            }
        } finally {
            close(cs);
        }
    }

    @Test
    void withoutScapDirAServerReadsNoFile() throws Exception {
        Properties engine = new Properties();
        engine.setProperty("file", CAPTURE.toString());
        try (SysqlServer plain = SysqlServer.start(
                        TestServers.loopback(new ServerLimits(16, 64, 1000, 1 << 20, 30, 600), engine));
                Connection c = DriverManager.getConnection(RemoteDriver.PREFIX + "url=" + plain.url())) {
            SQLException e = assertThrows(SQLException.class, () -> rows(c, query(CAPTURE.toString())));
            assertTrue(e.getMessage().startsWith("scap_file is off for clients of a server"), e.getMessage());
            assertTrue(e.getMessage().contains("--scap-dir DIR"), e.getMessage());
        }
        engine.setProperty("scapDir", tmp.resolve("nowhere").toString());
        SysqlServer.ServeException e = assertThrows(
                SysqlServer.ServeException.class,
                () -> SysqlServer.start(
                        TestServers.loopback(new ServerLimits(16, 64, 1000, 1 << 20, 30, 600), engine)));
        assertTrue(
                e.getMessage().startsWith("--scap-dir " + tmp.resolve("nowhere") + " is not a directory"),
                e.getMessage());
    }
}
