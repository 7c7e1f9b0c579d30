// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: sysdig 0.29.3 as the oracle for files sysql writes. A missing sysdig fails the test (CI installs it:
 * {@code apt-get install -y --no-install-recommends sysdig}); it is never a reason to skip.
 */
final class Sysdig {
    private Sysdig() {}

    /** The output of {@code sysdig -r FILE -p FORMAT [FILTER]}. */
    record Result(int exitCode, List<String> lines, String stderr) {}

    static Path binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, "sysdig");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String p : List.of("/usr/bin/sysdig", "/usr/local/bin/sysdig")) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return fail("sysdig is not installed: this test uses sysdig 0.29.3 as its oracle; install it with "
                + "`apt-get install -y --no-install-recommends sysdig`");
    }

    static Result read(Path file, String format, String filter) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), "-r", file.toString(), "-p", format));
        if (filter != null) {
            cmd.add(filter);
        }
        Path out = Files.createTempFile("sysdig-out", ".txt");
        Path err = Files.createTempFile("sysdig-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("sysdig -r " + file + " did not finish in 300 s");
            }
            return new Result(
                    p.exitValue(),
                    Files.readAllLines(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8).strip());
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Like {@link #read}, failing the test unless sysdig exits 0 and prints nothing on stderr. */
    static List<String> readOk(Path file, String format, String filter) throws IOException, InterruptedException {
        Result r = read(file, format, filter);
        assertEquals(
                0,
                r.exitCode(),
                "sysdig -r " + file + " failed: " + r.stderr()
                        + (r.lines().isEmpty() ? "" : " / " + r.lines().get(0)));
        assertEquals("", r.stderr(), "sysdig -r " + file + " complained");
        return r.lines();
    }
}
