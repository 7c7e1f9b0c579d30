package sysql.capture.fields;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.scap.ScapFileSource;
import sysql.capture.state.CaptureFileState;
import sysql.capture.state.StateTracker;
import sysql.capture.state.ThreadTable;
import sysql.capture.state.Users;

/**
 * Differential test against sysdig 0.29.3: for every event of every test capture, the golden fields sysdig
 * printed (shared/testdata/scap-golden) against sysql's values, field by field, with the agreement rate.
 */
class GoldenFieldsTest {
    static final String[] GOLDEN = {"evt.num", "evt.rawtime", "evt.cpu", "proc.name", "proc.pid", "thread.tid",
        "proc.ppid", "proc.exe", "user.name", "container.id", "evt.dir", "evt.type", "evt.res", "fd.num", "fd.type",
        "fd.name", "fd.sip", "fd.sport", "fd.cip", "fd.cport", "fd.l4proto", "evt.args"};
    /** Fields that agree with sysdig on every event: any difference fails. */
    static final Set<String> REQUIRED = Set.of("evt.num", "evt.rawtime", "evt.cpu", "proc.name", "thread.tid",
            "proc.exe", "user.name", "evt.dir", "evt.type", "evt.res");
    /**
     * Fields still short of 100% (issue 3 closes the gaps): the agreement measured when they were written, as a
     * floor no change may fall below.
     */
    static final Map<String, Double> FLOOR = Map.ofEntries(Map.entry("proc.pid", 99.6), Map.entry("proc.ppid", 99.6),
            Map.entry("container.id", 99.6), Map.entry("fd.num", 99.9), Map.entry("fd.type", 99.9),
            Map.entry("fd.name", 98.7), Map.entry("fd.sip", 99.9), Map.entry("fd.sport", 99.9),
            Map.entry("fd.cip", 99.9), Map.entry("fd.cport", 98.0), Map.entry("fd.l4proto", 99.9),
            Map.entry("evt.args", 99.7));

    static Path shared() {
        for (Path p : List.of(Path.of("../../shared/testdata"), Path.of("../shared/testdata"))) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("shared/testdata not found from " + Path.of("").toAbsolutePath());
    }

    record Agreement(long equal, long total, List<String> examples) {}

    @Test
    void goldenFieldsAgreeWithSysdig() throws Exception {
        Map<String, long[]> perField = new LinkedHashMap<>();
        Map<String, List<String>> examples = new HashMap<>();
        for (String f : GOLDEN) {
            perField.put(f, new long[2]);
            examples.put(f, new ArrayList<>());
        }
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
            report.append(String.format("  %-14s %6.2f%% (%d/%d)%s%n", e.getKey(), pct, c[0], c[1],
                    examples.get(e.getKey()).isEmpty() ? "" : "  e.g. " + String.join("\n      ", examples.get(e.getKey()))));
            if (REQUIRED.contains(e.getKey()) && c[0] != c[1]) {
                failed.add(e.getKey());
            }
            Double floor = FLOOR.get(e.getKey());
            if (floor != null && pct < floor) {
                failed.add(e.getKey() + " below " + floor + "%");
            }
        }
        System.out.println(report);
        assertTrue(failed.isEmpty(), "fields that must agree do not: " + failed + "\n" + report);
    }

    private static void compare(Path scap, Path golden, Map<String, long[]> perField,
            Map<String, List<String>> examples) throws Exception {
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
        try (ScapFileSource src = ScapFileSource.open(scap); EventBatch batch = new EventBatch()) {
            ThreadTable threads = new ThreadTable(null);
            Users users = new Users();
            CaptureFileState.seed(src.initialState(), threads, users);
            EventContext ctx = new EventContext(new StateTracker(threads), users);
            Event e = new Event();
            long last = expected.lastKey();
            while (ctx.num() < last && src.fill(batch, 0)) {
                while (batch.next(e)) {
                    ctx.advance(e);
                    String[] want = expected.get(ctx.num());
                    if (want == null) {
                        continue;
                    }
                    for (int i = 0; i < GOLDEN.length; i++) {
                        String w = want[i].strip();
                        String got = fields[i] == null ? "(no such field)" : fields[i].format(ctx).strip();
                        long[] c = perField.get(GOLDEN[i]);
                        c[1]++;
                        if (w.equals(got)) {
                            c[0]++;
                        } else if (examples.get(GOLDEN[i]).size() < Integer.getInteger("golden.examples", 3)) {
                            examples.get(GOLDEN[i]).add(scap.getFileName() + "#" + ctx.num() + " sysdig=[" + w
                                    + "] sysql=[" + got + "]");
                        }
                    }
                }
            }
        }
    }
}
