// SPDX-License-Identifier: Apache-2.0
package sysql.it.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the fleet's tests share: a broker per test class ({@link EmbeddedKafka}, started before its tests), the three
 * captures that play three hosts, and sysql's own count of each one's exit events per second, the oracle.
 */
abstract class Fleets {
    /** The JVM options of the sysql processes the tests start (Arrow's memory). */
    static final List<String> JVM = List.of("--add-opens=java.base/java.nio=ALL-UNNAMED");
    /** Three hosts: each replays a capture file of its own. */
    static final List<String> FILES =
            List.of("bencer_example4_example4-1.scap", "libs_curl_google.scap", "falco_cat_write.scap");

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;

    @BeforeAll
    static void broker() throws Exception {
        kafka = new EmbeddedKafka(dir);
        kafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** A file's exit events per second of its recorded time, as sysql counts them over the file alone. */
    static TreeMap<Long, Long> perSecond(Path file) throws Exception {
        TreeMap<Long, Long> counts = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sysql:file=" + file);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT evt.rawtime / 1000000000 AS sec, COUNT(*) AS c FROM events"
                        + " WHERE evt.dir = '<' GROUP BY evt.rawtime / 1000000000")) {
            while (rs.next()) {
                counts.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return counts;
    }

    /**
     * Checks that {@code got} (a replaying host's counts per second) is {@code expected} (its file's) moved by the
     * replay's whole-second shift, found from their first seconds; returns the moved counts.
     */
    static TreeMap<Long, Long> assertShifted(TreeMap<Long, Long> expected, TreeMap<Long, Long> got, String what) {
        long shift = got.firstKey() - expected.firstKey();
        TreeMap<Long, Long> moved = new TreeMap<>();
        expected.forEach((sec, c) -> moved.put(sec + shift, c));
        assertEquals(moved, got, what);
        return moved;
    }
}
