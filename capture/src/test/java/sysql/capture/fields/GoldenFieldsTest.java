// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.scap.ScapFileSource;
import sysql.capture.state.CaptureFileState;
import sysql.capture.state.StateTracker;
import sysql.capture.state.ThreadTable;
import sysql.capture.state.Users;
import sysql.testing.TestData;

/**
 * Differential test against sysdig 0.29.3: for every event of every test capture, the golden fields sysdig
 * printed (testdata/scap-golden) against sysql's values, field by field, with the agreement rate. Every
 * golden field must agree on every event: any difference fails.
 */
class GoldenFieldsTest {
    static final String[] GOLDEN = {
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
        "evt.args"
    };

    static Path shared() {
        return TestData.dir();
    }

    /** Per golden field: {agreeing events, compared events}. */
    private static Map<String, long[]> counters() {
        Map<String, long[]> perField = new LinkedHashMap<>();
        for (String f : GOLDEN) {
            perField.put(f, new long[2]);
        }
        return perField;
    }

    /** Per golden field: the first differences, as examples. */
    private static Map<String, List<String>> exampleLists() {
        Map<String, List<String>> examples = new HashMap<>();
        for (String f : GOLDEN) {
            examples.put(f, new ArrayList<>());
        }
        return examples;
    }

    @Test
    void goldenFieldsAgreeWithSysdig() throws Exception {
        Map<String, long[]> perField = counters();
        Map<String, List<String>> examples = exampleLists();
        Path dir = shared();
        try (var files = Files.list(dir.resolve("scap-golden"))) {
            for (Path golden : files.sorted().toList()) {
                String base = golden.getFileName().toString().replace(".psv", ".scap");
                compare(dir.resolve("scap").resolve(base), golden, perField, examples);
            }
        }
        StringBuilder report = new StringBuilder("agreement with sysdig per field:\n");
        List<String> failed = new ArrayList<>();
        for (var e : perField.entrySet()) {
            long[] c = e.getValue();
            double pct = c[1] == 0 ? 100 : 100.0 * c[0] / c[1];
            report.append(String.format(
                    "  %-14s %6.2f%% (%d/%d)%s%n",
                    e.getKey(),
                    pct,
                    c[0],
                    c[1],
                    examples.get(e.getKey()).isEmpty()
                            ? ""
                            : "  e.g. " + String.join("\n      ", examples.get(e.getKey()))));
            if (c[0] != c[1]) {
                failed.add(e.getKey());
            }
        }
        System.out.println(report);
        assertTrue(failed.isEmpty(), "golden fields that differ from sysdig: " + failed + "\n" + report);
    }

    /**
     * libs_curl_google_comments.scap is libs_curl_google.scap re-saved with a comment option in its section header;
     * sysdig 0.29.3 cannot read it (its golden file is empty), so it must give the original's golden fields.
     */
    @Test
    void commentedCaptureGivesTheOriginalsGoldenFields() throws Exception {
        Map<String, long[]> perField = counters();
        Map<String, List<String>> examples = exampleLists();
        Path dir = shared();
        compare(
                dir.resolve("scap").resolve("libs_curl_google_comments.scap"),
                dir.resolve("scap-golden").resolve("libs_curl_google.psv"),
                perField,
                examples);
        long events = perField.get("evt.num")[1];
        assertTrue(events > 1000, "events compared: " + events);
        for (var e : perField.entrySet()) {
            assertTrue(e.getValue()[0] == e.getValue()[1], e.getKey() + " differs: " + examples.get(e.getKey()));
        }
    }

    private static void compare(
            Path scap, Path golden, Map<String, long[]> perField, Map<String, List<String>> examples) throws Exception {
        TreeMap<Long, String[]> expected = new TreeMap<>();
        for (String line : Files.readAllLines(golden)) {
            String[] cols = line.split("\\|", GOLDEN.length);
            expected.put(Long.parseLong(cols[0]), cols);
        }
        if (expected.isEmpty()) {
            return;
        }
        Field[] fields = new Field[GOLDEN.length];
        for (int i = 0; i < GOLDEN.length; i++) {
            fields[i] = FieldCatalog.get(GOLDEN[i]);
        }
        try (ScapFileSource src = ScapFileSource.open(scap);
                EventBatch batch = new EventBatch()) {
            ThreadTable threads = new ThreadTable(null);
            Users users = new Users();
            CaptureFileState.seed(src.initialState(), threads, users);
            EventContext ctx = new EventContext(new StateTracker(threads), users);
            Event e = new Event();
            long last = expected.lastKey();
            while (ctx.num() < last && src.fill(batch, 0)) {
                while (batch.next(e)) {
                    ctx.advance(e);
                    if (!ctx.isRow()) {
                        continue;
                    }
                    String[] want = expected.get(ctx.num());
                    if (want == null) {
                        continue;
                    }
                    for (int i = 0; i < GOLDEN.length; i++) {
                        String w = want[i].strip();
                        String got = fields[i] == null
                                ? "(no such field)"
                                : fields[i].format(ctx).strip();
                        long[] c = perField.get(GOLDEN[i]);
                        c[1]++;
                        if (w.equals(got)) {
                            c[0]++;
                        } else if (examples.get(GOLDEN[i]).size() < Integer.getInteger("golden.examples", 3)) {
                            examples.get(GOLDEN[i])
                                    .add(scap.getFileName() + "#" + ctx.num() + " sysdig=[" + w + "] sysql=[" + got
                                            + "]");
                        }
                    }
                }
            }
        }
    }
}
