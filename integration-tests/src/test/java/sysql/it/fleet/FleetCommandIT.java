// SPDX-License-Identifier: Apache-2.0
package sysql.it.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sysql.testing.Child;
import sysql.testing.RequiresBpf;
import sysql.testing.TestData;

/**
 * {@code sysql fleet} end to end: agents ({@code sysql agent}, JVMs of their own) take the query from the control
 * topic of a real broker, each runs the host part, and the fleet command's Flink job adds their rows up and prints
 * them; Ctrl-C stops both parts.
 */
class FleetCommandIT extends Fleets {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path WORKLOAD = ROOT.resolve("driver-kmod/target/native/sysql-workload");

    private static void interrupt(Child c) throws Exception {
        new ProcessBuilder("kill", "-INT", String.valueOf(c.process.pid()))
                .start()
                .waitFor();
    }

    /** Waits until {@code c} printed {@code text} (fails with what it printed after {@code seconds}). */
    private static void awaitText(Child c, String text, long seconds) throws Exception {
        c.await(text, seconds);
    }

    /** Parses the csv rows the fleet command printed so far (the header line left out). */
    private static List<String[]> csvRows(String printed, String header) {
        List<String[]> rows = new ArrayList<>();
        boolean inRows = false;
        for (String line : printed.split("\n")) {
            if (line.equals(header)) {
                inRows = true;
            } else if (inRows && !line.startsWith("sysql fleet:") && !line.isBlank()) {
                rows.add(line.split(","));
            }
        }
        return rows;
    }

