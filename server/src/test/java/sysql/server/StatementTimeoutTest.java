// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sysql.testing.TestData;

/**
 * A server bounds every query in time (--statement-timeout): a cross join that would run for years ends with one
 * line after the limit, by Statement and by PreparedStatement, and the server answers the next query at once.
 */
class StatementTimeoutTest {
    static SysqlServer server;

    @BeforeAll
    static void start() throws Exception {
        Class.forName("org.apache.calcite.avatica.remote.Driver");
        Properties engine = new Properties();
        engine.setProperty(
                "file",
                TestData.scap("falco_cat_write.scap")
                        .toAbsolutePath()
                        .normalize()
                        .toString());
        server = SysqlServer.start(TestServers.loopback(new ServerLimits(16, 64, 1000, 1 << 20, 30, 600, 2), engine));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static final String FOREVER = "SELECT COUNT(*) FROM fields, fields f2, fields f3, fields f4";

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aQueryPastTheServersTimeLimitEndsWithOneLine() throws Exception {
        try (Connection c =
                DriverManager.getConnection("jdbc:avatica:remote:url=" + server.url() + ";serialization=protobuf")) {
            // a query cannot pass for a stream (exempt from the limit) with STREAM in a comment
            String disguised = FOREVER + " // SELECT STREAM evt.type FROM events";
            boolean ran = false;
            for (boolean prepared : new boolean[] {false, true}) {
                long start = System.nanoTime();
                SQLException e = assertThrows(SQLException.class, () -> {
                    if (!prepared) {
                        try (Statement st = c.createStatement();
                                ResultSet rs = st.executeQuery(disguised)) {
                            rs.next();
                        }
                    } else {
                        try (PreparedStatement ps = c.prepareStatement(FOREVER);
                                ResultSet rs = ps.executeQuery()) {
                            rs.next();
                        }
                    }
                });
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
                assertTrue(seconds < 30, "a 2-s limit stopped the join after " + seconds + " s");
                // stopped as it ran, or (a cold planner on a loaded machine) as it was planned: the same limit
                assertTrue(stoppedByTheLimit(e), String.valueOf(e.getMessage()));
                ran |= String.valueOf(e.getMessage()).contains("ran longer than its time limit of 2 s");
            }
            // the self-join of events too, and then the server's CPU is back to idle within seconds
            long start = System.nanoTime();
            SQLException selfJoin = assertThrows(SQLException.class, () -> {
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM events e1, events e2, events e3")) {
                    rs.next();
                }
            });
            assertTrue(stoppedByTheLimit(selfJoin), String.valueOf(selfJoin.getMessage()));
            ran |= String.valueOf(selfJoin.getMessage()).contains("ran longer than its time limit of 2 s");
            assertTrue(ran, "no query was stopped by the limit as it ran (only as it was planned)");
            assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 30);
            Thread.sleep(1000);
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpuBefore = os.getProcessCpuTime();
            Thread.sleep(3000);
            long cpuMillis = TimeUnit.NANOSECONDS.toMillis(os.getProcessCpuTime() - cpuBefore);
            assertTrue(
                    cpuMillis < 1500, "the server used " + cpuMillis + " ms of CPU in the 3 s after its queries ended");
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM events")) {
                assertTrue(rs.next());
                assertTrue(rs.getLong(1) > 0);
                assertEquals(false, rs.next());
            }
        }
    }

    private static boolean stoppedByTheLimit(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("ran longer than its time limit of 2 s")
                || m.contains("was planned for longer than its time limit of 2 s");
    }

    /**
     * A query whose planning is made to last minutes (PlanningCancelTest.slowPlanning: the planner waits at each
     * node) before a row is read: the planning itself is stopped at the time limit, by Statement (planned in the
     * execute call) and by PreparedStatement (planned in the prepare call).
     */
    static String slowToPlan() {
        return sysql.jdbc.PlanningCancelTest.slowToPlan();
    }

    @Test
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @SuppressWarnings("try") // the hook is held while the statements plan, not used
    void planningPastTheServersTimeLimitEndsWithOneLine() throws Exception {
        try (Connection c =
                DriverManager.getConnection("jdbc:avatica:remote:url=" + server.url() + ";serialization=protobuf")) {
            for (boolean prepared : new boolean[] {false, true}) {
                long start = System.nanoTime();
                SQLException e;
                try (org.apache.calcite.runtime.Hook.Closeable slow = sysql.jdbc.PlanningCancelTest.slowPlanning()) {
                    e = assertThrows(SQLException.class, () -> {
                        if (!prepared) {
                            try (Statement st = c.createStatement();
                                    ResultSet rs = st.executeQuery(slowToPlan())) {
                                rs.next();
                            }
                        } else {
                            try (PreparedStatement ps = c.prepareStatement(slowToPlan());
                                    ResultSet rs = ps.executeQuery()) {
                                rs.next();
                            }
                        }
                    });
                }
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
                assertTrue(seconds < 12, "a 2-s limit stopped the planning after " + seconds + " s");
                if (!prepared) { // Avatica's client keeps a prepare's error state, not the server's message: below
                    assertTrue(
                            String.valueOf(e.getMessage()).contains("planned for longer than its time limit of 2 s"),
                            String.valueOf(e.getMessage()));
                }
            }
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM event_types")) {
                assertTrue(rs.next());
            }
        }
        // the prepare's own answer on the wire: one line, saying why
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String[] requests = {
            "{\"request\":\"openConnection\",\"connectionId\":\"c-plan\"}",
            "{\"request\":\"prepare\",\"connectionId\":\"c-plan\",\"maxRowCount\":-1,\"sql\":\"" + slowToPlan() + "\"}"
        };
        String answer = "";
        try (org.apache.calcite.runtime.Hook.Closeable slow = sysql.jdbc.PlanningCancelTest.slowPlanning()) {
            for (String json : requests) {
                answer = http.send(
                                java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url()))
                                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json))
                                        .header("Content-Type", "application/json")
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body();
            }
        }
        assertTrue(
                answer.contains("\"errorMessage\":\"the statement was planned for longer than its time limit of 2 s"),
                answer);
        assertTrue(!answer.strip().contains("\n") && !answer.contains("UNION"), answer);
    }
}
