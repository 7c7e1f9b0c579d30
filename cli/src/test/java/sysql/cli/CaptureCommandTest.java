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
}
