// SPDX-License-Identifier: Apache-2.0
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
 * prints the agreement per field. Every field must agree on every event, but for the few where sysdig prints
 * uninitialized memory (see {@link #FLOOR}).
 */
class SysdigStateFieldsTest {
    private static final String SEP = "#|#";
    private static final String END = "#$#";

    /** Field → lowest agreement (%) allowed. 100 means every event must agree. */
    static final Map<String, Double> FLOOR = new LinkedHashMap<>();

    static {
        for (String f : new String[] {
            "proc.exepath",
            "proc.cmdline",
            "proc.cwd",
            "proc.args",
            "proc.exeline",
            "proc.pname",
            "proc.pcmdline",
            "proc.env",
            "proc.aname[2]",
            "proc.apid[2]",
            "proc.loginshellid",
            "proc.nthreads",
            "proc.nchilds",
            "proc.fdlimit",
            "proc.fdopencount",
            "proc.vmsize",
            "proc.vmrss",
            "proc.vmswap",
            "thread.pfmajor",
            "thread.pfminor",
            "thread.ismain",
            "thread.vtid",
            "proc.vpid",
            "thread.vmsize",
            "thread.vmrss",
            "thread.cgroups",
            "proc.sid",
            "proc.vpgid",
            "proc.tty",
            "proc.duration",
            "user.uid",
            "user.homedir",
            "user.shell",
            "user.loginuid",
            "user.loginname",
            "group.gid",
            "group.name",
            "container.name",
            "fd.typechar",
            "fd.directory",
            "fd.filename",
            "fd.lip",
            "fd.rip",
            "fd.lport",
            "fd.rport",
            "fd.sockfamily",
            "fd.is_server",
            "fd.uid",
            "fd.containername",
            "fd.containerdirectory",
            "fd.connected",
            "fd.cproto",
            "fd.sproto",
            "fd.lproto",
            "fd.rproto",
            "fd.cip.name",
            "fd.sip.name",
            "fd.lip.name",
            "fd.rip.name",
            "fd.name_changed",
            "fdlist.nums",
            "fdlist.names",
            "fdlist.cips",
            "fdlist.sips",
            "fdlist.cports",
            "fdlist.sports",
            "container.image",
            "container.image.id",
            "container.type",
            "container.privileged",
            "container.mounts",
            "container.image.repository",
            "container.image.tag",
            "container.image.digest",
            "container.healthcheck",
            "container.liveness_probe",
            "container.readiness_probe",
            "container.mount[0]",
            "container.mount[1]",
            "container.mount[/var/lib/docker/*]",
            "container.mount.source[0]",
            "container.mount.source[/var/lib/mysql]",
            "container.mount.dest[0]",
            "container.mount.dest[/var/lib/docker/volumes/*]",
            "container.mount.mode[0]",
            "container.mount.rdwr[0]",
            "container.mount.rdwr[*_data]",
            "container.mount.propagation[0]"
        }) {
            FLOOR.put(f, 100.0);
        }
        // sysdig 0.29.3 never sets the device of a descriptor an event creates (socket, accept, pipe...): it prints
        // whatever its stack held there, a different number on every run. sysql shows 0, as for any non-file.
        FLOOR.put("fd.dev", 96.9);
        FLOOR.put("fd.dev.major", 96.9);
        FLOOR.put("fd.dev.minor", 96.9);
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
            report.append(String.format(
                    "  %-40s %6.2f%% (%d/%d)%s%n",
                    e.getKey(),
                    pct,
                    c[0],
                    c[1],
                    examples.get(e.getKey()).isEmpty()
                            ? ""
                            : "  e.g. " + examples.get(e.getKey()).get(0)));
            if (pct < FLOOR.get(e.getKey())) {
                failed.add(e.getKey() + " " + String.format("%.2f", pct) + "% < " + FLOOR.get(e.getKey()) + "%");
            }
        }
        System.out.println(report);
        assertTrue(failed.isEmpty(), "fields below their floor: " + failed + "\n" + report);
    }

    /**
     * sysdig's value as it means it. One known defect of sysdig 0.29.3 is undone: it reads group.gid, a 32-bit
     * field, as 64 bits, so the number it prints carries the next field of its thread record (the thread count)
     * in the high half; the group id is the low 32 bits.
     */
    static String sysdigValue(String field, String value) {
        if (field.equals("group.gid") && !value.equals("<NA>")) {
            return Long.toString(Long.parseLong(value) & 0xffffffffL);
        }
        return value;
    }

    @SuppressWarnings("OrphanedFormatString") // a sysdig -p format (%field), not a printf one
    private static void compareFile(
            Path sysdig, Path scap, List<String> fields, Map<String, long[]> agree, Map<String, List<String>> examples)
            throws Exception {
        StringBuilder fmt = new StringBuilder("*%evt.num");
        for (String f : fields) {
            fmt.append(SEP).append('%').append(f);
        }
        fmt.append(END); // a record ends here: some values (fdlist.names) hold newlines
        Process p = new ProcessBuilder(sysdig.toString(), "-r", scap.toString(), "-p", fmt.toString())
                .redirectErrorStream(true)
                .start();
        Map<Long, String[]> expected = new HashMap<>();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "sysdig did not finish on " + scap);
        for (String line : out.split(java.util.regex.Pattern.quote(END + "\n"))) {
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
        try (ScapFileSource src = ScapFileSource.open(scap);
                EventBatch batch = new EventBatch()) {
            ThreadTable threads = new ThreadTable(null);
            Users users = new Users();
            CaptureFileState.seed(src.initialState(), threads, users);
            EventContext ctx = new EventContext(new StateTracker(threads), users);
            Event e = new Event();
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
                    for (int i = 0; i < fs.length; i++) {
                        String w = sysdigValue(fields.get(i), want[i + 1].strip());
                        String got = fs[i].format(ctx).strip();
                        long[] c = agree.get(fields.get(i));
                        c[1]++;
                        if (w.equals(got)) {
                            c[0]++;
                        } else if (examples.get(fields.get(i)).size() < 3) {
                            examples.get(fields.get(i))
                                    .add(scap.getFileName() + "#" + ctx.num() + " sysdig=[" + w + "] sysql=[" + got
                                            + "]");
                        }
                    }
                }
            }
        }
    }
}
