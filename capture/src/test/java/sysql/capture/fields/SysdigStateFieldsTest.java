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
            "container.mount.propagation[0]",
            "thread.exectime",
            "thread.totexectime",
            "thread.cgroup.cpuset",
            "thread.cgroup.memory",
            "thread.cgroup.pids",
            "thread.cgroup.rdma",
            "proc.sname",
            "proc.fdusage",
            "proc.is_exe_writable",
            "proc.is_container_healthcheck",
            "proc.is_container_liveness_probe",
            "proc.is_container_readiness_probe"
        }) {
            FLOOR.put(f, 100.0);
        }
        // sysdig 0.29.3 never sets the device of a descriptor an event creates (socket, accept, pipe...): it prints
        // whatever its stack held there, a different number on every run. sysql shows 0, as for any non-file.
        FLOOR.put("fd.dev", 96.9);
        FLOOR.put("fd.dev.major", 96.9);
        FLOOR.put("fd.dev.minor", 96.9);
    }

    /**
     * Fields with values on events sysdig hides by default (procinfo) or on few events (switch), compared on
     * every capture, the large one included: sysdig runs with -D (internal events shown) on the procinfo and
     * switch events only. Both kinds of fields keep state as sysdig's extractors do (the thread's previous CPU
     * ticks; the time of each CPU's previous switch), which the other events do not change.
     */
    static final List<String> SCHED_FIELDS =
            List.of("thread.cpu", "thread.cpu.user", "thread.cpu.system", "thread.exectime", "thread.totexectime");

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
                compareFile(sysdig, scap, fields, agree, examples, List.of());
            }
        }
        Map<String, Double> floors = new HashMap<>(FLOOR);
        assertAgreement(agree, examples, floors);
    }

    @Test
    void schedulerAndCpuFieldsAgreeWithSysdig() throws Exception {
        Path sysdig = sysdig();
        Path dir = GoldenFieldsTest.shared().resolve("scap");
        Map<String, long[]> agree = new LinkedHashMap<>();
        Map<String, List<String>> examples = new HashMap<>();
        Map<String, Double> floors = new HashMap<>();
        for (String f : SCHED_FIELDS) {
            agree.put(f, new long[2]);
            examples.put(f, new ArrayList<>());
            floors.put(f, 100.0);
        }
        try (var files = Files.list(dir)) {
            for (Path scap : files.sorted().toList()) {
                if (scap.getFileName().toString().contains("comments")) {
                    continue; // sysdig 0.29.3 cannot read it
                }
                compareFile(
                        sysdig, scap, SCHED_FIELDS, agree, examples, List.of("-D", "evt.type in (procinfo, switch)"));
            }
        }
        assertTrue(
                agree.get("thread.cpu")[1] > 1000, "too few procinfo events compared: " + agree.get("thread.cpu")[1]);
        assertTrue(agree.get("thread.exectime")[1] > 1000, "too few switch events compared");
        assertAgreement(agree, examples, floors);
    }

    /**
     * sysdig's topprocs_cpu chisel from sysql's thread.cpu, on every capture: per process (name and pid) the sum of
     * thread.cpu over its procinfo events, times 10^7 ns, as a percentage of the capture's span (first to last
     * event, container metadata events left out), its top 10 printed as the chisel prints them (%.2f%%). Rows tied at the cut may differ in order.
     */
    @Test
    void topprocsCpuChiselFromThreadCpu() throws Exception {
        Path sysdig = sysdig();
        Path dir = GoldenFieldsTest.shared().resolve("scap");
        Field cpu = FieldCatalog.get("thread.cpu");
        Field name = FieldCatalog.get("proc.name");
        Field pid = FieldCatalog.get("proc.pid");
        java.util.regex.Pattern row = java.util.regex.Pattern.compile("^(\\d+\\.\\d\\d)%\\s+(.*?)\\s+(-?\\d+)$");
        int rowsCompared = 0;
        List<String> failures = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path scap : files.sorted().toList()) {
                if (scap.getFileName().toString().contains("comments")) {
                    continue; // sysdig 0.29.3 cannot read it
                }
                Process p = new ProcessBuilder(sysdig.toString(), "-r", scap.toString(), "-c", "topprocs_cpu")
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "sysdig did not finish on " + scap);
                List<String> want = new ArrayList<>();
                for (String line : out.split("\n")) {
                    var m = row.matcher(line.strip());
                    if (m.matches()) {
                        want.add(m.group(1) + "|" + m.group(2) + "|" + m.group(3));
                    }
                }
                // sysql: the same sums from thread.cpu
                Map<String, Double> sums = new LinkedHashMap<>();
                long first = -1;
                long last = -1;
                try (ScapFileSource src = ScapFileSource.open(scap);
                        EventBatch batch = new EventBatch()) {
                    EventContext ctx = EventContext.forCaptureFile(src.initialState());
                    Event e = new Event();
                    while (src.fill(batch, 0)) {
                        while (batch.next(e)) {
                            ctx.advance(e);
                            if (e.typeName().equals("container")) {
                                continue; // metadata sysdig consumes: its chisels never see it (nor its time)
                            }
                            if (first < 0) {
                                first = e.ts();
                            }
                            last = e.ts();
                            if (!cpu.isNull(ctx) && !name.isNull(ctx) && !pid.isNull(ctx)) {
                                sums.merge(
                                        name.getString(ctx) + "|" + pid.getLong(ctx),
                                        cpu.getLong(ctx) * 10000000.0,
                                        Double::sum);
                            }
                        }
                    }
                }
                double delta = last - first;
                List<Map.Entry<String, Double>> ranked = new ArrayList<>(sums.entrySet());
                ranked.sort(Map.Entry.<String, Double>comparingByValue().reversed());
                Map<String, String> got = new LinkedHashMap<>();
                for (var en : ranked) {
                    String pct = delta > 0
                            ? new java.math.BigDecimal(en.getValue() / delta * 100)
                                    .setScale(2, java.math.RoundingMode.HALF_EVEN)
                                    .toPlainString()
                            : "0.00";
                    got.put(pct + "|" + en.getKey(), en.getKey());
                }
                List<String> gotRows = new ArrayList<>(got.keySet());
                int n = Math.min(10, gotRows.size());
                boolean ok = want.size() == n;
                for (int i = 0; ok && i < n; i++) {
                    // the same value at each rank, and a row sysql has (rows of equal value in any order)
                    String w = want.get(i);
                    String g = gotRows.get(i);
                    ok = w.substring(0, w.indexOf('|')).equals(g.substring(0, g.indexOf('|'))) && got.containsKey(w);
                }
                if (!ok) {
                    failures.add(scap.getFileName() + ": sysdig " + want + " sysql " + gotRows.subList(0, n));
                }
                rowsCompared += want.size();
                System.out.println("topprocs_cpu " + scap.getFileName() + ": " + want.size() + " rows, "
                        + (ok ? "same" : "DIFFERENT"));
            }
        }
        assertTrue(rowsCompared > 5, "too few chisel rows compared: " + rowsCompared);
        assertTrue(failures.isEmpty(), "topprocs_cpu differs: " + failures);
    }

    private static void assertAgreement(
            Map<String, long[]> agree, Map<String, List<String>> examples, Map<String, Double> floors) {
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
            if (pct < floors.get(e.getKey())) {
                failed.add(e.getKey() + " " + String.format("%.2f", pct) + "% < " + floors.get(e.getKey()) + "%");
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
        if (field.startsWith("thread.cpu") && value.endsWith(".0")) {
            // a double holding whole clock ticks (printed %.1lf); sysql's BIGINT prints the number itself
            return value.substring(0, value.length() - 2);
        }
        return value;
    }

    @SuppressWarnings("OrphanedFormatString") // a sysdig -p format (%field), not a printf one
    private static void compareFile(
            Path sysdig,
            Path scap,
            List<String> fields,
            Map<String, long[]> agree,
            Map<String, List<String>> examples,
            List<String> extraArgs)
            throws Exception {
        StringBuilder fmt = new StringBuilder("*%evt.num");
        for (String f : fields) {
            fmt.append(SEP).append('%').append(f);
        }
        fmt.append(END); // a record ends here: some values (fdlist.names) hold newlines
        List<String> command = new ArrayList<>(List.of(sysdig.toString(), "-r", scap.toString(), "-p", fmt.toString()));
        command.addAll(extraArgs);
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
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
