// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.calcite.sql.MetricQueries;
import sysql.calcite.sql.SqlScript;
import sysql.testing.TestData;

/**
 * {@code sysql serve --metrics} over capture files, scraped at {@code /metrics}: the examples of
 * {@code sql-examples/metrics/} give, series by series, what the same statements give as plain GROUP BYs over the
 * file; the series cap drops and counts rows, stale series go, a wrong statement stops the start in one line, and
 * {@code /metrics} is behind the server's authentication.
 */
class SqlMetricsTest {
    private static final Path EXAMPLES = TestData.dir().getParent().resolve("sql-examples/metrics");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    @TempDir
    Path tmp;

    @BeforeAll
    static void drivers() throws Exception {
        Class.forName("sysql.jdbc.SysqlDriver");
    }

    /** A sample of the exposition: its name and labels (label names sorted). */
    private record Series(String name, Map<String, String> labels) {}

    @Test
    void theExamplesCountWhatTheirQueriesCountOverCaptureFiles() throws Exception {
        List<Path> examples;
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            examples = s.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
        }
        assertEquals(4, examples.size(), examples.toString());
        countsEqualTheQueries(examples, 4);
        // with 1-second windows, a series of the last file has rows of more than one window: a counter that took
        // the last row's value instead of adding them would differ from the query
        Path oneSecond = tmp.resolve("syscalls_1s.sql");
        Files.writeString(
                oneSecond, Files.readString(EXAMPLES.resolve("syscalls.sql")).replace("'5' SECOND", "'1' SECOND"));
        MetricQueries.Statement st = MetricQueries.read(oneSecond.toString(), Files.readString(oneSecond))
                .get(0);
        assertTrue(st.sql().contains("INTERVAL '1' SECOND"), st.sql());
        List<List<String>> rows = streamRows(TestData.scap("bencer_example4_example4-1.scap"), st);
        assertTrue(rows.size() > Set.copyOf(rows).size(), "no series of two windows: " + rows);
        countsEqualTheQueries(List.of(oneSecond), 1);
    }

    /** Over four capture files, the series of these files' statements are their statements' without windows. */
    private static void countsEqualTheQueries(List<Path> files, int statements) throws Exception {
        for (String capture : List.of(
                "libs_curl_google.scap",
                "bencer_example0_nginx.scap",
                "falco_cat_write.scap",
                "bencer_example4_example4-1.scap")) {
            Path file = TestData.scap(capture);
            try (SysqlServer server = serve(file, files, SqlMetrics.Settings.DEFAULTS)) {
                Map<Series, Double> scraped = scrapeWhenEnded(server, statements);
                int counters = 0;
                for (Path example : files) {
                    for (MetricQueries.Statement st :
                            MetricQueries.read(example.toString(), Files.readString(example))) {
                        Map<Series, Double> expected = withoutWindow(file, st);
                        for (Map.Entry<Series, Double> e : expected.entrySet()) {
                            MetricQueries.Column col = column(st, e.getKey().name());
                            if (col.role() == MetricQueries.Role.COUNTER) {
                                counters++;
                                assertEquals(
                                        e.getValue(),
                                        scraped.get(e.getKey()),
                                        capture + ": " + e.getKey() + " in\n" + scraped);
                            } else {
                                // a gauge holds the last window's value: at most the whole file's, for that series
                                Double v = scraped.get(e.getKey());
                                assertTrue(v != null && v <= e.getValue(), capture + ": " + e.getKey() + " " + v);
                            }
                        }
                        // and no series the query does not have
                        Set<String> names = new LinkedHashSet<>();
                        expected.keySet().forEach(k -> names.add(k.name()));
                        for (MetricQueries.Column c : st.columns()) {
                            if (c.name() != null) {
                                names.add(c.role() == MetricQueries.Role.COUNTER ? total(c.name()) : c.name());
                            }
                        }
                        long series = scraped.keySet().stream()
                                .filter(k -> names.contains(k.name()))
                                .count();
                        assertEquals(expected.size(), series, capture + ": " + names + " in\n" + scraped);
                    }
                }
                assertTrue(counters > 0, capture + ": no counter had a row");
            }
        }
    }

    /** The label values of each row the statement's stream gives over the file, in order. */
    private static List<List<String>> streamRows(Path file, MetricQueries.Statement st) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sysql:", engine(file));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(st.sql())) {
            while (rs.next()) {
                List<String> labels = new ArrayList<>();
                for (int i = 1; i <= st.columns().size(); i++) {
                    if (st.columns().get(i - 1).role() == MetricQueries.Role.LABEL) {
                        labels.add(rs.getString(i));
                    }
                }
                rows.add(labels);
            }
        }
        return rows;
    }

    @Test
    void theSeriesCapDropsAndCountsTheRowsPastIt() throws Exception {
        Path file = TestData.scap("libs_curl_google.scap");
        Path syscalls = EXAMPLES.resolve("syscalls.sql");
        MetricQueries.Statement st = MetricQueries.read(syscalls.toString(), Files.readString(syscalls))
                .get(0);
        // what the cap must keep: the first 3 label sets the stream's rows bring, in their order; the rest dropped
        List<List<String>> kept = new ArrayList<>();
        long droppedRows = 0;
        for (List<String> labels : streamRows(file, st)) {
            if (!kept.contains(labels)) {
                if (kept.size() == 3) {
                    droppedRows++;
                    continue;
                }
                kept.add(labels);
            }
        }
        assertTrue(droppedRows > 0, "the file has more than 3 series");
        try (SysqlServer server = serve(file, List.of(syscalls), new SqlMetrics.Settings(3, 300))) {
            Map<Series, Double> scraped = scrapeWhenEnded(server, 1);
            for (String name : List.of("sysql_syscalls_total", "sysql_syscall_latency_max_seconds")) {
                List<List<String>> series = scraped.keySet().stream()
                        .filter(k -> k.name().equals(name))
                        .map(k ->
                                List.of(k.labels().get("proc_name"), k.labels().get("evt_type")))
                        .toList();
                assertEquals(Set.copyOf(kept), Set.copyOf(series), name);
                assertEquals(
                        (double) droppedRows,
                        scraped.get(new Series(
                                "sysql_metrics_dropped_rows_total",
                                new TreeMap<>(Map.of("metric", name, "reason", "series_cap")))),
                        name + " in\n" + scraped);
            }
        }
    }

    @Test
    void aSeriesNoRowMovedForTheStaleTimeIsRemoved() throws Exception {
        Path file = TestData.scap("libs_curl_google.scap");
        try (SysqlServer server =
                serve(file, List.of(EXAMPLES.resolve("syscalls.sql")), new SqlMetrics.Settings(10_000, 1))) {
            scrapeWhenEnded(server, 1);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (true) {
                boolean any =
                        scrape(server).keySet().stream().anyMatch(k -> k.name().equals("sysql_syscalls_total"));
                if (!any) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    fail("the series are still there 20 s after the file's last row, with --metrics-stale 1");
                }
                Thread.sleep(200);
            }
        }
    }

    @Test
    void aStatementThatFailsAsItRunsIsCountedAndSaidWhyAndNotRunAgainOverAFile() throws Exception {
        Path m = tmp.resolve("m.sql");
        // prepares (the types are right) and fails on its first row: a division by zero
        Files.writeString(
                m,
                "\nSELECT STREAM proc.name, SUM(1 / (evt.num - evt.num)) AS boom_total FROM events\n"
                        + "GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name");
        try (SysqlServer server =
                serve(TestData.scap("falco_cat_write.scap"), List.of(m), SqlMetrics.Settings.DEFAULTS)) {
            Series failures =
                    new Series("sysql_metrics_statement_failures_total", new TreeMap<>(Map.of("statement", m + ":2")));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!scrape(server).containsKey(failures)) {
                if (System.nanoTime() > deadline) {
                    fail("no failure counted in 60 s: " + scrape(server));
                }
                Thread.sleep(100);
            }
            Map<Series, Double> samples = scrape(server);
            assertEquals(1.0, samples.get(failures), samples.toString());
            assertEquals(
                    0.0,
                    samples.get(
                            new Series("sysql_metrics_statement_up", new TreeMap<>(Map.of("statement", m + ":2")))));
            String why = server.metrics().failures().get(m + ":2");
            assertTrue(why != null && why.toLowerCase(java.util.Locale.ROOT).contains("zero"), String.valueOf(why));
            // over a capture file it is not run again (it would read the file again, and count twice): still one
            // failure after the time a live capture's statement waits before it runs again
            Thread.sleep(TimeUnit.SECONDS.toMillis(SqlMetrics.RETRY_SECONDS + 2));
            samples = scrape(server);
            assertEquals(1.0, samples.get(failures), samples.toString());
        }
    }

    @Test
    void aWrongStatementStopsTheStartInOneLine() throws Exception {
        Path file = TestData.scap("falco_cat_write.scap");
        refused(
                file,
                "SELECT STREAM proc.nam, COUNT(*) AS n_total FROM events\n"
                        + "GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.nam",
                "m.sql:1: ",
                "proc.nam");
        refused(
                file,
                "\nSELECT STREAM proc.name, MAX(proc.name) AS worst FROM events\n"
                        + "GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name",
                "m.sql:2: worst is VARCHAR, not a number",
                "");
        refused(
                file,
                "SELECT STREAM proc.name, COUNT(*) AS \"not-a-name\" FROM events\n"
                        + "GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name",
                "m.sql:1: not-a-name is no Prometheus metric name",
                "");
        refused(
                file,
                "SELECT STREAM proc.name, COUNT(*) AS n FROM events\n"
                        + "GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name",
                // the exposition adds _total to a counter: n_total, which the second file names a gauge
                "o.sql:1: n_total cannot be a metric",
                "conflicting",
                "SELECT STREAM proc.name, MAX(evt.latency) AS n_total FROM events\n"
                        + "GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name");
        SysqlServer.ServeException e = assertThrows(
                SysqlServer.ServeException.class,
                () -> serve(file, List.of(tmp.resolve("missing.sql")), SqlMetrics.Settings.DEFAULTS));
        assertEquals("cannot read the metrics file " + tmp.resolve("missing.sql") + ": no such file", e.getMessage());
    }

    @Test
    void metricsAreBehindTheServersAuthentication() throws Exception {
        Path users = tmp.resolve("users.properties");
        Files.writeString(users, "alice: alicepw,sysql\nbob: bobpw,other\n");
        Path file = TestData.scap("libs_curl_google.scap");
        try (SysqlServer server = SysqlServer.start(
                TestServers.basicAuth(users, ServerLimits.defaults(), engine(file)),
                List.of(EXAMPLES.resolve("syscalls.sql")),
                SqlMetrics.Settings.DEFAULTS)) {
            assertEquals(401, get(server, null).statusCode());
            assertEquals(401, get(server, "alice:wrong").statusCode());
            assertEquals(403, get(server, "bob:bobpw").statusCode());
            HttpResponse<String> ok = get(server, "alice:alicepw");
            assertEquals(200, ok.statusCode());
            assertTrue(ok.body().contains("# TYPE sysql_syscalls_total counter"), ok.body());
        }
        try (SysqlServer plain = serve(file, List.of(), SqlMetrics.Settings.DEFAULTS)) {
            HttpResponse<String> none = get(plain, null);
            assertEquals(404, none.statusCode());
            assertEquals(1, none.body().strip().lines().count(), none.body());
            assertTrue(none.body().contains("start it with --metrics FILE"), none.body());
        }
    }

    private void refused(Path file, String sql, String expected, String alsoExpected, String... otherFile)
            throws Exception {
        Path m = tmp.resolve("m.sql");
        Files.writeString(m, sql);
        List<Path> files = new ArrayList<>(List.of(m));
        if (otherFile.length > 0) {
            Path o = tmp.resolve("o.sql");
            Files.writeString(o, otherFile[0]);
            files.add(o);
        }
        SysqlServer.ServeException e =
                assertThrows(SysqlServer.ServeException.class, () -> serve(file, files, SqlMetrics.Settings.DEFAULTS));
        String message = e.getMessage().replace(tmp.toString() + "/", "");
        assertTrue(message.startsWith(expected) || message.contains(expected), message);
        assertTrue(message.contains(alsoExpected), message);
        assertEquals(1, message.lines().count(), message);
    }

    private static SysqlServer serve(Path file, List<Path> metrics, SqlMetrics.Settings settings)
            throws SysqlServer.ServeException {
        return SysqlServer.start(TestServers.loopback(ServerLimits.defaults(), engine(file)), metrics, settings);
    }

    private static Properties engine(Path file) {
        Properties engine = new Properties();
        engine.setProperty("file", file.toAbsolutePath().normalize().toString());
        return engine;
    }

    /** The samples once {@code statements} statements have ended (the file's last row is in). */
    private static Map<Series, Double> scrapeWhenEnded(SysqlServer server, int statements) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            Map<Series, Double> samples = scrape(server);
            // a failed statement's up is 0 too, until it runs again: say why it failed rather than what it misses
            assertEquals(Map.of(), server.metrics().failures(), "metric statements failed");
            assertFalse(
                    samples.keySet().stream().anyMatch(k -> k.name().equals("sysql_metrics_statement_failures_total")),
                    "a failure without its reason: " + samples);
            long ended = samples.entrySet().stream()
                    .filter(e -> e.getKey().name().equals("sysql_metrics_statement_up") && e.getValue() == 0)
                    .count();
            if (ended == statements) {
                return samples;
            }
            if (System.nanoTime() > deadline) {
                fail("the metric statements did not end over the file in 60 s: " + samples);
            }
            Thread.sleep(100);
        }
    }

    private static Map<Series, Double> scrape(SysqlServer server) throws Exception {
        HttpResponse<String> r = get(server, null);
        assertEquals(200, r.statusCode(), r.body());
        Map<Series, Double> out = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), line);
            Map<String, String> labels = new TreeMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(
                            l.group(1),
                            l.group(2)
                                    .replace("\\n", "\n")
                                    .replace("\\\"", "\"")
                                    .replace("\\\\", "\\"));
                }
            }
            assertFalse(out.containsKey(new Series(m.group(1), labels)), "twice: " + line);
            out.put(new Series(m.group(1), labels), Double.parseDouble(m.group(3)));
        }
        return out;
    }

    private static HttpResponse<String> get(SysqlServer server, String userPassword) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + "/metrics"));
        if (userPassword != null) {
            b.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * What the statement gives over the whole file without its window, a series per sample and label set: a
     * counter's sum over the windows, a gauge's bound.
     */
    private static Map<Series, Double> withoutWindow(Path file, MetricQueries.Statement st) throws Exception {
        String sql = SqlScript.statements(st.sql())
                .get(0)
                .replaceFirst("(?i)SELECT STREAM", "SELECT")
                .replaceAll("TUMBLE\\(evt\\.time, INTERVAL '\\d+' SECOND\\),\\s*", "");
        assertFalse(sql.contains("TUMBLE"), sql);
        Map<Series, Double> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sysql:", engine(file));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, String> labels = new TreeMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    if (st.columns().get(i - 1).role() == MetricQueries.Role.LABEL) {
                        String v = rs.getString(i);
                        labels.put(SqlMetrics.labelName(md.getColumnLabel(i)), v == null ? "" : v);
                    }
                }
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    MetricQueries.Column col = st.columns().get(i - 1);
                    if (col.role() != MetricQueries.Role.COUNTER && col.role() != MetricQueries.Role.GAUGE) {
                        continue;
                    }
                    double v = rs.getDouble(i);
                    if (!rs.wasNull()) {
                        String name = col.role() == MetricQueries.Role.COUNTER ? total(col.name()) : col.name();
                        out.put(new Series(name, labels), v);
                    }
                }
            }
        }
        return out;
    }

    private static MetricQueries.Column column(MetricQueries.Statement st, String sample) {
        return st.columns().stream()
                .filter(c -> c.name() != null
                        && (c.name().equals(sample) || total(c.name()).equals(sample)))
                .findFirst()
                .orElseThrow();
    }

    private static String total(String counter) {
        return counter.replaceAll("_total$", "") + "_total";
    }
}
