// SPDX-License-Identifier: Apache-2.0
package sysql.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sysql.server.ServerLimits;
import sysql.server.SysqlServer;
import sysql.server.TransportLimits;
import sysql.testing.Await;
import sysql.testing.RequiresBpf;

/**
 * The serve load in the suite, shorter than the benchmark (bench/serve-bench.sh runs 60 s against a server of
 * its own and reports the figures): 100 short-query clients and 10 streaming clients over Avatica's own driver
 * for 15 s, against a server in this JVM. Not one error; every stream gets rows; every stream's subscription is
 * gone once they are cancelled, and the server holds no result set; the heap after a collection is back near
 * its size before the load (BENCHMARKS.md: 15 MiB before, 23 after; serve-bench samples it under load).
 */
@RequiresBpf
class ServeLoadIT {
    @Test
    @Timeout(180)
    void aHundredClientsAndTenStreamsWithoutAnError() throws Exception {
        // one local user runs all 110 clients from one address: the per-user and per-address caps are raised past
        // them, as serve-bench.sh raises them (the defaults would refuse that user past 32 connections)
        ServerLimits limits = new ServerLimits(16, 256, 10_000, 16L << 20, 3, 600).withUsers(256, 256, 256);
        TransportLimits transport =
                TransportLimits.defaults().withMaxConnectionsPerAddress(TransportLimits.DEFAULT_MAX_CONNECTIONS);
        try (SysqlServer server = SysqlServer.start(new SysqlServer.Options(
                "127.0.0.1",
                0,
                SysqlServer.Auth.NONE,
                null,
                List.of(),
                null,
                null,
                false,
                limits,
                new Properties(),
                transport))) {
            String url = "jdbc:avatica:remote:url=" + server.url() + ";serialization=PROTOBUF";
            System.gc();
            long heapBefore =
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            ServeLoad.Report r = ServeLoad.run(
                    new ServeLoad.Options(url, 100, 10, 15_000, ServeLoad.SHORT_QUERIES, ServeLoad.STREAM_QUERY));
            System.out.printf(
                    "serve load: %d queries in %.1f s (%.0f/s), p50 %.1f ms, p99 %.1f ms, %d stream rows%n",
                    r.queries(),
                    r.seconds(),
                    r.queriesPerSecond(),
                    ServeLoad.Report.percentileMillis(r.latencies(), 50),
                    ServeLoad.Report.percentileMillis(r.latencies(), 99),
                    r.streamRows());
            assertEquals(0, r.errors(), "errors, e.g. " + r.firstErrors());
            assertEquals(10, r.streamsWithRows(), "streams that got rows");
            for (long[] kind : r.perQuery()) {
                assertTrue(kind.length > 0, "a short query never completed");
            }
            // the cancelled streams' statements expire (idle 3 s) and free their subscriptions and result sets
            try (Connection c = DriverManager.getConnection(sysql.jdbc.SysqlDriver.PREFIX)) {
                Await.until(
                        () -> subscriptions(c) == 0,
                        Duration.ofSeconds(60),
                        "subscriptions left after the streams were cancelled");
            }
            Await.until(
                    () -> server.openResultSets() == 0,
                    Duration.ofSeconds(60),
                    () -> "result sets the server still reads: " + server.openResultSets());
            System.gc();
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            System.out.printf(
                    "heap after a collection: %d MiB before the load, %d MiB after it%n",
                    heapBefore >> 20, heap.getUsed() >> 20);
            assertTrue(
                    heap.getUsed() - heapBefore < 256L << 20,
                    "the heap grew by " + ((heap.getUsed() - heapBefore) >> 20)
                            + " MiB over the load: something holds what it served");
        }
    }

    private static long subscriptions(Connection c) throws Exception {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT subscriptions FROM capture_stats WHERE cpu IS NULL")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
