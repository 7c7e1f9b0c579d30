// SPDX-License-Identifier: Apache-2.0
package sysql.it.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.testing.Child;
import sysql.testing.TestData;

/**
 * The fleet end to end, every part real and on loopback: a Kafka broker (KRaft, {@link EmbeddedKafka}), agents
 * ({@code sysql export} in JVMs of their own) and Flink SQL on Flink's local MiniCluster.
 */
class FleetIT {
    private static final List<String> JVM = List.of("--add-opens=java.base/java.nio=ALL-UNNAMED");
    /** Three hosts: each replays a capture file of its own. */
    private static final List<String> FILES =
            List.of("bencer_example4_example4-1.scap", "libs_curl_google.scap", "falco_cat_write.scap");

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;

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

    /** Each file's exit events per second of its recorded time, as sysql counts them over the file alone. */
    private static TreeMap<Long, Long> perSecond(Path file) throws Exception {
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

    /** Runs the agents, one per file, each as its own host; returns what each printed. */
    private static List<String> replayAll(String topic, String format, String query) throws Exception {
        List<Child> agents = new ArrayList<>();
        List<String> said = new ArrayList<>();
        try {
            for (int i = 0; i < FILES.size(); i++) {
                agents.add(Child.sysql(
                        dir,
                        JVM,
                        "export",
                        "-r",
                        TestData.scap(FILES.get(i)).toString(),
                        "--replay",
                        "--host-name",
                        "host-" + i,
                        "--host-id",
                        "id-" + i,
                        "-b",
                        kafka.bootstrap(),
                        "-t",
                        topic,
                        "--format",
                        format,
                        query));
            }
            for (Child a : agents) {
                assertTrue(a.process.waitFor(120, TimeUnit.SECONDS), "an agent did not end: " + a.unseen());
                String out = a.unseen();
                said.add(out);
                assertEquals(0, a.process.exitValue(), out);
            }
        } finally {
            agents.forEach(Child::close);
        }
        return said;
    }

    /** The rows of a bounded Flink SQL query over the topic (read up to its offsets when the query starts). */
    @SuppressWarnings("try") // the iterator's close may be interrupted: the test fails then anyway
    private static List<Row> flink(String ddl, String query) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment t = StreamTableEnvironment.create(env);
        t.getConfig().set("table.local-time-zone", "UTC");
        t.executeSql(ddl);
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = t.executeSql(query).collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    /**
     * A Kafka table of exported rows whose event time is {@code rowtime}'s value: a column of its own, since Flink
     * takes a dotted name for a nested field, which cannot be a rowtime.
     */
    private static String kafkaTable(String name, String columns, String rowtime, String topic, String format) {
        return "CREATE TABLE " + name + " (" + columns + ", `host.name` STRING, `host.id` STRING, rowtime AS "
                + rowtime
                + ", WATERMARK FOR rowtime AS rowtime - INTERVAL '5' SECOND) WITH ('connector' = 'kafka', 'topic' = '"
                + topic + "', 'properties.bootstrap.servers' = '" + kafka.bootstrap()
                + "', 'properties.group.id' = 'fleet-it', 'scan.startup.mode' = 'earliest-offset',"
                + " 'scan.bounded.mode' = 'latest-offset', 'format' = '" + format + "'"
                + (format.equals("json") ? ", 'json.timestamp-format.standard' = 'SQL'" : "") + ")";
    }

    private static long epochSecond(Object windowStart) {
        return ((LocalDateTime) windowStart).toEpochSecond(ZoneOffset.UTC);
    }

    @Test
    void threeHostsReplayedGiveFlinkTheSumOfWhatSysqlCountsOverEachFile() throws Exception {
        String topic = "events-json";
        List<String> said =
                replayAll(topic, "json", "SELECT STREAM evt.time, evt.type, proc.name FROM events WHERE evt.dir = '<'");
        List<TreeMap<Long, Long>> expected = new ArrayList<>();
        for (int i = 0; i < FILES.size(); i++) {
            TreeMap<Long, Long> counts = perSecond(TestData.scap(FILES.get(i)));
            expected.add(counts);
            long rows = counts.values().stream().mapToLong(Long::longValue).sum();
            assertTrue(said.get(i).contains(rows + " rows read, " + rows + " delivered"), said.get(i));
        }
        String ddl = kafkaTable(
                "events",
                "`evt.time` TIMESTAMP(3), `evt.type` STRING, `proc.name` STRING",
                "`evt.time`",
                topic,
                "json");
        // per host: each host's windows are its file's seconds, moved by the whole seconds of its replay
        Map<String, TreeMap<Long, Long>> perHost = new TreeMap<>();
        for (Row r : flink(
                ddl,
                "SELECT `host.id`, window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(rowtime),"
                        + " INTERVAL '1' SECOND)) GROUP BY window_start, window_end, `host.id`")) {
            perHost.computeIfAbsent((String) r.getField(0), h -> new TreeMap<>())
                    .put(epochSecond(r.getField(1)), (Long) r.getField(2));
        }
        assertEquals(FILES.size(), perHost.size(), perHost.toString());
        TreeMap<Long, Long> sum = new TreeMap<>();
        for (int i = 0; i < FILES.size(); i++) {
            TreeMap<Long, Long> got = perHost.get("id-" + i);
            long shift = got.firstKey() - expected.get(i).firstKey();
            TreeMap<Long, Long> moved = new TreeMap<>();
            expected.get(i).forEach((sec, c) -> moved.put(sec + shift, c));
            assertEquals(moved, got, FILES.get(i) + " replayed as host " + i);
            moved.forEach((sec, c) -> sum.merge(sec, c, Long::sum));
        }
        // the global windows: one Flink query over the whole fleet
        TreeMap<Long, Long> global = new TreeMap<>();
        for (Row r : flink(
                ddl,
                "SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(rowtime),"
                        + " INTERVAL '1' SECOND)) GROUP BY window_start, window_end")) {
            global.put(epochSecond(r.getField(0)), (Long) r.getField(1));
        }
        assertEquals(sum, global);
    }
}
