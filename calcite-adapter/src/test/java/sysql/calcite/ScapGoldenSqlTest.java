// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SQL over every test capture against what sysdig 0.29.3 printed for it (testdata/scap-golden): a filter
 * and a GROUP BY computed by sysql, through {@code TABLE(scap_file('...'))} and through a connection whose
 * {@code events} is the file, must equal the same counts computed here from sysdig's lines.
 */
class ScapGoldenSqlTest extends CaptureFileTests {
    /** The columns of the golden files, in order (the testdata README's {@code sysdig -p} format). */
    private static final List<String> GOLDEN = List.of(
            "evt.num",
            "evt.rawtime",
            "evt.cpu",
            "proc.name",
            "proc.pid",
            "thread.tid",
            "proc.ppid",
            "proc.exe",
            "user.name",
            "container.id",
            "evt.dir",
            "evt.type",
            "evt.res",
            "fd.num",
            "fd.type",
            "fd.name",
            "fd.sip",
            "fd.sport",
            "fd.cip",
            "fd.cport",
            "fd.l4proto",
            "evt.args");

    /**
     * sysdig prints no internal events (procinfo, container...); sysql's events table has them. Their names
     * are read from {@code event_types} once; a literal list is pushed into the scan.
     */
    private final String notInternal;

    /** One count by some columns over the events a filter keeps, as SQL and as a test over golden lines. */
    private record Count(String name, List<String> keys, String where, Predicate<Map<String, String>> keep) {
        String sql(String from, String notInternal) {
            String k = String.join(", ", keys);
            return "SELECT " + k + ", COUNT(*) FROM " + from + " WHERE " + where + " AND " + notInternal + " GROUP BY "
                    + k;
        }
    }

    private static final List<Count> COUNTS = List.of(
            new Count(
                    "exits per process and type",
                    List.of("proc.name", "evt.type"),
                    "evt.dir = '<'",
                    e -> "<".equals(e.get("evt.dir"))),
            new Count(
                    "file events per name",
                    List.of("fd.name"),
                    "fd.type = 'file'",
                    e -> "file".equals(e.get("fd.type"))),
            new Count(
                    "failures per type and result",
                    List.of("evt.type", "evt.res"),
                    "evt.dir = '<' AND evt.res <> 'SUCCESS'",
                    e -> "<".equals(e.get("evt.dir"))
                            && e.get("evt.res") != null
                            && !"SUCCESS".equals(e.get("evt.res"))),
            new Count(
                    "socket events per server end",
                    List.of("fd.l4proto", "fd.sip", "fd.sport"),
                    "fd.sport IS NOT NULL",
                    e -> e.get("fd.sport") != null),
            new Count(
                    "events per thread",
                    List.of("proc.pid", "thread.tid", "user.name", "container.id"),
                    "proc.pid > 1",
                    e -> e.get("proc.pid") != null && Long.parseLong(e.get("proc.pid")) > 1));

    ScapGoldenSqlTest() throws Exception {
        super("falco_syscall.scap");
        List<String> internal =
                TestConnections.rows(c, "SELECT DISTINCT name FROM event_types WHERE category = 'internal'").stream()
                        .map(r -> "'" + r.get(0) + "'")
                        .toList();
        assertTrue(internal.contains("'procinfo'"), internal.toString());
        notInternal = "evt.type NOT IN (" + String.join(", ", internal) + ")";
    }

    static List<Path> goldenFiles() throws IOException {
        try (Stream<Path> s = Files.list(TestConnections.shared().resolve("scap-golden"))) {
            return s.filter(p -> p.toString().endsWith(".psv")).sorted().toList();
        }
    }

    /** The capture a golden file was printed from. */
    static String captureOf(Path golden) {
        return golden.getFileName().toString().replace(".psv", ".scap");
    }

