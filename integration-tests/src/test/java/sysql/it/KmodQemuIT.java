// SPDX-License-Identifier: Apache-2.0
package sysql.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import sysql.testing.Privileges;

/**
 * sysql's kernel module (driver-kmod/kmod) in Debian 12's own kernel under qemu (this host's kernel loads no
 * module): built against the current headers, loaded, a capture of a known workload read from its per-CPU rings
 * by tools/sysql-kmod-read (every syscall; a syscall set and a pid filter; a comm filter), unloaded, then 100
 * load/capture/unload cycles under a syscall loop, with the kernel's vmalloc, slab and per-CPU use before and after
 * (the rings are 16 MiB an open: a leak would show). The guest panics on any oops or WARN. Then, in the same guest, one scripted
 * workload captured through libsysqlcap (tools/sysql-capture, which writes a .scap) by each driver: the module
 * (which {@code auto} picks where /dev/sysql exists) and the eBPF probe. Here, on the host, sysql reads both files:
 * each thread of the workload must have the same events with the same parameters and fd names under both drivers,
 * and sysql must count the workload's calls exactly. Needs root (apt, the kernel package) and qemu, which the test
 * command installs.
 */
class KmodQemuIT {
    private static final long CALLS = 10_000;

    @Test
    void theModuleCapturesAWorkloadExactlyAndUnloadsCleanly() throws Exception {
        Privileges.requireRoot("to install the kernel headers and qemu and unpack Debian's kernel");
        Path script = Path.of("../driver-kmod/kmod/qemu-test.sh").toAbsolutePath();
        Path out = Path.of("target/kmod-qemu").toAbsolutePath();
        Process p = new ProcessBuilder("bash", script.toString(), out.toString(), Long.toString(CALLS))
                .redirectErrorStream(true)
                .start();
        String output;
        try (var in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), output);
        assertEquals(0, p.exitValue(), "the guest did not finish:\n" + output + console(out));

