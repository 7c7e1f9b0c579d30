package sysql.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sysql.server.ServerLimits;
import sysql.server.SysqlServer;
import sysql.testing.RequiresBpf;

/**
 * The serve load in the suite, shorter than the benchmark (bench/serve-bench.sh runs 60 s against a server of
 * its own and reports the figures): 100 short-query clients and 10 streaming clients over Avatica's own driver
 * for 15 s, against a server in this JVM. Not one error; every stream gets rows; every stream's subscription is
 * gone once they are cancelled; the heap after a collection stays small.
 */
@RequiresBpf
class ServeLoadIT {
    @Test
    @Timeout(180)
    void aHundredClientsAndTenStreamsWithoutAnError() throws Exception {
        ServerLimits limits = new ServerLimits(16, 256, 10_000, 16L << 20, 3, 600);
        try (SysqlServer server = SysqlServer.start(new SysqlServer.Options("127.0.0.1", 0, SysqlServer.Auth.NONE,
                null, List.of(), null, null, false, limits, new Properties()))) {
            String url = "jdbc:avatica:remote:url=" + server.url() + ";serialization=PROTOBUF";
            ServeLoad.Report r = ServeLoad.run(new ServeLoad.Options(url, 100, 10, 15_000, ServeLoad.SHORT_QUERIES,
                    ServeLoad.STREAM_QUERY));
            System.out.printf("serve load: %d queries in %.1f s (%.0f/s), p50 %.1f ms, p99 %.1f ms, %d stream rows%n",
                    r.queries(), r.seconds(), r.queriesPerSecond(), ServeLoad.Report.percentileMillis(r.latencies(), 50),
                    ServeLoad.Report.percentileMillis(r.latencies(), 99), r.streamRows());
            assertEquals(0, r.errors(), "errors, e.g. " + r.firstErrors());
            assertEquals(10, r.streamsWithRows(), "streams that got rows");
            for (long[] kind : r.perQuery()) {
                assertTrue(kind.length > 0, "a short query never completed");
            }
            // the cancelled streams' statements expire (idle 3 s) and free their subscriptions
            try (Connection c = DriverManager.getConnection(sysql.jdbc.SysqlDriver.PREFIX)) {
                long deadline = System.currentTimeMillis() + 15_000;
                long left;
                while ((left = subscriptions(c)) > 0 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(0, left, "subscriptions left after the streams were cancelled");
            }
            System.gc();
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            System.out.printf("heap after the load and a collection: %d MiB%n", heap.getUsed() >> 20);
            assertTrue(heap.getUsed() < 512L << 20, "heap after the load: " + (heap.getUsed() >> 20) + " MiB");
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
