// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sysql serve --metrics}' argument errors: one line that names the problem, exit 1, before the capture opens
 * (these run without root).
 */
class ServeMetricsOptionsTest {
    @TempDir
    Path dir;

    private static void assertOneLineError(String[] result, String expected) {
        assertEquals("1", result[0], "exit code; stderr: " + result[1]);
        String err = result[1].strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.startsWith("sysql serve: "), err);
        assertTrue(err.contains(expected), "expected [" + expected + "] in: " + err);
    }

    @Test
    void boundsMustBePositive() {
        assertOneLineError(
                CaptureCommandTest.run("serve", "--port", "0", "--metrics-max-series", "0"),
                "--metrics-max-series 0 is not a count: give 1 or more");
        assertOneLineError(
                CaptureCommandTest.run("serve", "--port", "0", "--metrics-stale", "0"),
                "--metrics-stale 0 is not a time: give 1 or more seconds");
    }

    @Test
    void aMissingOrWrongFileIsNamedBeforeTheCaptureOpens() throws Exception {
        Path missing = dir.resolve("missing.sql");
        assertOneLineError(
                CaptureCommandTest.run("serve", "--port", "0", "--metrics", missing.toString()),
                "cannot read the metrics file " + missing + ": no such file");
        Path wrong = dir.resolve("wrong.sql");
        Files.writeString(wrong, "-- counts\n\nSELECT proc.name, COUNT(*) AS n FROM events GROUP BY proc.name;\n");
        assertOneLineError(
                CaptureCommandTest.run("serve", "--port", "0", "--metrics", wrong.toString()),
                wrong + ":3: a metric is a windowed SELECT STREAM");
    }
}
