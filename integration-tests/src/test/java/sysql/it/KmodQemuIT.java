// SPDX-License-Identifier: Apache-2.0
package sysql.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import sysql.testing.Privileges;

/**
 * sysql's kernel module (driver-kmod/kmod) in Debian 12's own kernel under qemu (this host's kernel loads no
 * module): built against the current headers, loaded, a capture of a known workload read from its per-CPU rings
 * by tools/sysql-kmod-read (every syscall; a syscall set and a pid filter; a comm filter), unloaded, then 100 load/capture/unload cycles under a syscall loop, with the
 * kernel's vmalloc use before and after (the rings are 16 MiB an open: a leak would show). The guest panics on
 * any oops or WARN. Needs root (apt, the kernel package) and qemu, which the test command installs.
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
