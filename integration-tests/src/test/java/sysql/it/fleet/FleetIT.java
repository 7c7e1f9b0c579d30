// SPDX-License-Identifier: Apache-2.0
package sysql.it.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import sysql.calcite.sql.FleetQueries;
import sysql.cli.FleetPlan;
import sysql.fleet.flink.FleetSchema;
import sysql.testing.Child;
import sysql.testing.TestData;

/**
 * The fleet end to end, every part real and on loopback: a Kafka broker (KRaft, {@link EmbeddedKafka}), agents
 * ({@code sysql export} in JVMs of their own) and Flink SQL on Flink's local MiniCluster.
 */
class FleetIT extends Fleets {

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

    /** The Kafka table of a topic of exported rows: its columns, read up to the offsets of when a query starts. */
    private static FleetSchema.KafkaTable table(String topic, FleetSchema.Format format) {
        return FleetSchema.kafkaTable("events")
                .topic(topic)
                .bootstrapServers(kafka.bootstrap())
                .groupId("fleet-it")
                .format(format)
                .boundedMode("latest-offset")
                .watermarkDelay(java.time.Duration.ofSeconds(5));
    }

    /** A Flink query's rows as (host id or "", window start second) to a count. */
    private static Map<String, TreeMap<Long, Long>> counts(String ddl, String query) throws Exception {
        Map<String, TreeMap<Long, Long>> counts = new TreeMap<>();
        for (Row r : flink(ddl, query)) {
            String host = r.getArity() == 3 ? (String) r.getField(0) : "";
            counts.computeIfAbsent(host, h -> new TreeMap<>())
                    .put(
                            epochSecond(r.getField(r.getArity() - 2)),
                            ((Number) r.getField(r.getArity() - 1)).longValue());
        }
        return counts;
    }

    /**
     * Checks the per-host and global per-second counts Flink computes against sysql's over each file: each host's
     * windows are its file's seconds moved by the whole seconds of its replay, and the global windows their sum.
     */
    private static void assertFleetCounts(String ddl, String perHost, String global) throws Exception {
        Map<String, TreeMap<Long, Long>> byHost = counts(ddl, perHost);
        assertEquals(FILES.size(), byHost.size(), byHost.toString());
        TreeMap<Long, Long> sum = new TreeMap<>();
        for (int i = 0; i < FILES.size(); i++) {
            TreeMap<Long, Long> moved = assertShifted(
                    perSecond(TestData.scap(FILES.get(i))),
                    byHost.get("id-" + i),
                    FILES.get(i) + " replayed as host " + i);
            moved.forEach((sec, c) -> sum.merge(sec, c, Long::sum));
        }
        assertEquals(Map.of("", sum), counts(ddl, global));
    }

    private static long epochSecond(Object windowStart) {
        return ((LocalDateTime) windowStart).toEpochSecond(ZoneOffset.UTC);
    }

    @ParameterizedTest
    @EnumSource(FleetSchema.Format.class)
    void threeHostsReplayedGiveFlinkTheSumOfWhatSysqlCountsOverEachFile(FleetSchema.Format format) throws Exception {
        String topic = "events-" + format.identifier();
        List<String> said = replayAll(
                topic,
                format == FleetSchema.Format.JSON ? "json" : "arrow",
                "SELECT STREAM evt.time, evt.type, proc.name FROM events WHERE evt.dir = '<'");
        for (int i = 0; i < FILES.size(); i++) {
            long rows = perSecond(TestData.scap(FILES.get(i))).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            assertTrue(said.get(i).contains(rows + " rows read, " + rows + " delivered"), said.get(i));
        }
        FleetSchema.KafkaTable events = table(topic, format).fields("evt.time", "evt.type", "proc.name");
        String window =
                "TABLE(TUMBLE(TABLE events, DESCRIPTOR(" + events.rowtimeAttribute() + "), INTERVAL '1' SECOND))";
        assertFleetCounts(
                events.ddl(),
                "SELECT `host.id`, window_start, COUNT(*) FROM " + window
                        + " GROUP BY window_start, window_end, `host.id`",
                "SELECT window_start, COUNT(*) FROM " + window + " GROUP BY window_start, window_end");
    }

