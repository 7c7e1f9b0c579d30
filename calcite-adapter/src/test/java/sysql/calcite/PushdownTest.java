// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sysql.calcite.TestConnections.explain;
import static sysql.calcite.TestConnections.rows;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Pushdown over a capture file: EXPLAIN shows the predicate the scan evaluates and the fields it reads (only the
 * referenced ones, whatever the query's shape), and a predicate evaluated in the scan keeps exactly the rows the
 * same predicate keeps when Calcite evaluates it above the scan.
 */
class PushdownTest extends CaptureFileTests {
    /** The fields of an EventsScan in EXPLAIN: {@code fields=[[a, evt.arg[1]]]} followed by {@code ,} or {@code )}. */
    private static final Pattern FIELDS = Pattern.compile("EventsScan\\(.*?fields=\\[\\[(.*?)]](?=[,)])");

    /**
     * The events with every column the predicates use, behind a LIMIT: Calcite does not push a filter through a
     * LIMIT, so over this the predicate is evaluated by Calcite's generated code, above the scan.
     */
    private static final String KEPT_ABOVE = "(SELECT *, evt.rawarg.res, evt.arg.fd FROM events LIMIT 1000000000)";

    /** Predicates the scan evaluates (libs_curl_google.scap: curl resolving and fetching google.com). */
    private static final List<String> PUSHED = List.of(
            "evt.type = 'open'",
            "evt.type <> 'open'",
            "'open' = evt.type",
            "fd.name <> '/etc/ld.so.cache'",
            "proc.pid < 17497",
            "evt.num <= 700",
            "evt.num > 700",
            "evt.num >= 1536",
            "fd.num <> 3",
            // IN, NOT IN, BETWEEN (Calcite's SEARCH over points and ranges)
            "fd.num IN (3, 4, 5)",
            "fd.num NOT IN (3, 4)",
            "fd.type IN ('file', 'ipv6')",
            "fd.type NOT IN ('file')",
            "evt.num BETWEEN 100 AND 200",
            "evt.num NOT BETWEEN 100 AND 1400",
            "fd.name BETWEEN '/etc' AND '/lib'",
            "fd.num IN (3, 4) OR fd.num IS NULL",
            "fd.num NOT IN (3, 4) OR fd.num IS NULL",
            "fd.name IN ('/etc/hosts', '/etc/resolv.conf') OR fd.name > '/usr'",
            // IS NULL
            "fd.name IS NULL",
            "fd.name IS NOT NULL",
            "evt.rawarg.res IS NULL",
            "evt.arg.fd IS NOT NULL",
            // LIKE, with % and _ and ESCAPE
            "fd.name LIKE '/lib/%'",
            "fd.name LIKE '%.so%'",
            "fd.name LIKE '%libc%'",
            "fd.name LIKE '%cache'",
            "fd.name LIKE '/etc/ld.so.c_che'",
            "fd.name LIKE '/lib/x86\\_64%' ESCAPE '\\'",
            "proc.name LIKE 'cur_'",
            "fd.name LIKE '%!%%' ESCAPE '!'",
            "fd.name LIKE '/etc/%.%'",
            "fd.name NOT LIKE '/lib%'",
            "fd.name LIKE '%'",
            "evt.args LIKE '%res=0%'",
            // OR, NOT
            "evt.type = 'open' OR fd.type = 'ipv6'",
            "evt.type = 'open' OR fd.num > 3",
            "NOT (evt.type = 'open' OR fd.num IS NULL)",
            "NOT (fd.name LIKE '/lib/%')",
            "(evt.type = 'read' AND fd.num = 3) OR (evt.type = 'close' AND evt.rawarg.res = 0)",
            // timestamps
            "evt.time >= TIMESTAMP '2018-08-17 17:35:46'",
            "evt.time < TIMESTAMP '2018-08-17 17:35:44.5'",
            "evt.time BETWEEN TIMESTAMP '2018-08-17 17:35:43' AND TIMESTAMP '2018-08-17 17:35:47'",
            "evt.time > TIMESTAMP '2018-08-17 17:35:46' OR evt.time IS NULL",
            // booleans
            "evt.failed",
            "NOT evt.failed",
            "evt.failed IS NOT TRUE",
            "evt.failed = FALSE",
            "evt.is_io",
            "evt.is_io_read IS FALSE",
            "evt.failed OR evt.is_io_write",
            // INTEGER and BIGINT columns against literals of other widths
            "fd.sport = 80",
            "fd.sport = CAST(80 AS BIGINT)",
            "fd.sport < 3000000000",
            "fd.sport IN (53, 80)",
            "fd.sport > 53.5",
            "fd.sport < 80.5",
            "fd.sport <> 80.5",
            "fd.cport > 0",
            "evt.rawarg.res = -2",
            "evt.res = 'ENOENT'",
            "CAST(fd.sport AS BIGINT) = 80",
            "CAST(proc.name AS VARCHAR) = 'curl'");

    /**
     * Predicates the scan must not evaluate, still right above it: their casts can change values (cut, pad,
     * overflow: Calcite compares a BIGINT with 99.9 as a DECIMAL(19, 1), which a 19-digit value overflows).
     */
    private static final List<String> NOT_PUSHED = List.of(
            "CAST(proc.name AS VARCHAR(3)) = 'cur'",
            "evt.num <= 99.9",
            "evt.num <> 99.5",
            "proc.pid = 17497.0",
            "CAST(fd.num AS INTEGER) = 3",
            "CAST(fd.name AS CHAR(12)) = '/etc/hosts  '",
            "TRIM(fd.name) LIKE '/etc/%'",
            "proc.pid + 0 = thread.tid",
            "CAST(proc.pid AS VARCHAR) = '17497'");

    private final long total;

    PushdownTest() throws Exception {
        super("libs_curl_google.scap");
        total = (Long) rows(c, "SELECT COUNT(*) FROM events").get(0).get(0);
    }

    /** The fields the events scan of a plan reads. */
    static List<String> fieldsRead(String plan) {
        Matcher m = FIELDS.matcher(plan);
        assertTrue(m.find(), plan);
        List<String> fields = Arrays.asList(m.group(1).split(", "));
        assertFalse(m.find(), "one events scan: " + plan);
        return fields;
    }

    /** The line of the events scan in a plan. */
    static String scanLine(String plan) {
        return plan.lines()
                .filter(l -> l.contains("EventsScan("))
                .findFirst()
                .orElseThrow(() -> new AssertionError(plan));
    }

    @Test
    void explainShowsThePushedFilterAndTheFieldsRead() throws SQLException {
        String plan = explain(c, "SELECT proc.name, fd.name FROM events WHERE fd.type = 'file' AND evt.dir = '<'");
        assertEquals(List.of("proc.name", "fd.name"), fieldsRead(plan));
        assertTrue(scanLine(plan).contains("filter=[(fd.type = 'file':VARCHAR) AND (evt.dir = '<':VARCHAR)]"), plan);
        assertEquals(1, plan.lines().filter(l -> !l.isBlank()).count(), "nothing above the scan: " + plan);
        assertTrue(scanLine(plan).contains("source=[file "), plan);
        assertFalse(plan.contains("kernel="), "no kernel filter for a file: " + plan);
    }

    @Test
    void onlyTheReferencedFieldsAreReadWhateverTheShape() throws SQLException {
        assertEquals(
                List.of("proc.name"),
                fieldsRead(explain(
                        c, "SELECT proc.name, COUNT(*) FROM events WHERE fd.type = 'file' GROUP BY proc.name")));
        assertEquals(1, fieldsRead(explain(c, "SELECT COUNT(*) FROM events")).size());
        assertEquals(
                1,
                fieldsRead(explain(c, "SELECT COUNT(*) FROM events WHERE evt.type = 'open'"))
                        .size());
        assertEquals(
                List.of("proc.name", "fd.name"),
                fieldsRead(explain(c, "SELECT proc.name FROM events WHERE TRIM(fd.name) LIKE '/etc/%'")));
        List<String> mixed = fieldsRead(explain(
                c,
                "SELECT evt.num FROM events"
                        + " WHERE fd.type = 'file' AND TRIM(fd.name) LIKE '/etc/%' AND proc.pid + 1 > thread.tid"));
        assertEquals(
                List.of("evt.num", "fd.name", "proc.pid", "thread.tid"),
                mixed.stream().sorted().toList());
        List<String> joined = fieldsRead(explain(
                c,
                "SELECT e.proc.name, p.proc.exe FROM events e"
                        + " JOIN processes p ON e.proc.pid = p.proc.pid WHERE e.evt.type = 'open'"));
        assertEquals(List.of("proc.name", "proc.pid"), joined.stream().sorted().toList());
        List<String> ordered = fieldsRead(explain(
                c,
                "SELECT evt.arg[1], evt.rawarg.res FROM events"
                        + " WHERE evt.arg.fd IS NOT NULL ORDER BY evt.time LIMIT 5"));
        assertEquals(
                List.of("evt.arg[1]", "evt.rawarg.res", "evt.time"),
                ordered.stream().sorted().toList());
    }

    /**
     * A filter over a window function's result is not pushed under the window: the window sees the rows before the
     * filter (the bottlenecks chisel's enter events, with no latency, numbered the exits it keeps). With the scan
     * a TableScan that the trimmer narrows, Filter(Project(OVER)(EventsScan)) was pushed into the scan.
     */
    @Test
    void aFilterAboveAWindowFunctionStaysAboveIt() throws SQLException {
        String sql = "SELECT num, n FROM (SELECT evt.num AS num, evt.dir AS dir, COUNT(*) OVER (PARTITION BY"
                + " thread.tid ORDER BY evt.num ROWS UNBOUNDED PRECEDING) AS n FROM events) WHERE dir = '<'";
        String plan = explain(c, sql);
        assertFalse(scanLine(plan).contains("filter="), plan);
        List<List<Object>> above = rows(c, sql + " ORDER BY num");
        List<List<Object>> whole = rows(
                c,
                "SELECT num, n FROM (SELECT evt.num AS num, evt.dir AS dir, COUNT(*) OVER (PARTITION BY thread.tid"
                        + " ORDER BY evt.num ROWS UNBOUNDED PRECEDING) AS n FROM " + KEPT_ABOVE
                        + ") WHERE dir = '<' ORDER BY num");
        assertEquals(whole, above);
        assertTrue(
                above.size() > 10 && above.stream().anyMatch(r -> ((Number) r.get(1)).longValue() > 2),
                above.toString());
    }

    @Test
    void mixedConjunctsPushWhatTheScanEvaluatesAndKeepTheRest() throws SQLException {
        String sql = "SELECT evt.num FROM events WHERE fd.type = 'file' AND TRIM(fd.name) LIKE '/etc/%'";
        String plan = explain(c, sql);
        assertTrue(scanLine(plan).contains("filter=[fd.type = 'file':VARCHAR]"), plan);
        assertTrue(plan.lines().anyMatch(l -> l.contains("EnumerableCalc") && l.contains("TRIM")), plan);
        assertEquals(
                rows(
                        c,
                        "SELECT evt.num FROM " + KEPT_ABOVE + " WHERE fd.type = 'file' AND TRIM(fd.name) LIKE"
                                + " '/etc/%'"),
                rows(c, sql));
    }

    @Test
    void theReferenceKeepsThePredicateAboveTheScan() throws SQLException {
        String plan = explain(c, "SELECT evt.num FROM " + KEPT_ABOVE + " WHERE evt.type = 'open' AND fd.num IN (3, 4)");
        assertFalse(scanLine(plan).contains("filter="), plan);
        assertTrue(plan.contains("EnumerableLimit"), plan);
    }

    @Test
    void aPushedPredicateKeepsTheRowsOfTheSamePredicateAboveTheScan() throws SQLException {
        List<String> failures = new ArrayList<>();
        int nonTrivial = 0;
        for (String p : PUSHED) {
            String pushed = "SELECT evt.num FROM events WHERE " + p;
            String kept = "SELECT evt.num FROM " + KEPT_ABOVE + " WHERE " + p;
            String pushedPlan = explain(c, pushed);
            if (!scanLine(pushedPlan).contains("filter=") || pushedPlan.contains("EnumerableCalc")) {
                failures.add(p + ": not pushed: " + pushedPlan);
                continue;
            }
            List<List<Object>> got = rows(c, pushed);
            List<List<Object>> want = rows(c, kept);
            if (!got.equals(want)) {
                failures.add(p + ": pushed " + got.size() + " rows, above " + want.size());
            }
            if (!want.isEmpty() && want.size() < total) {
                nonTrivial++;
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(nonTrivial > PUSHED.size() * 3 / 4, "predicates that keep some rows but not all: " + nonTrivial);
    }

    @Test
    void aPredicateWhoseCastChangesValuesStaysAboveTheScanAndIsRight() throws SQLException {
        for (String p : NOT_PUSHED) {
            String sql = "SELECT evt.num FROM events WHERE " + p;
            String plan = explain(c, sql);
            assertFalse(scanLine(plan).contains("filter="), p + " must not be pushed: " + plan);
            assertEquals(rows(c, "SELECT evt.num FROM " + KEPT_ABOVE + " WHERE " + p), rows(c, sql), p);
        }
        assertEquals(
                List.of(List.of(total - 315)),
                rows(
                        c, // every event but procinfo is curl's
                        "SELECT COUNT(*) FROM events WHERE CAST(proc.name AS VARCHAR(3)) = 'cur'"));
    }
}
