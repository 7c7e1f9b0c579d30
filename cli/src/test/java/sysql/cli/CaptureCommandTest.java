// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sysql capture}'s argument errors: one line that says what to do, exit 1, no file, no probe loaded. */
class CaptureCommandTest {
    @TempDir
    Path dir;

    /** Runs the command in this JVM; returns {exit code, stderr}. */
    static String[] run(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int rc = Sysql.run(args);
            return new String[] {Integer.toString(rc), buf.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(saved);
        }
    }

    static void assertOneLineError(String[] result, String expected) {
        assertEquals("1", result[0], "exit code; stderr: " + result[1]);
        String err = result[1].strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.startsWith("sysql capture: "), err);
        assertTrue(err.contains(expected), "expected [" + expected + "] in: " + err);
    }

    @Test
    void withoutAFileItSaysHowToGiveOne() {
        assertOneLineError(run("capture", "-d", "1"), "give the file to write: sysql capture -w FILE");
    }

    @Test
    void aMissingDirectoryIsNamed() {
        Path f = dir.resolve("no/such/dir/x.scap");
        assertOneLineError(run("capture", "-w", f.toString()), "directory " + f.getParent() + " does not exist");
        assertFalse(Files.exists(f));
    }

    @Test
    void aDirectoryIsNotAFile() {
        assertOneLineError(run("capture", "-w", dir.toString()), "is a directory: give -w a file path");
    }

    @Test
    void countAndDurationMustBePositive() {
        Path f = dir.resolve("x.scap");
        assertOneLineError(run("capture", "-w", f.toString(), "-n", "0"), "--count 0 is invalid");
        assertOneLineError(run("capture", "-w", f.toString(), "-d", "-2"), "--duration -2.0 is invalid");
        assertFalse(Files.exists(f));
    }

    @Test
    void aBadRingSizeIsRefusedBeforeTheProbeLoads() {
        assertOneLineError(
                run("capture", "-w", dir.resolve("x.scap").toString(), "--ring-size", "3"),
                "--ring-size 3 is invalid: use a power of two");
    }

    /** The command as picocli parses these arguments, not run. */
    static CaptureCommand parse(String... args) {
        CaptureCommand c = new CaptureCommand();
        new picocli.CommandLine(c).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return c;
    }

    @Test
    void scapIsTheDefaultAndADotArrowNameOrFormatArrowSelectsArrow() {
        assertEquals(CaptureCommand.Format.SCAP, parse("-w", "x.scap").format());
        assertEquals(CaptureCommand.Format.SCAP, parse("-w", "x").format());
        assertEquals(CaptureCommand.Format.ARROW, parse("-w", "x.arrow").format());
        assertEquals(
                CaptureCommand.Format.ARROW,
                parse("-w", "x.scap", "--format", "arrow").format());
        assertEquals(
                CaptureCommand.Format.ARROW,
                parse("-w", "x", "--format", "ARROW").format());
        assertEquals(
                CaptureCommand.Format.SCAP,
                parse("-w", "x.arrow", "--format", "scap").format());
    }

    @Test
    void anUnknownFormatIsRefusedWithTheChoices() {
        String[] r = run("capture", "-w", dir.resolve("x").toString(), "--format", "pcap");
        assertEquals("2", r[0], r[1]);
        assertFalse(r[1].strip().contains("\n"), r[1]);
        assertTrue(r[1].contains("--format") && r[1].contains("SCAP") && r[1].contains("ARROW"), r[1]);
    }

    @Test
    void theArrowQueryIsEveryColumnOfEventsWithTheOptionsAsKernelPredicates() throws Exception {
        assertEquals("SELECT STREAM * FROM events", parse("-w", "x.arrow").arrowQuery());
        // -s names are x86_64 syscalls; evt.type names their events (pread64's are pread); notices stay
        assertEquals(
                "SELECT STREAM * FROM events WHERE evt.type IN ('openat', 'pread', 'notification') LIMIT 10",
                parse("-w", "x.arrow", "-s", "openat,pread64", "-n", "10").arrowQuery());
        assertEquals(
                "SELECT STREAM * FROM events WHERE evt.type NOT IN ('futex', 'dup') AND proc.pid IN (1, 7)",
                parse("-w", "x.arrow", "-x", "futex,dup2", "-p", "1,7").arrowQuery());
    }

    @Test
    void theArrowFormatCapturesWithTheOptionsSettingsAndNoHistory() {
        ConnectOptions c = parse("-w", "x.arrow", "--snaplen", "256", "--ring-size", "16", "--driver", "bpf")
                .capture
                .connectOptions();
        java.util.Properties p = c.properties();
        assertEquals("256", p.getProperty("snaplen"));
        assertEquals("16", p.getProperty("ringSize"));
        assertEquals("bpf", p.getProperty("driver"));
        assertEquals("off", p.getProperty("history"));
        assertEquals("embedded", p.getProperty("engine"));
    }

    @Test
    void gzipIsRefusedWithArrow() {
        Path f = dir.resolve("x.arrow");
        assertOneLineError(run("capture", "-w", f.toString(), "--gzip"), "--gzip compresses a .scap file");
        assertOneLineError(
                run("capture", "-w", dir.resolve("y").toString(), "--format", "arrow", "--gzip"),
                "--gzip compresses a .scap file");
        assertFalse(Files.exists(f));
    }

    @Test
    void capturesOptionsAreCheckedBeforeAnythingStartsInEitherFormat() {
        for (String format : new String[] {"scap", "arrow"}) {
            Path f = dir.resolve("x." + format);
            assertOneLineError(
                    run("capture", "-w", f.toString(), "--format", format, "-s", "openat,nosuchcall"),
                    "unknown syscall 'nosuchcall'");
            assertOneLineError(
                    run("capture", "-w", f.toString(), "--format", format, "-s", "openat", "-x", "read"),
                    "--syscalls and --exclude-syscalls exclude each other");
            assertOneLineError(
                    run("capture", "-w", f.toString(), "--format", format, "--ring-size", "3"),
                    "--ring-size 3 is invalid");
            assertOneLineError(
                    run("capture", "-w", f.toString(), "--format", format, "--snaplen", "0"), "--snaplen 0 is invalid");
            assertOneLineError(
                    run("capture", "-w", f.toString(), "--format", format, "--driver", "pcap"),
                    "unknown driver 'pcap'");
            assertFalse(Files.exists(f));
        }
    }

    @Test
    void arrowTakesProcessIdsNotAnotherProcesssThreads() throws Exception {
        long pid = ProcessHandle.current().pid();
        String tid = null;
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                if (!t.getFileName().toString().equals(Long.toString(pid))) {
                    tid = t.getFileName().toString();
                    break;
                }
            }
        }
        assertTrue(tid != null, "a JVM has threads besides its main one");
        Path f = dir.resolve("x.arrow");
        assertOneLineError(
                run("capture", "-w", f.toString(), "-p", tid),
                "-p " + tid + " is a thread of process " + pid + ": the arrow format selects processes");
        assertFalse(Files.exists(f));
        // the process's own id is fine (checked without capturing: the arguments only)
        assertEquals(null, parse("-w", f.toString(), "-p", Long.toString(pid)).checkArguments());
    }
}