    @Test
    void hostsSendPartialCountsPerWindowAndFlinkAddsThemUp() throws Exception {
        String topic = "partials";
        List<String> said = replayAll(
                topic,
                "arrow",
                "SELECT STREAM TUMBLE_START(evt.time, INTERVAL '1' SECOND) AS host_window_start, evt.type,"
                        + " COUNT(*) AS c FROM events WHERE evt.dir = '<'"
                        + " GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), evt.type");
        for (int i = 0; i < FILES.size(); i++) {
            // one row per window and type travels, not one per event
            long events = perSecond(TestData.scap(FILES.get(i))).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            Matcher m = Pattern.compile("(\\d+) rows read, (\\d+) delivered").matcher(said.get(i));
            assertTrue(m.find(), said.get(i));
            assertEquals(m.group(1), m.group(2), said.get(i));
            assertTrue(Long.parseLong(m.group(1)) < events / 3, said.get(i) + " for " + events + " events");
        }
        FleetSchema.KafkaTable partials = table(topic, FleetSchema.Format.SYSQL_ARROW)
                .column("host_window_start", "TIMESTAMP(3)")
                .field("evt.type")
                .column("c", "BIGINT")
                .rowtime("host_window_start");
        // each host's window is one of Flink's: the global window adds up the hosts' partial counts
        String window = "TABLE(TUMBLE(TABLE events, DESCRIPTOR(host_window_start), INTERVAL '1' SECOND))";
        assertFleetCounts(
                partials.ddl(),
                "SELECT `host.id`, window_start, SUM(c) FROM " + window
                        + " GROUP BY window_start, window_end, `host.id`",
                "SELECT window_start, SUM(c) FROM " + window + " GROUP BY window_start, window_end");
    }

    /** A value of a partial or global row, as a number (null stays null). */
    private static Double number(Object v) {
        return v == null ? null : ((Number) v).doubleValue();
    }

    private static Double add(Double a, Double b) {
        return a == null ? b : b == null ? a : a + b;
    }

