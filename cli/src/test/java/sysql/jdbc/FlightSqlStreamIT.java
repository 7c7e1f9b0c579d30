// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sysql.server.ServerLimits;
import sysql.server.SysqlServer;
import sysql.server.TestServers;
import sysql.testing.Await;
import sysql.testing.Child;
import sysql.testing.RequiresBpf;

/**
 * A live stream through Apache Arrow's Flight SQL JDBC driver against {@code sysql serve --flight-sql}: a
 * {@code SELECT STREAM} of the workload's opens returns them as they happen (record batches while the workload runs,
 * not at its end), with and without {@code --auth basic}; cancelling the statement ends the stream, and the server
 * then reads no result set, holds no Flight SQL statement and serves no capture subscription. {@code sysql serve
 * --flight-sql 0} prints the driver's URL. Needs root (the live capture).
 */
@RequiresBpf
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FlightSqlStreamIT {
    @TempDir
    static Path dir;

    @Test
    void aLiveStreamArrivesAsItHappensAndCancellingFreesTheServer() throws Exception {
        LiveSqlIT.driverAndWorkload();
        Class.forName("org.apache.arrow.driver.jdbc.ArrowFlightJdbcDriver");
        Path users = dir.resolve("users.properties");
        Files.writeString(users, "alice: s3cret,sysql\n");
        try (Connection embedded = DriverManager.getConnection("jdbc:sysql:");
                SysqlServer open = SysqlServer.start(TestServers.loopback(ServerLimits.defaults(), new Properties())
                        .withFlightSql(0));
                SysqlServer secured =
                        SysqlServer.start(TestServers.basicAuth(users, ServerLimits.defaults(), new Properties())
                                .withFlightSql(0))) {
            LiveSqlIT.awaitSubscriptions(embedded, 0);
            stream(embedded, open, null, null);
            stream(embedded, secured, "alice", "s3cret");
        }
    }

    private static void stream(Connection embedded, SysqlServer server, String user, String password) throws Exception {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
            p.setProperty("password", password);
        }
        String what = user == null ? "without auth" : "as " + user;
        try (Connection c = DriverManager.getConnection(server.flightSqlUrl(), p)) {
            List<Long> arrivals = new CopyOnWriteArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Statement[] st = new Statement[1];
            java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
            Thread reader = new Thread(() -> {
                try {
                    Statement s = c.createStatement();
                    st[0] = s;
                    try (ResultSet rs = s.executeQuery(ServeIT.STREAM)) {
                        while (rs.next()) {
                            assertEquals("openat", rs.getString(1));
                            assertEquals(LiveSqlIT.COMM, rs.getString(2));
                            assertEquals("/etc/hostname", rs.getString(3));
                            arrivals.add(System.currentTimeMillis());
                        }
                    }
                } catch (Throwable e) {
                    // the cancel ends the stream: Arrow's driver throws its own CANCELLED then (not an SQLException)
                    if (!cancelled.get()) {
                        failure.set(e);
                    }
                }
            });
            reader.start();
            try {
                LiveSqlIT.awaitSubscriptions(embedded, 1);
                long started = System.currentTimeMillis();
                Process child = LiveSqlIT.workload("-r", "10", "-o", "30", "/etc/hostname");
                assertEquals(0, child.waitFor());
                long ended = System.currentTimeMillis();
                Await.until(
                        () -> arrivals.size() >= 30 || failure.get() != null,
                        Duration.ofSeconds(30),
                        () -> what + ": " + arrivals.size() + " rows of 30");
                assertEquals(30, arrivals.size(), what + ": " + failure.get());
                long duringRun = arrivals.stream().filter(a -> a < ended).count();
                assertTrue(
                        duringRun >= 10,
                        what + ": only " + duringRun + " rows arrived while the workload ran (" + (ended - started)
                                + " ms)");
                assertEquals(1, server.openResultSets(), what + ": the server reads no result set");
                assertTrue(reader.isAlive(), what + ": the stream ended by itself");
            } finally {
                cancelled.set(true);
                if (st[0] != null) {
                    st[0].cancel();
                    st[0].close();
                }
                reader.join(30_000);
            }
            assertFalse(reader.isAlive(), what + ": the reader did not stop");
            if (failure.get() != null) {
                throw new AssertionError(what, failure.get());
            }
            LiveSqlIT.awaitSubscriptions(embedded, 0);
            Await.until(
                    () -> server.openResultSets() == 0 && server.flightSqlStatements() == 0,
                    Duration.ofSeconds(10),
                    () -> what + ": the server still holds " + server.openResultSets() + " result sets and "
                            + server.flightSqlStatements() + " Flight SQL statements");
        }
    }

    @Test
    void serveFlightSqlPrintsTheDriversUrl() throws Exception {
        String scap = sysql.testing.TestData.scap("libs_curl_google.scap")
                .toAbsolutePath()
                .toString();
        try (Child serve = Child.sysql(
                dir,
                List.of("--add-opens=java.base/java.nio=ALL-UNNAMED"),
                "serve",
                "-r",
                scap,
                "--port",
                "0",
                "--flight-sql",
                "0")) {
            serve.await("Flight SQL: ", 60);
            String line = serve.await("\n", 10);
            String url = line.strip().split(" ")[0];
            assertTrue(url.matches("jdbc:arrow-flight-sql://127\\.0\\.0\\.1:\\d+/\\?useEncryption=false"), line);
            Class.forName("org.apache.arrow.driver.jdbc.ArrowFlightJdbcDriver");
            try (Connection c = DriverManager.getConnection(url);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
                assertTrue(rs.next());
                assertTrue(rs.getLong(1) > 0);
            }
        }
    }
}
