// SPDX-License-Identifier: Apache-2.0
package sysql.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code sysql} launcher keeps its standard input for the shell: its set-up steps (installing packages, the
 * first build) read none of it, so {@code echo "SELECT 1;" | ./sysql} answers on the first run too. Run on a
 * copy of the launcher whose set-up steps and {@code java} are stand-ins: the set-up steps read all of their
 * standard input, the stand-in java prints what reaches it.
 */
class LauncherTest {
    @TempDir
    Path tmp;

    private static void script(Path p, String body) throws Exception {
        Files.createDirectories(p.getParent());
        Files.writeString(p, "#!/usr/bin/env bash\n" + body + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void statementsPipedIntoTheFirstRunReachTheShell() throws Exception {
        Path root = Readme.ofThisClone().root;
        Path clone = tmp.resolve("clone");
        Files.createDirectories(clone);
        Files.copy(root.resolve("sysql"), clone.resolve("sysql"));
        script(clone.resolve("scripts/install-deps.sh"), "cat >/dev/null");
        script(clone.resolve("scripts/build.sh"), "cat >/dev/null");
        Path bin = tmp.resolve("bin");
        script(bin.resolve("java"), "cat");
        ProcessBuilder pb = new ProcessBuilder("bash", clone.resolve("sysql").toString()).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write("SELECT 1 AS x;\n".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher did not end");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertEquals("SELECT 1 AS x;\n", out, "what reached the shell");
    }
}
