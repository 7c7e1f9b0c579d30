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
 * (what Ctrl-C in the shell does) and by its time limit, in one line, and the connection goes on. The query is a
 * union of 150 four-way joins whose planning alone takes minutes (175 s on the project's 2-core machine). Over a
 * capture file: no root needed.
 */
public class PlanningCancelTest {
    static final String FILE = TestData.scap("falco_cat_write.scap").toString();

    /** A union of 150 four-way joins (25 KB of SQL) that Calcite's planner works on for minutes. */
    public static String slowToPlan() {
        String join = "SELECT COUNT(*) AS n FROM event_types a JOIN event_types b ON a.name = b.name "
                + "JOIN event_types c ON b.name = c.name JOIN event_types d ON c.name = d.name";
        return String.join(" UNION ALL ", java.util.Collections.nCopies(150, join));
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
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
            SQLException e = assertThrows(SQLException.class, () -> {
                try (ResultSet rs = st.executeQuery(slowToPlan())) {
                    rs.next();
                }
            });
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
    void theTimeLimitStopsThePlanning() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sysql:file=" + FILE);
                Statement st = c.createStatement()) {
            st.setQueryTimeout(1);
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> {
                try (ResultSet rs = st.executeQuery(slowToPlan())) {
                    rs.next();
                }
            });
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
