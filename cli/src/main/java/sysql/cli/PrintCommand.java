// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sysql print}: live events one per line (sysdig's default output), without SQL. */
@Command(
        name = "print",
        mixinStandardHelpOptions = true,
        description = "Print live events one per line until Ctrl-C, -n or -d (no SQL; kernel filters from -s/-x/-p).")
final class PrintCommand implements Callable<Integer> {
    @Mixin
    CaptureOptions capture = new CaptureOptions();

    @Option(
            names = {"-n", "--count"},
            paramLabel = "N",
            description = "Stop after N events (default: until Ctrl-C).")
    long count = -1;

    @Option(
            names = {"-d", "--duration"},
            paramLabel = "SECONDS",
            description = "Stop after this many seconds.")
    double durationSeconds = -1;

    @Override
    public Integer call() {
        return new LivePrinter(this)
                .run(
                        new PrintWriter(System.out, false, StandardCharsets.UTF_8),
                        new PrintWriter(System.err, true, StandardCharsets.UTF_8));
    }
}
