// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sysql.server.ServerLimits;
import sysql.server.SysqlServer;
import sysql.server.TestServers;
import sysql.testing.Await;
import sysql.testing.RequiresBpf;

/**
 * A real Avatica client (Avatica's own JDBC driver, protobuf) reads a live stream that is quiet for 5 s between
 * bursts: every burst's rows arrive, and the quiet never ends the stream nor fails it (an empty frame that is not
 * done is an error to some clients; the server's fetch waits for a row instead). Needs root (the live capture).
 */
@RequiresBpf
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QuietStreamIT {
    @Test
    void aStreamQuietForFiveSecondsBetweenBurstsLosesNothing() throws Exception {
        LiveSqlIT.driverAndWorkload();
        Class.forName("org.apache.calcite.avatica.remote.Driver");
        try (SysqlServer server = SysqlServer.start(TestServers.loopback(ServerLimits.defaults(), new Properties()));
                Connection c = DriverManager.getConnection(
                        "jdbc:avatica:remote:url=" + server.url() + ";serialization=PROTOBUF")) {
            List<Long> arrivals = new CopyOnWriteArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            java.sql.Statement[] stream = new java.sql.Statement[1];
            Thread reader = ServeIT.reader(c, stream, arrivals, failure);
            try {
                LiveSqlIT.awaitSubscriptions(c, 1); // the stream has subscribed: from here no row may be missed
                for (int burst = 1; burst <= 3; burst++) {
                    if (burst > 1) {
                        Thread.sleep(5_500); // quiet: no openat of the workload's
                    }
                    Process p = LiveSqlIT.workload("-r", "20", "-o", "10", "/etc/hostname");
                    assertEquals(0, p.waitFor());
                    // Avatica's result set reads one row ahead: a burst's last row reaches the reader with the next
                    // burst's first, so each burst's rows but one, and every earlier burst's in full
                    int want = 10 * burst - 1;
                    Await.until(
                            () -> arrivals.size() >= want || failure.get() != null,
                            Duration.ofSeconds(20),
                            () -> "burst " + (want + 1) / 10 + ": " + arrivals.size() + " rows of " + want);
                    assertNull(failure.get(), () -> "the stream failed: " + failure.get());
                    assertTrue(arrivals.size() == want || arrivals.size() == want + 1, () -> arrivals.size() + " rows");
                }
                assertTrue(reader.isAlive(), "the stream ended during a quiet time");
            } finally {
                if (stream[0] != null) {
                    stream[0].cancel();
                }
                reader.join(30_000);
            }
        }
    }
}
