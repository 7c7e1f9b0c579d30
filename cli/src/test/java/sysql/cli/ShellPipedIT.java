// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.testing.Child;
import sysql.testing.TestData;

/**
 * The shell with its statements piped in, as a script runs it ({@code printf 'SELECT …;\n' | ./sysql}): it answers
 * them and says nothing else. JLine warned on every such run that it could not make a system terminal.
 */
class ShellPipedIT {
    @TempDir
    Path dir;

    @Test
    void statementsPipedInAreAnsweredWithoutATerminalsWarning() throws Exception {
        Path input = dir.resolve("input.sql");
        Files.writeString(input, "SELECT COUNT(*) AS n FROM events;\n!quit\n", StandardCharsets.UTF_8);
        Path output = dir.resolve("output.txt");
        String scap = TestData.scap("falco_cat_write.scap").toAbsolutePath().toString();
        Process p = new ProcessBuilder(List.of(
                        "bash",
                        "-c",
                        Child.java() + " -cp 'target/sysql-cli.jar:target/lib/*' sysql.cli.Sysql shell -r '" + scap
                                + "'"))
                .redirectInput(input.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the shell did not end on !quit");
        String out = Files.readString(output, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(ShellIT.tableLines(out).stream().anyMatch(l -> l.matches("\\| *[1-9][0-9]* *\\|")), out);
        assertTrue(!out.contains("WARNING") && !out.contains("Unable to create a system terminal"), out);
    }
}
