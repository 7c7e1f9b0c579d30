// SPDX-License-Identifier: Apache-2.0
package sysql.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's systemd unit, as {@code scripts/install-daemon.sh} writes it: {@code systemd-analyze verify} finds
 * nothing to say about it, and it starts the installed jars (/opt/sysql/lib) as {@code sysql daemon}.
 */
class InstallDaemonTest {
    @TempDir
    Path tmp;

    @Test
    void theUnitVerifiesCleanAndStartsTheInstalledDaemon() throws Exception {
        Path root = Readme.ofThisClone().root;
        Process p = new ProcessBuilder(
                        "bash", root.resolve("scripts/install-daemon.sh").toString(), "--check", tmp.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("", out, "systemd-analyze verify should have nothing to say");
        String unit = Files.readString(tmp.resolve("sysql.service"));
        // the installed jars, root's, not the clone's launcher (which builds, as root, what a user may change)
        assertTrue(
                unit.contains("\nExecStart=/usr/bin/java -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -cp "
                        + "/opt/sysql/lib/* sysql.cli.Sysql daemon\n"),
                unit);
        assertTrue(!unit.contains(root.toString()), unit);
        assertTrue(unit.contains("\nRuntimeDirectory=sysql\n"), unit);
        assertTrue(unit.contains("\nNoNewPrivileges=yes\n"), unit);
    }
}