    @Test
    @Timeout(
            value = 5,
            unit = TimeUnit.MINUTES,
            threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // rows that never come
    void threeReplayingAgentsAnswerOneFleetQueryWindowByWindow() throws Exception {
        List<Child> agents = new ArrayList<>();
        Child fleet = null;
        try {
            for (int i = 0; i < FILES.size(); i++) {
                agents.add(Child.sysql(
                        dir,
                        JVM,
                        "agent",
                        "-b",
                        kafka.bootstrap(),
                        "-r",
                        TestData.scap(FILES.get(i)).toString(),
                        "--replay",
                        "--control-topic",
                        "three.control",
                        "--host-name",
                        "host-" + i,
                        "--host-id",
                        "id-" + i));
            }
            for (Child a : agents) {
                awaitText(a, "takes fleet queries from three.control", 60);
            }
            fleet = Child.sysql(
                    dir,
                    JVM,
                    "fleet",
                    "-b",
                    kafka.bootstrap(),
                    "--control-topic",
                    "three.control",
                    "--format",
                    "csv",
                    "--lateness",
                    "2",
                    "SELECT STREAM TUMBLE_START(evt.time, INTERVAL '1' SECOND) AS ws, host.id, COUNT(*) AS c"
                            + " FROM events WHERE evt.dir = '<'"
                            + " GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), host.id");
            List<TreeMap<Long, Long>> expected = new ArrayList<>();
            long total = 0;
            for (String f : FILES) {
                TreeMap<Long, Long> counts = perSecond(TestData.scap(f));
                expected.add(counts);
                total += counts.values().stream().mapToLong(Long::longValue).sum();
            }
            // the rows come as the windows close, a few seconds after their end
            Map<String, TreeMap<Long, Long>> got = new TreeMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            long seen = 0;
            while (seen < total && System.nanoTime() < deadline) {
                Thread.sleep(500);
                assertTrue(fleet.process.isAlive(), "sysql fleet ended: " + fleet.unseen());
                got.clear();
                seen = 0;
                String printed = Child.plain(fleet.printed());
                for (String[] r : csvRows(printed, "ws,host.id,c")) {
                    long sec = java.time.LocalDateTime.parse(r[0].replace(' ', 'T'))
                            .toEpochSecond(java.time.ZoneOffset.UTC);
                    got.computeIfAbsent(r[1], h -> new TreeMap<>()).merge(sec, Long.parseLong(r[2]), Long::sum);
                    seen += Long.parseLong(r[2]);
                }
            }
            assertEquals(total, seen, "rows counted by the fleet: " + got + "; it printed " + fleet.printed());
            for (int i = 0; i < FILES.size(); i++) {
                assertShifted(expected.get(i), got.get("id-" + i), FILES.get(i) + " replayed by host " + i);
            }
            // Ctrl-C stops the Flink job and, through the control topic, every host's part
            interrupt(fleet);
            assertTrue(fleet.process.waitFor(60, TimeUnit.SECONDS), "SIGINT did not stop sysql fleet");
            assertEquals(0, fleet.process.exitValue(), fleet.printed());
            for (Child a : agents) {
                // told on the control topic: well before the 20-s lease would have stopped it
                awaitText(a, "stopped: ", 10);
                assertTrue(!a.printed().contains("was not renewed"), a.printed());
            }
            String said = fleet.printed();
            System.out.println("sysql fleet printed:\n" + said);
            for (int i = 0; i < FILES.size(); i++) {
                assertTrue(said.contains("host host-" + i + " (id-" + i + ") runs the query"), said);
            }

            // the same query through JDBC, as a table of sysql's SQL: TABLE(fleet(brokers, query)), its control topic
            // (and a Kafka client setting) from the connection's fleetConfig
            Path config = dir.resolve("fleet.properties");
            Files.writeString(
                    config, "sysql.control.topic=three.control\nsysql.lateness=2\nclient.dns.lookup=use_all_dns_ips\n");
            jdbcFleet(
                    config,
                    "SELECT STREAM TUMBLE_START(evt.time, INTERVAL '1' SECOND) AS ws, host.id, COUNT(*) AS c"
                            + " FROM events WHERE evt.dir = '<' GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), host.id",
                    total,
                    expected);
            for (Child a : agents) {
                awaitText(a, "stopped: ", 10); // the statement's cancel stopped each host's part
                assertTrue(!a.printed().contains("was not renewed"), a.printed());
            }
        } finally {
            if (fleet != null) {
                fleet.close();
            }
            agents.forEach(Child::close);
        }
    }

    /**
     * Reads {@code TABLE(fleet(…, query))} through {@code jdbc:sysql:} with the connection property {@code
     * fleetConfig} = {@code config} until {@code total} rows are counted, checks
     * each host's seconds against {@code expected} (moved by its replay's shift), then cancels the statement.
     */
    private static void jdbcFleet(Path config, String query, long total, List<TreeMap<Long, Long>> expected)
            throws Exception {
        Map<String, TreeMap<Long, Long>> got = new TreeMap<>();
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("file", TestData.scap("falco_syscall.scap").toString());
        properties.setProperty("fleetConfig", config.toString());
        try (Connection c = DriverManager.getConnection("jdbc:sysql:", properties);
                Statement st = c.createStatement()) {
            ResultSet rs = st.executeQuery("SELECT STREAM * FROM TABLE(fleet('" + kafka.bootstrap() + "', '"
                    + query.replace("'", "''") + "'))");
            assertEquals("ws", rs.getMetaData().getColumnLabel(1));
            assertEquals(java.sql.Types.TIMESTAMP, rs.getMetaData().getColumnType(1));
            assertEquals("host.id", rs.getMetaData().getColumnLabel(2));
            assertEquals(java.sql.Types.BIGINT, rs.getMetaData().getColumnType(3));
            long seen = 0;
            while (seen < total && rs.next()) {
                long sec = rs.getTimestamp(1, java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC")))
                                .getTime()
                        / 1000;
                got.computeIfAbsent(rs.getString(2), h -> new TreeMap<>()).merge(sec, rs.getLong(3), Long::sum);
                seen += rs.getLong(3);
            }
            assertEquals(total, seen);
            for (int i = 0; i < FILES.size(); i++) {
                assertShifted(
                        expected.get(i),
                        got.get("id-" + i),
                        FILES.get(i) + " replayed by host " + i + ", through JDBC");
            }
            st.cancel();
            rs.close();
        }
    }

    /**
     * A sysql daemon with --fleet started while the broker is down tries again until it comes; then a fleet query's
     * count of the scripted workload's opens is exactly what the workload made.
     */
    @Test
    @RequiresBpf
    void aDaemonAsLiveAgentCountsTheWorkloadsOpensExactly() throws Exception {
        assertTrue(WORKLOAD.toFile().canExecute(), WORKLOAD + " is missing: build driver-kmod first");
        int opens = 777;
        // the host is a sysql daemon that is also an agent of the fleet: the host part runs on its capture; the
        // broker is down when the daemon starts, and its agent tries again until the broker comes
        Path socket = dir.resolve("daemon.sock");
        kafka.stop();
        try (Child agent = Child.sysql(
                dir,
                JVM,
                "daemon",
                "--socket",
                socket.toString(),
                "--no-disk-history",
                "--fleet",
                kafka.bootstrap(),
                "--fleet-control-topic",
                "live.control",
                "--fleet-setting",
                "request.timeout.ms=2000",
                "--fleet-setting",
                "default.api.timeout.ms=2000")) {
            try {
                awaitText(agent, "sysql agent: trying the control topic again in 5 s", 60);
            } finally {
                kafka.start();
            }
            awaitText(agent, "takes fleet queries from live.control", 60);
            liveFleetQueryCountsTheOpens(agent, opens);
        }
    }

    private void liveFleetQueryCountsTheOpens(Child agent, int opens) throws Exception {
        try (Child fleet = Child.sysql(
                dir,
                JVM,
                "fleet",
                "-b",
                kafka.bootstrap(),
                "--control-topic",
                "live.control",
                "--format",
                "csv",
                "--lateness",
                "2",
                "SELECT STREAM TUMBLE_END(evt.time, INTERVAL '2' SECOND) AS t, proc.name, COUNT(*) AS opens"
                        + " FROM events WHERE evt.type = 'openat' AND evt.dir = '<'"
                        + " AND proc.name = 'sysql-workload'"
                        + " GROUP BY TUMBLE(evt.time, INTERVAL '2' SECOND), proc.name")) {
            awaitText(fleet, "runs the query", 90);
            Thread.sleep(2000); // the agent's stream opens as its reading starts
            Process workload = new ProcessBuilder(
                            WORKLOAD.toString(), "-r", "200", "-o", String.valueOf(opens), "/etc/hostname")
                    .start();
            assertTrue(workload.waitFor(60, TimeUnit.SECONDS));
            long counted = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (counted < opens && System.nanoTime() < deadline) {
                Thread.sleep(500);
                counted = 0;
                for (String[] r : csvRows(Child.plain(fleet.printed()), "t,proc.name,opens")) {
                    assertEquals("sysql-workload", r[1]);
                    counted += Long.parseLong(r[2]);
                }
            }
            Thread.sleep(6000); // and no more than that comes
            counted = 0;
            for (String[] r : csvRows(Child.plain(fleet.printed()), "t,proc.name,opens")) {
                counted += Long.parseLong(r[2]);
            }
            assertEquals(opens, counted, fleet.printed());
            System.out.println("sysql fleet printed:\n" + fleet.printed());
            interrupt(fleet);
            assertTrue(fleet.process.waitFor(60, TimeUnit.SECONDS), "SIGINT did not stop sysql fleet");
            awaitText(agent, "stopped: ", 30);
        }
    }
}