        List<String> lines = output.lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("SQKMOD loaded: events for ")), output);
        assertTrue(lines.contains("SQKMOD reader rc=0"), output);
        assertTrue(lines.contains("SQKMOD unloaded"), output);
        // every syscall of every thread; only getppid of only the child (syscall set, pid filter); only the
        // threads of the child's name (comm filter); without the process lifecycle events
        for (String phase : List.of("all", "syscall+pid", "comm", "no-sched")) {
            Map<String, Long> read = values(output, "sysql-kmod-read: phase=" + phase + " ");
            long closes = phase.equals("syscall+pid") ? 0 : CALLS;
            assertEquals(CALLS, read.get("getppid_e"), phase + ": " + output);
            assertEquals(CALLS, read.get("getppid_x"), phase + ": " + output);
            assertEquals(closes, read.get("close_e"), phase + ": " + output);
            assertEquals(closes, read.get("close_x"), phase + ": " + output);
            assertEquals(
                    phase.equals("no-sched") ? 0 : 1,
                    read.get("procexit"),
                    "the child's end (sched_process_exit), unless the lifecycle events are off: " + output);
            assertEquals(0, read.get("malformed"), phase + ": " + output);
            assertEquals(0, read.get("drops"), phase + ": " + output);
            assertEquals(read.get("events"), read.get("records"), "every event counted was read: " + output);
            if (phase.equals("syscall+pid") || phase.equals("comm")) {
                assertEquals(0, read.get("other_threads"), phase + ": " + output);
            }
            if (phase.equals("syscall+pid")) {
                assertEquals(0, read.get("child_other"), output);
                assertTrue(read.get("filtered") >= 2 * CALLS, "the closes are counted as filtered: " + output);
            }
        }

        Map<String, Long> cycles = values(output, "SQKMOD cycles=");
        assertEquals(100, cycles.get("cycles"), output);
        long grown = cycles.get("vmalloc_kb_after") - cycles.get("vmalloc_kb_before");
        assertTrue(grown < 4096, "vmalloc grew by " + grown + " KiB over 100 cycles: " + output);
        // the module's own allocations are vmalloc'd (rings, scratch) or a few small kmallocs an open (the
        // thread filters): 100 cycles leaking either would show; the kernel's own caches move a little meanwhile
        long slab = cycles.get("slab_kb_after") - cycles.get("slab_kb_before");
        assertTrue(slab < 2048, "Slab grew by " + slab + " KiB over 100 cycles: " + output);
        assertEquals(
                cycles.get("percpu_kb_before"),
                cycles.get("percpu_kb_after"),
                "per-CPU memory is back where it was: " + output);

        assertBothDriversGaveTheSameEvents(output, out);
    }

    /**
     * The workload both drivers captured (qemu-test.sh): a main thread that starts a second one, which renames
     * itself sqworker and makes the calls: 3 openat+close of /init, 2 newfstatat of /bin, 2 writes to fd 1, 2 TCP
     * connects to a listener on 127.0.0.1:8080.
     */
    private static void assertBothDriversGaveTheSameEvents(String output, Path out) throws SQLException {
        Map<String, Long> kmod = values(output, "SQKMOD capture auto ");
        Map<String, Long> bpf = values(output, "SQKMOD capture bpf ");
        assertTrue(
                output.contains("SQKMOD capture auto rc=0 sysql-capture: driver=kmod "),
                "auto picks the module: " + output);
        assertTrue(output.contains("SQKMOD capture bpf rc=0 sysql-capture: driver=bpf "), output);
        assertEquals(0, kmod.get("drops"), output);
        assertEquals(0, bpf.get("drops"), output);

        Map<String, List<String>> byModule = workloadThreads(out.resolve("auto.scap"));
        Map<String, List<String>> byProbe = workloadThreads(out.resolve("bpf.scap"));
        assertEquals(2, byProbe.size(), "the workload's two threads: " + byProbe.keySet());
        assertEquals(byProbe.keySet(), byModule.keySet());
        for (String thread : byProbe.keySet()) {
            List<String> a = byProbe.get(thread);
            List<String> b = byModule.get(thread);
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                assertEquals(
                        a.get(i), b.get(i), thread + ", event " + (i + 1) + ": the eBPF probe's, then the module's");
            }
            assertEquals(a.size(), b.size(), thread + ": events of the eBPF probe " + a + "\nand of the module " + b);
        }
        // a small set (clone, execve, clone3, openat, close, socket, connect), caught by those syscalls' own
        // functions (the eBPF probe: fentry/fexit; the module: kretprobes): the same events as the tracepoints gave
        // for those syscalls; a storm outside the set never reaches the driver
        for (String driver : List.of("bpf", "kmod")) {
            String narrow = "SQKMOD capture " + driver + "-narrow ";
            assertTrue(output.contains(narrow + "rc=0 sysql-capture: driver=" + driver + " "), output);
            assertEquals(
                    1, values(output, narrow).get("narrow"), driver + ": caught by their own functions: " + output);
            assertEquals(0, values(output, narrow).get("drops"), driver + ": " + output);
            Map<String, Long> narrowStorm = values(output, "SQKMOD capture " + driver + "-narrow-storm ");
            Map<String, Long> wideStorm = values(output, "SQKMOD capture " + driver + "-wide-storm ");
            assertEquals(1, narrowStorm.get("narrow"), driver + ": " + output);
            assertTrue(
                    narrowStorm.get("filtered") < 1000, driver + ": the storm's calls reached the driver: " + output);
            assertEquals(0, wideStorm.get("narrow"), driver + ": " + output);
            assertTrue(
                    wideStorm.get("filtered") >= 40_000,
                    driver + ": the tracepoints filter each call twice: " + output);
            Map<String, List<String>> bySyscallFunctions = workloadThreads(out.resolve("narrow-" + driver + ".scap"));
            assertEquals(byProbe.keySet(), bySyscallFunctions.keySet(), driver);
            for (String thread : byProbe.keySet()) {
                List<String> inTheSet = byProbe.get(thread).stream()
                        .filter(e -> e.matches("(clone|execve|clone3|openat|close|socket|connect|procexit) .*"))
                        .toList();
                assertEquals(
                        inTheSet,
                        bySyscallFunctions.get(thread),
                        driver + ", " + thread
                                + ": the set's events, by the eBPF probe's dispatchers, then by the syscalls' own"
                                + " functions");
            }
        }

        for (Path file : List.of(out.resolve("auto.scap"), out.resolve("bpf.scap"))) {
            assertEquals(
                    3,
                    count(file, "evt.type = 'openat' AND evt.dir = '<' AND fd.name = '/init' AND evt.res = 'SUCCESS'"));
            assertEquals(3, count(file, "evt.type = 'close' AND evt.dir = '>' AND fd.name = '/init'"));
            assertEquals(2, count(file, "evt.type = 'newfstatat' AND evt.dir = '<' AND evt.arg.path = '/bin'"));
            assertEquals(2, count(file, "evt.type = 'write' AND evt.dir = '<' AND fd.num = 1 AND evt.rawres = 1"));
            assertEquals(
                    2, count(file, "evt.type = 'connect' AND evt.dir = '<' AND fd.sport = 8080 AND evt.rawres = 0"));
            assertEquals(1, count(file, "evt.type = 'prctl' AND evt.dir = '<' AND NOT thread.ismain"));
            assertEquals(2, count(file, "evt.type = 'procexit'"));
        }
    }

    /** The number of the workload's events the condition selects, as sysql counts them over the file. */
    private static long count(Path file, String condition) throws SQLException {
        try (Connection c = open(file);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT COUNT(*) FROM events WHERE proc.name = 'sysql-workload' AND " + condition)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Connection open(Path file) throws SQLException {
        Properties p = new Properties();
        p.setProperty("file", file.toString());
        // every byte of a buffer or string parameter printed, none cut at the default print length
        p.setProperty("snaplen", "65536");
        return DriverManager.getConnection("jdbc:sysql:", p);
    }

    private static final Pattern NUMBER = Pattern.compile("\\b\\d+\\b");

    /**
     * Each thread of the workload (named T1, T2 in the order they appear) and its events, each as its type,
     * direction, every parameter as sysql formats it and the fd's name after the state. What differs between two
     * runs by nature is named alike: the threads' ids and the capturing process's (P1, P2... in the order they
     * appear), the local port of a connection. Addresses are the same: the guest runs without randomization.
     */
    private static Map<String, List<String>> workloadThreads(Path file) throws SQLException {
        Map<Long, String> threads = new LinkedHashMap<>();
        Map<String, String> ids = new HashMap<>();
        Map<String, List<String>> events = new LinkedHashMap<>();
        try (Connection c = open(file);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT thread.tid, proc.ppid, evt.type, evt.dir, evt.args, fd.name"
                        + " FROM events WHERE proc.name = 'sysql-workload' ORDER BY evt.num")) {
            while (rs.next()) {
                long tid = rs.getLong(1);
                String thread = threads.computeIfAbsent(tid, t -> "T" + (threads.size() + 1));
                ids.computeIfAbsent(Long.toString(tid), t -> "P" + (ids.size() + 1));
                ids.computeIfAbsent(Long.toString(rs.getLong(2)), t -> "P" + (ids.size() + 1));
                String event =
                        rs.getString(3) + " " + rs.getString(4) + " " + rs.getString(5) + " | " + rs.getString(6);
                events.computeIfAbsent(thread, t -> new ArrayList<>()).add(event);
            }
        }
        Map<String, List<String>> named = new LinkedHashMap<>();
        events.forEach((thread, list) ->
                named.put(thread, list.stream().map(e -> sameNames(e, ids)).toList()));
        return named;
    }

    private static String sameNames(String event, Map<String, String> ids) {
        Matcher m = NUMBER.matcher(event.replaceAll(":\\d+->", ":PORT->"));
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(ids.getOrDefault(m.group(), m.group())));
        }
        return m.appendTail(sb).toString();
    }

    /** The key=value pairs of the first line starting with {@code prefix} (the prefix's own key included). */
    private static Map<String, Long> values(String output, String prefix) {
        String line = output.lines()
                .filter(l -> l.startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with " + prefix + " in:\n" + output));
        Map<String, Long> m = new HashMap<>();
        for (String word : line.split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                try {
                    m.put(word.substring(0, eq), Long.parseLong(word.substring(eq + 1)));
                } catch (NumberFormatException e) {
                    // not a count
                }
            }
        }
        return m;
    }

    private static String console(Path out) {
        try {
            return "\nconsole:\n" + Files.readString(out.resolve("console.log"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }
}
