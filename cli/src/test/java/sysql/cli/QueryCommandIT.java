// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import sysql.testing.RequiresBpf;

/**
 * {@code sysql query} with a streaming query, as a script uses it: rows arrive as they happen, flushed per row,
 * until SIGINT stops the query; then the command exits 0. Needs root.
 */
@RequiresBpf
class QueryCommandIT {

    @Test
    void aStreamingQueryPrintsRowsAsTheyHappenUntilSigint() throws Exception {
        sysql.testing.Sigint.requireDelivered();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process query = new ProcessBuilder(
                        java,
                        "-cp",
                        "target/sysql-cli.jar:target/lib/*",
                        "sysql.cli.Sysql",
                        "query",
                        "--format",
                        "csv",
                        "--no-history",
                        "SELECT STREAM evt.type, fd.name FROM events WHERE proc.name = "
                                + "'sysql-workload' AND evt.type = 'openat' AND evt.dir = '<'")
                .start();
        Process child = new ProcessBuilder(
                        ShellIT.WORKLOAD.toAbsolutePath().toString(), "-r", "10", "-o", "300", "/etc/hostname")
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(query.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (lines.size() < 6 && System.nanoTime() < deadline) {
                String line = out.readLine();
                if (line == null) {
                    break;
                }
                lines.add(line);
            }
            assertEquals("evt.type,fd.name", lines.get(0), "output: " + lines);
            assertEquals(6, lines.size(), "rows should arrive one by one while the child runs: " + lines);
            assertTrue(child.isAlive(), "the rows came only after the child ended");
            assertTrue(lines.subList(1, 6).stream().allMatch("openat,/etc/hostname"::equals), lines.toString());
            new ProcessBuilder("kill", "-INT", String.valueOf(query.pid()))
                    .start()
                    .waitFor();
            assertTrue(query.waitFor(5, TimeUnit.SECONDS), "SIGINT did not stop the streaming query");
            assertEquals(
                    0, query.exitValue(), new String(query.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            query.destroyForcibly();
            child.destroyForcibly();
        }
    }
}
