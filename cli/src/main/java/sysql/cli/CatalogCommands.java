// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sysql.calcite.schema.CatalogTables;

/** {@code sysql fields} and {@code sysql event-types}: sysdig's {@code -l} and {@code -L}. */
final class CatalogCommands {
    private CatalogCommands() {}

    @Command(
            name = "fields",
            mixinStandardHelpOptions = true,
            description = "List the field catalog (sysdig -l): every column of events, with its SQL type.")
    static final class Fields implements Callable<Integer> {
        @Option(names = "--all", description = "Also list every instance of the parametric fields (evt.arg.NAME...).")
        boolean all;

        @Option(
                names = {"-r", "--read"},
                paramLabel = "FILE.scap",
                description = "Accepted for symmetry: a file has the same catalog.")
        java.nio.file.Path file;

        @Override
        public Integer call() {
            String lastClass = null;
            for (Object[] f : CatalogTables.fieldRows()) {
                if (!all && (Boolean) f[3]) {
                    continue;
                }
                if (!f[1].equals(lastClass)) {
                    System.out.println(
                            (lastClass == null ? "" : "\n") + "----------------\nField Class: " + f[1] + "\n");
                    lastClass = (String) f[1];
                }
                System.out.printf("%-30s %-10s %s%n", f[0], f[2], f[4]);
            }
            System.out.println("\nParametric: evt.arg.NAME, evt.rawarg.NAME (any parameter name), evt.arg[N], "
                    + "proc.apid[N], proc.aname[N], evt.type.is.NAME (--all lists them).");
            return 0;
        }
    }

    @Command(
            name = "event-types",
            mixinStandardHelpOptions = true,
            description = "List the event types (sysdig -L): direction, name and parameters.")
    static final class EventTypes implements Callable<Integer> {
        @Option(
                names = {"-r", "--read"},
                paramLabel = "FILE.scap",
                description = "Accepted for symmetry: a file has the same event types.")
        java.nio.file.Path file;

        @Override
        public Integer call() {
            for (Object[] t : CatalogTables.eventTypeRows()) {
                System.out.printf("%s %s(%s)%n", t[2], t[1], t[6]);
            }
            return 0;
        }
    }
}