    @Test
    void everyAggregateOfAHopWindowAddsUpTheHostsPartialsAsSysqlComputesThem() throws Exception {
        String topic = "aggregates";
        FleetQueries.Split split = FleetQueries.split("SELECT STREAM HOP_START(evt.time, INTERVAL '1' SECOND,"
                + " INTERVAL '2' SECOND) AS ws, evt.type, COUNT(*) AS c, SUM(evt.latency) AS s, MIN(evt.latency) AS lo,"
                + " MAX(evt.latency) AS hi, AVG(evt.latency) AS mean FROM events WHERE evt.dir = '<'"
                + " GROUP BY HOP(evt.time, INTERVAL '1' SECOND, INTERVAL '2' SECOND), evt.type");
        replayAll(topic, "arrow", split.hostSql());
        Map<String, String> columns = FleetPlan.hostColumns(split.hostSql());
        FleetSchema.KafkaTable hosts = FleetSchema.kafkaTable("hosts")
                .topic(topic)
                .bootstrapServers(kafka.bootstrap())
                .groupId("fleet-it-aggregates")
                .boundedMode("latest-offset")
                .rowtime("w_start")
                .watermarkDelay(java.time.Duration.ofSeconds(5));
        columns.forEach(hosts::column);
        // each host's partials: its file's, as sysql computes the host part over the file alone, moved by its shift
        Map<String, Map<List<Object>, List<Double>>> partials = new TreeMap<>();
        for (Row r : flink(
                hosts.ddl(),
                "SELECT `host.id`, w_start, k0, a0, a1, a2, a3, a4, a4_n FROM hosts WHERE n IS NOT NULL")) {
            List<Double> values = new ArrayList<>();
            for (int i = 3; i < 9; i++) {
                values.add(number(r.getField(i)));
            }
            partials.computeIfAbsent((String) r.getField(0), h -> new java.util.HashMap<>())
                    .put(List.of(epochSecond(r.getField(1)), r.getField(2)), values);
        }
        assertEquals(FILES.size(), partials.size(), partials.keySet().toString());
        for (int i = 0; i < FILES.size(); i++) {
            Map<List<Object>, List<Double>> file = new java.util.HashMap<>();
            try (Connection c = DriverManager.getConnection("jdbc:sysql:file=" + TestData.scap(FILES.get(i)));
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(split.hostSql())) {
                while (rs.next()) {
                    List<Double> values = new ArrayList<>();
                    for (String a : List.of("a0", "a1", "a2", "a3", "a4", "a4_n")) {
                        long v = rs.getLong(a);
                        values.add(rs.wasNull() ? null : (double) v);
                    }
                    file.put(
                            List.of(
                                    rs.getTimestamp(
                                                            "w_start",
                                                            java.util.Calendar.getInstance(
                                                                    java.util.TimeZone.getTimeZone("UTC")))
                                                    .getTime()
                                            / 1000,
                                    rs.getString("k0")),
                            values);
                }
            }
            Map<List<Object>, List<Double>> host = partials.get("id-" + i);
            long shift =
                    host.keySet().stream().mapToLong(k -> (Long) k.get(0)).min().orElseThrow()
                            - file.keySet().stream()
                                    .mapToLong(k -> (Long) k.get(0))
                                    .min()
                                    .orElseThrow();
            Map<List<Object>, List<Double>> moved = new java.util.HashMap<>();
            file.forEach((k, v) -> moved.put(List.of((Long) k.get(0) + shift, k.get(1)), v));
            assertEquals(moved, host, FILES.get(i) + "'s partials, replayed as host " + i);
        }
        // the global rows: the partials of every host added up per window and key, each aggregate in its own way
        Map<List<Object>, List<Double>> expected = new java.util.HashMap<>();
        for (Map<List<Object>, List<Double>> host : partials.values()) {
            host.forEach((k, v) -> expected.merge(
                    k,
                    v,
                    (a, b) -> List.of(
                            a.get(0) + b.get(0),
                            add(a.get(1), b.get(1)),
                            a.get(2) == null ? b.get(2) : b.get(2) == null ? a.get(2) : Math.min(a.get(2), b.get(2)),
                            a.get(3) == null ? b.get(3) : b.get(3) == null ? a.get(3) : Math.max(a.get(3), b.get(3)),
                            add(a.get(4), b.get(4)),
                            a.get(5) + b.get(5))));
        }
        FleetPlan plan = FleetPlan.of(
                split, columns, topic, kafka.bootstrap(), "unused", java.time.Duration.ofSeconds(5), Map.of());
        Map<List<Object>, List<Double>> global = new java.util.HashMap<>();
        for (Row r : flink(hosts.ddl(), plan.globalSql())) {
            global.put(
                    List.of(epochSecond(r.getField(0)), r.getField(1)),
                    java.util.Arrays.asList(
                            number(r.getField(2)),
                            number(r.getField(3)),
                            number(r.getField(4)),
                            number(r.getField(5)),
                            number(r.getField(6))));
        }
        assertEquals(expected.keySet(), global.keySet());
        assertTrue(global.size() > 10, "windows and keys: " + global.size());
        expected.forEach((k, e) -> {
            List<Double> g = global.get(k);
            assertEquals(e.get(0), g.get(0), k + " count");
            assertEquals(e.get(1), g.get(1), k + " sum");
            assertEquals(e.get(2), g.get(2), k + " min");
            assertEquals(e.get(3), g.get(3), k + " max");
            Double mean = e.get(4) == null || e.get(5) == 0 ? null : e.get(4) / e.get(5);
            if (mean == null) {
                assertEquals(null, g.get(4), k + " avg");
            } else {
                assertEquals(mean, g.get(4), Math.abs(mean) * 1e-12, k + " avg");
            }
        });
    }
}
