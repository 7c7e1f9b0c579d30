package sysql.capture.fields;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.scap.ScapFileSource;
import sysql.capture.state.CaptureFileState;
import sysql.capture.state.StateTracker;
import sysql.capture.state.ThreadTable;
import sysql.capture.state.Users;

/**
 * Differential test of the proc, thread, user, group, container and fd classes: runs the installed sysdig
 * 0.29.3 on every test capture it can read and compares each field, event by event, with sysql's value;
 * prints the agreement per field and holds each field to the agreement measured when it was written.
 */
class SysdigStateFieldsTest {
    private static final String SEP = "#|#";

    /** Field → lowest agreement (%) allowed. 100 means every event must agree. */
    static final Map<String, Double> FLOOR = new LinkedHashMap<>();

    static {
        // Measured when each field was written (issue 3 raises them to 100%): proc/thread/user/group fields
        // differ from sysdig 0.29.3 where it keeps threads sysql does not (or the reverse), on nchilds and
        // fdopencount counting, on group.gid (sysdig 0.29.3 prints a 64-bit read of a 32-bit gid), cgroup names
        // and container names from container metadata events; fd fields where sysdig names descriptors it
        // has no table entry for, and on accept's server/local roles.
        FLOOR.put("proc.exepath", 81.22);
        FLOOR.put("proc.cmdline", 100.00);
        FLOOR.put("proc.cwd", 82.33);
        FLOOR.put("proc.args", 99.62);
        FLOOR.put("proc.exeline", 100.00);
        FLOOR.put("proc.pname", 96.68);
        FLOOR.put("proc.pcmdline", 96.68);
        FLOOR.put("proc.aname[2]", 100.00);
        FLOOR.put("proc.apid[2]", 100.00);
        FLOOR.put("proc.loginshellid", 100.00);
        FLOOR.put("proc.nthreads", 99.62);
        FLOOR.put("proc.nchilds", 66.38);
        FLOOR.put("proc.fdlimit", 98.79);
        FLOOR.put("proc.fdopencount", 84.67);
        FLOOR.put("proc.vmsize", 99.38);
        FLOOR.put("proc.vmrss", 98.58);
        FLOOR.put("proc.vmswap", 99.62);
        FLOOR.put("thread.pfmajor", 99.62);
        FLOOR.put("thread.pfminor", 94.92);
        FLOOR.put("thread.ismain", 99.62);
        FLOOR.put("thread.vtid", 83.99);
        FLOOR.put("proc.vpid", 83.99);
        FLOOR.put("thread.vmsize", 99.38);
        FLOOR.put("thread.vmrss", 98.58);
        FLOOR.put("thread.cgroups", 69.64);
        FLOOR.put("proc.sid", 99.62);
        FLOOR.put("proc.vpgid", 99.62);
        FLOOR.put("proc.tty", 85.82);
        FLOOR.put("proc.duration", 100.00);
        FLOOR.put("user.uid", 99.62);
        FLOOR.put("user.homedir", 100.00);
        FLOOR.put("user.shell", 100.00);
        FLOOR.put("user.loginuid", 99.62);
        FLOOR.put("user.loginname", 100.00);
        FLOOR.put("group.gid", 64.62);
        FLOOR.put("group.name", 100.00);
        FLOOR.put("container.name", 90.95);
        FLOOR.put("fd.typechar", 96.73);
        FLOOR.put("fd.directory", 99.19);
        FLOOR.put("fd.filename", 99.95);
        FLOOR.put("fd.lip", 99.28);
        FLOOR.put("fd.rip", 99.28);
        FLOOR.put("fd.lport", 99.06);
        FLOOR.put("fd.rport", 99.06);
        FLOOR.put("fd.sockfamily", 100.00);
        FLOOR.put("fd.is_server", 84.40);
        FLOOR.put("fd.uid", 96.73);
        FLOOR.put("fd.containername", 83.93);
        FLOOR.put("fd.containerdirectory", 88.41);
        FLOOR.put("fd.connected", 85.63);
        FLOOR.put("fd.dev", 83.04);
        FLOOR.put("fd.dev.major", 83.04);
        FLOOR.put("fd.dev.minor", 83.04);
    }

