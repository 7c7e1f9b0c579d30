// SPDX-License-Identifier: Apache-2.0
package sysql.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tests that send SIGINT to a child: a suite started in the background by a non-interactive shell ({@code cmd &} in
 * a script) has SIGINT ignored, and so have its children, whose Ctrl-C handler the JVM then cannot install; such a
 * test fails with that reason, not as if the command ignored Ctrl-C.
 */
public final class Sigint {
    private Sigint() {}

    /** Fails unless this process (and so a child it starts) receives SIGINT. */
    public static void requireDelivered() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                long ignored = Long.parseUnsignedLong(
                        line.substring("SigIgn:".length()).trim(), 16);
                if ((ignored & (1L << (2 - 1))) != 0) {
                    throw new AssertionError("SIGINT is ignored in this test's process (the suite was started in the "
                            + "background by a non-interactive shell, which ignores SIGINT for it and its children): run "
                            + "./run-tests in the foreground");
                }
                return;
            }
        }
    }
}
