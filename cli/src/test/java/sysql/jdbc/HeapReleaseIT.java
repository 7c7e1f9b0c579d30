// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sysql.testing.Child;
import sysql.testing.Privileges;
import sysql.testing.TestData;

/**
 * The heap a heavy query grew goes back to the system once the server is idle (issue 12): {@code sysql serve} in its
 * own JVM, with the heap ratios the launcher gives a server and a 512 MiB heap; a sorted three-way cross join of
 * {@code fields} grows the heap until the memory guard stops it; then, idle, the server's resident memory comes back
 * to within 20% of what it was before, and it answers as before. Root: the server without --auth answers root.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HeapReleaseIT {
    /** The launcher's options for {@code serve} and {@code daemon} (see the sysql script and LauncherTest). */
    static final List<String> SERVER_HEAP = List.of("-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30");

    @TempDir
    Path dir;

    @Test
    void residentMemoryComesBackOnceTheServerIsIdle() throws Exception {
        Privileges.require();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> jvm = new java.util.ArrayList<>(SERVER_HEAP);
        jvm.add("-Xmx512m");
        String scap = TestData.scap("falco_cat_write.scap").toAbsolutePath().toString();
        // the statement's own budget (--max-statement-memory) set past the heap: the memory guard is what stops it here
        try (Child server = Child.sysql(
                dir, jvm, "serve", "-r", scap, "--port", String.valueOf(port), "--max-statement-memory", "4096")) {
            server.await("listening on", 60);
            long pid = server.process.pid();
            String url = RemoteDriver.PREFIX + "url=http://127.0.0.1:" + port;
            try (Connection c = DriverManager.getConnection(url)) {
                for (int i = 0; i < 5; i++) {
                    query(c, "SELECT proc.name, COUNT(*) FROM events GROUP BY proc.name");
                    query(c, "SELECT COUNT(*) FROM fields f1, fields f2");
                }
                Thread.sleep(5000); // idle: what the warm-up grew is released too
                long baseline = rss(pid);
                SQLException stopped = assertThrows(
                        SQLException.class,
                        () -> query(
                                c,
                                "SELECT f1.name, f2.name, f3.name, f1.description FROM fields f1, fields f2, fields f3 "
                                        + "ORDER BY 4, 1 DESC, 2, 3 LIMIT 3"));
                assertTrue(stopped.getMessage().contains("heap"), stopped.getMessage());
                long peak = rss(pid);
                assertTrue(
                        peak > baseline * 3 / 2,
                        "the query grew the server by too little to tell: " + peak + " KiB against " + baseline
                                + " KiB");
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                long now = rss(pid);
                while (now > baseline * 6 / 5 && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                    now = rss(pid);
                }
                System.out.println("HeapReleaseIT: resident " + baseline + " KiB before, " + peak
                        + " KiB after the heavy query, " + now + " KiB once idle");
                assertTrue(now <= baseline * 6 / 5, "resident memory " + now + " KiB, before " + baseline + " KiB");
                assertEquals("345", query(c, "SELECT COUNT(*) FROM events"));
            }
        }
    }

    /** The first column of the first row. */
    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The process's resident memory, KiB. */
    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }
}