    static Path sysdig() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "sysdig");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        fail("sysdig is not installed: scripts/install-deps.sh installs it (apt-get install --no-install-recommends "
                + "sysdig); the differential tests need it as their oracle");
        return null;
    }

    @Test
    void stateFieldsAgreeWithSysdig() throws Exception {
        Path sysdig = sysdig();
        Path dir = GoldenFieldsTest.shared().resolve("scap");
        Map<String, long[]> agree = new LinkedHashMap<>();
        Map<String, List<String>> examples = new HashMap<>();
        for (String f : FLOOR.keySet()) {
            agree.put(f, new long[2]);
            examples.put(f, new ArrayList<>());
        }
        List<String> fields = new ArrayList<>(FLOOR.keySet());
        try (var files = Files.list(dir)) {
            for (Path scap : files.sorted().toList()) {
                String name = scap.getFileName().toString();
                if (name.contains("comments") || name.contains("storm")) {
                    continue; // sysdig 0.29.3 cannot read the first; the second is large (reader tests cover it)
                }
                compareFile(sysdig, scap, fields, agree, examples);
            }
        }
        StringBuilder report = new StringBuilder("agreement with sysdig per field:\n");
        List<String> failed = new ArrayList<>();
        for (var e : agree.entrySet()) {
            long[] c = e.getValue();
            double pct = c[1] == 0 ? 100 : 100.0 * c[0] / c[1];
            report.append(String.format("  %-22s %6.2f%% (%d/%d)%s%n", e.getKey(), pct, c[0], c[1],
                    examples.get(e.getKey()).isEmpty() ? "" : "  e.g. " + examples.get(e.getKey()).get(0)));
            if (pct < FLOOR.get(e.getKey())) {
                failed.add(e.getKey() + " " + String.format("%.2f", pct) + "% < " + FLOOR.get(e.getKey()) + "%");
            }
        }
        System.out.println(report);
        assertTrue(failed.isEmpty(), "fields below their floor: " + failed + "\n" + report);
    }

    private static void compareFile(Path sysdig, Path scap, List<String> fields, Map<String, long[]> agree,
            Map<String, List<String>> examples) throws Exception {
        StringBuilder fmt = new StringBuilder("*%evt.num");
        for (String f : fields) {
            fmt.append(SEP).append('%').append(f);
        }
        Process p = new ProcessBuilder(sysdig.toString(), "-r", scap.toString(), "-p", fmt.toString())
                .redirectErrorStream(true).start();
        Map<Long, String[]> expected = new HashMap<>();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "sysdig did not finish on " + scap);
        for (String line : out.split("\n")) {
            String[] cols = line.split(java.util.regex.Pattern.quote(SEP), -1);
            if (cols.length != fields.size() + 1) {
                continue;
            }
            try {
                expected.put(Long.parseLong(cols[0].trim()), cols);
            } catch (NumberFormatException e) {
                // not an event line
            }
        }
        if (expected.isEmpty()) {
            return;
        }
        Field[] fs = new Field[fields.size()];
        for (int i = 0; i < fs.length; i++) {
            fs[i] = FieldCatalog.get(fields.get(i));
            if (fs[i] == null) {
                fail("field " + fields.get(i) + " is not in the catalog");
            }
        }
        long last = expected.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
        try (ScapFileSource src = ScapFileSource.open(scap); EventBatch batch = new EventBatch()) {
            ThreadTable threads = new ThreadTable(null);
            Users users = new Users();
            CaptureFileState.seed(src.initialState(), threads, users);
            EventContext ctx = new EventContext(new StateTracker(threads), users);
            Event e = new Event();
            while (ctx.num() < last && src.fill(batch, 0)) {
                while (batch.next(e)) {
                    ctx.advance(e);
                    String[] want = expected.get(ctx.num());
                    if (want == null) {
                        continue;
                    }
                    for (int i = 0; i < fs.length; i++) {
                        String w = want[i + 1].strip();
                        String got = fs[i].format(ctx).strip();
                        long[] c = agree.get(fields.get(i));
                        c[1]++;
                        if (w.equals(got)) {
                            c[0]++;
                        } else if (examples.get(fields.get(i)).size() < 3) {
                            examples.get(fields.get(i)).add(scap.getFileName() + "#" + ctx.num() + " sysdig=[" + w
                                    + "] sysql=[" + got + "]");
                        }
                    }
                }
            }
        }
    }
}
