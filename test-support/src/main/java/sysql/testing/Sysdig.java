// SPDX-License-Identifier: Apache-2.0
package sysql.testing;

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
 * sysdig 0.29.3, the tests' oracle, run on a capture file. A missing sysdig fails the test (scripts/install-deps.sh
 * installs it: {@code apt-get install -y --no-install-recommends sysdig}); it is never a reason to skip.
 */
public final class Sysdig {
    private Sysdig() {}

    /** What one run printed. */
    public record Result(int exitCode, List<String> lines, String stderr) {}

    public static Path binary() {
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

    /** {@code sysdig -r FILE ARGS…}. */
    public static Result run(Path file, List<String> args) throws IOException, InterruptedException {
        return run(binary(), file, args);
    }

    /**
     * {@code csysdig -r FILE ARGS…} (csysdig comes with sysdig and sits next to it), stdout and stderr together as
     * its lines: with {@code --raw} or {@code -j} it prints the view and ends without a terminal.
     */
    public static Result csysdig(Path file, List<String> args) throws IOException, InterruptedException {
        Path csysdig = binary().resolveSibling("csysdig");
        if (!Files.isExecutable(csysdig)) {
            fail("csysdig is not installed next to " + binary() + ": it comes with sysdig 0.29.3");
        }
        return run(csysdig, file, args);
    }

    private static Result run(Path program, Path file, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(program.toString(), "-r", file.toString()));
        cmd.addAll(args);
        Path out = Files.createTempFile("sysdig-out", ".txt");
        Path err = Files.createTempFile("sysdig-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", cmd) + " did not finish in 300 s");
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
}
