// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sysql.testing.TestData;

/**
 * A statement is stopped while Calcite plans it, not only while its rows are read: by {@code Statement.cancel}
 * (what Ctrl-C in the shell does) and by its time limit, in one line, and the connection goes on. Planning is made
 * slow on purpose ({@link #slowPlanning}: every planner of this JVM gets a rule that waits at each node), so that
 * what is tested is the stop, whatever query the planner happens to be slow on today. Over a capture file: no root
 * needed.
 */
public class PlanningCancelTest {
    static final String FILE = TestData.scap("falco_cat_write.scap").toString();

    /** Waits at each node the cost-based planner registers: see {@link #slowPlanning}. */
    @SuppressWarnings("deprecation") // RelOptRule's operand constructor: the shortest rule that matches any node
    private static final org.apache.calcite.plan.RelOptRule SLOW =
            new org.apache.calcite.plan.RelOptRule(
                    org.apache.calcite.plan.RelOptRule.operand(
                            org.apache.calcite.rel.RelNode.class, org.apache.calcite.plan.RelOptRule.any()),
                    "SlowPlanningForTests") {
                @Override
                public void onMatch(org.apache.calcite.plan.RelOptRuleCall call) {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };

    /**
     * Until closed, every planner made in this JVM (embedded or in a server it runs) waits 200 ms at each node it
     * registers: {@link #slowToPlan()} then plans for minutes, unless its planning is stopped (the planner looks at
     * the statement's cancel flag and time limit before each rule it fires).
     */
    @SuppressWarnings("deprecation") // Hook.add: addThread, its successor, would not reach a server's threads
    public static org.apache.calcite.runtime.Hook.Closeable slowPlanning() {
        return org.apache.calcite.runtime.Hook.PLANNER.add(
                (java.util.function.Consumer<org.apache.calcite.plan.RelOptPlanner>) p -> p.addRule(SLOW));
    }

    /** A union of ten joins: hundreds of nodes for the planner, each one 200 ms under {@link #slowPlanning}. */
    public static String slowToPlan() {
        String join = "SELECT COUNT(*) AS n FROM event_types a JOIN event_types b ON a.code = b.code";
        return String.join(" UNION ALL ", java.util.Collections.nCopies(10, join));
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @SuppressWarnings("try") // the hook is held while the statement plans, not used
    void aCancelStopsThePlanning() throws Exception {
        ScheduledExecutorService canceller = Executors.newSingleThreadScheduledExecutor();
        try (Connection c = DriverManager.getConnection("jdbc:sysql:file=" + FILE)) {
            Statement st = c.createStatement();
            var unused = canceller.schedule(
                    () -> {
                        st.cancel();
                        return null;
                    },
                    1,
                    TimeUnit.SECONDS);
            long start = System.nanoTime();
            SQLException e;
            try (org.apache.calcite.runtime.Hook.Closeable slow = slowPlanning()) {
                e = assertThrows(SQLException.class, () -> {
                    try (ResultSet rs = st.executeQuery(slowToPlan())) {
                        rs.next();
                    }
                });
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(seconds < 10, "a cancel after 1 s stopped the planning after " + seconds + " s");
            assertTrue(
                    String.valueOf(e.getMessage()).equals("the statement was cancelled while it was being planned"),
                    String.valueOf(e.getMessage()));
            try (Statement next = c.createStatement();
                    ResultSet rs = next.executeQuery("SELECT COUNT(*) FROM event_types")) {
                assertTrue(rs.next());
            }
        } finally {
            canceller.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @SuppressWarnings("try") // the hook is held while the statement plans, not used
    void theTimeLimitStopsThePlanning() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sysql:file=" + FILE);
                Statement st = c.createStatement()) {
            st.setQueryTimeout(1);
            long start = System.nanoTime();
            SQLException e;
            try (org.apache.calcite.runtime.Hook.Closeable slow = slowPlanning()) {
                e = assertThrows(SQLException.class, () -> {
                    try (ResultSet rs = st.executeQuery(slowToPlan())) {
                        rs.next();
                    }
                });
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(seconds < 10, "a 1-s limit stopped the planning after " + seconds + " s");
            assertTrue(
                    String.valueOf(e.getMessage())
                            .startsWith("the statement was planned for longer than its time limit of 1 s"),
                    String.valueOf(e.getMessage()));
            // the statement itself is not cancelled by it: it runs the next query
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM event_types")) {
                assertTrue(rs.next());
            }
        }
    }
}