    /**
     * The golden lines of a capture. libs_curl_google_comments.scap is libs_curl_google.scap re-saved with a
     * header comment, which sysdig 0.29.3 cannot read (its golden file is empty): it must give the original's.
     */
    static List<Map<String, String>> goldenEvents(String capture) throws IOException {
        String base = capture.equals("libs_curl_google_comments.scap") ? "libs_curl_google.scap" : capture;
        Path golden = TestConnections.shared().resolve("scap-golden").resolve(base.replace(".scap", ".psv"));
        return Files.readAllLines(golden).stream().map(ScapGoldenSqlTest::parse).toList();
    }

    private static Map<String, String> parse(String line) {
        String[] cols = line.split("\\|", GOLDEN.size());
        Map<String, String> e = new HashMap<>();
        for (int i = 0; i < GOLDEN.size(); i++) {
            e.put(GOLDEN.get(i), cols[i].equals("<NA>") ? null : cols[i]);
        }
        return e;
    }

    /** The counts by key computed from sysdig's lines. */
    private static Map<List<String>, Long> expected(List<Map<String, String>> events, Count count) {
        Map<List<String>, Long> m = new HashMap<>();
        for (Map<String, String> e : events) {
            if (count.keep().test(e)) {
                m.merge(Arrays.asList(count.keys().stream().map(e::get).toArray(String[]::new)), 1L, Long::sum);
            }
        }
        return m;
    }

    /**
     * The counts by key from SQL (keys as text, as sysdig prints them). A thread sysdig knows nothing of is
     * named {@code <NA>} in its state as in sysql's: that name and NULL both print as sysdig's {@code <NA>}.
     */
    private static Map<List<String>, Long> actual(Connection c, String sql) throws SQLException {
        Map<List<String>, Long> m = new HashMap<>();
        for (List<Object> row : TestConnections.rows(c, sql)) {
            String[] key = new String[row.size() - 1];
            for (int i = 0; i < key.length; i++) {
                key[i] = row.get(i) == null || "<NA>".equals(row.get(i)) ? null : String.valueOf(row.get(i));
            }
            Long previous = m.put(Arrays.asList(key), ((Number) row.get(key.length)).longValue());
            assertTrue(previous == null, "one row per group: " + Arrays.asList(key));
        }
        return m;
    }

    @Test
    void filterAndGroupByOverScapFileEqualsSysdig() throws Exception {
        long compared = 0;
        for (Path golden : goldenFiles()) {
            String capture = captureOf(golden);
            List<Map<String, String>> events = goldenEvents(capture);
            String path =
                    TestConnections.scap(capture).toAbsolutePath().toString().replace("'", "''");
            try (Connection fileConnection = TestConnections.file(capture)) {
                for (Count count : COUNTS) {
                    Map<List<String>, Long> want = expected(events, count);
                    String label = capture + ", " + count.name();
                    assertEquals(
                            want,
                            actual(c, count.sql("TABLE(scap_file('" + path + "'))", notInternal)),
                            label + " through scap_file");
                    assertEquals(
                            want, actual(fileConnection, count.sql("events", notInternal)), label + " through events");
                    compared +=
                            want.values().stream().mapToLong(Long::longValue).sum();
                }
                assertEquals(
                        List.of(List.of((long) events.size())),
                        TestConnections.rows(fileConnection, "SELECT COUNT(*) FROM events WHERE " + notInternal),
                        capture + ": events sysdig prints");
            }
        }
        assertTrue(compared > 10_000, "events counted: " + compared);
    }

    @Test
    void theGoldenFilesCoverEveryTestCaptureButTheLargeOne() throws IOException {
        List<String> captures =
                goldenFiles().stream().map(ScapGoldenSqlTest::captureOf).toList();
        try (Stream<Path> s = Files.list(TestConnections.shared().resolve("scap"))) {
            List<String> all = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".scap"))
                    .sorted()
                    .toList();
            assertEquals(all, captures);
        }
    }
}
