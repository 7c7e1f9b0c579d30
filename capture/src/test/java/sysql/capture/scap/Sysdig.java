// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: sysdig 0.29.3 as the oracle for files sysql writes. A missing sysdig fails the test (CI installs it:
 * {@code apt-get install -y --no-install-recommends sysdig}); it is never a reason to skip.
 */
final class Sysdig {
    private Sysdig() {}

    /** The output of {@code sysdig -r FILE -p FORMAT [FILTER]}. */
    record Result(int exitCode, List<String> lines, String stderr) {}

    static Path binary() {
        return sysql.testing.Sysdig.binary();
    }

    static Result read(Path file, String format, String filter) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("-p", format));
        if (filter != null) {
            args.add(filter);
        }
        sysql.testing.Sysdig.Result r = sysql.testing.Sysdig.run(file, args);
        return new Result(r.exitCode(), r.lines(), r.stderr());
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
