// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sysql.calcite.SysqlException;
import sysql.calcite.chisel.Chisel;
import sysql.calcite.chisel.ChiselLibrary;

/**
 * {@code sysql chisel NAME [ARGS…]}: one of sysdig's chisels as SQL (the library in {@code sql-examples/chisels}).
 * Over a capture file ({@code -r}) it prints its rows once; live it runs the chisel's stream, which prints per
 * interval as sysdig's chisels do, until Ctrl-C. {@code sysql chisel -l} lists them as {@code sysdig -cl} does.
 */
@Command(
        name = "chisel",
        mixinStandardHelpOptions = true,
        description = {
            "Run one of sysdig's chisels as SQL: over a capture file (-r) once, live per interval until Ctrl-C.",
            "sysql chisel -l lists them; sysql chisel -i NAME shows one, with its SQL."
        })
final class ChiselCommand implements Callable<Integer> {
    @Mixin
    ConnectOptions connect = new ConnectOptions();

    @Option(
            names = {"-l", "--list"},
            description = "List the chisels by category, with their descriptions.")
    boolean list;

    @Option(
            names = {"-i", "--info"},
            description = "Show the chisel's description, arguments and SQL instead of running it.")
    boolean info;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The chisel.")
    String name;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "ARG", description = "The chisel's arguments.")
    List<String> args = new ArrayList<>();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() {
        PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        try {
            if (list) {
                list(out);
                out.flush();
                return 0;
            }
            if (name == null) {
                err.println("sysql chisel: name a chisel (sysql chisel -l lists them)");
                return 2;
            }
            Chisel chisel = ChiselLibrary.get(name);
            if (chisel == null) {
                err.println("sysql chisel: no chisel named '" + name + "'; sysql chisel -l lists them");
                return 2;
            }
            if (info) {
                info(chisel, out);
                out.flush();
                return 0;
            }
            return run(connect.file != null ? chisel.historySql(args) : chisel.streamSql(args), err);
        } catch (SysqlException e) {
            err.println("sysql chisel: " + e.getMessage());
            return 2;
        }
    }

    private static void list(PrintWriter out) {
        Map<String, List<Chisel>> byCategory = new TreeMap<>();
        for (Chisel c : ChiselLibrary.all().values()) {
            byCategory.computeIfAbsent(c.category(), k -> new ArrayList<>()).add(c);
        }
        byCategory.forEach((category, chisels) -> {
            out.println();
            out.println("Category: " + category);
            out.println("-".repeat(category.length() + 10));
            for (Chisel c : chisels) {
                // as sysdig -cl: a name too long for its column goes on a line of its own
                out.printf(
                        c.name().length() < 16 ? "%-16s%s%n" : "%s%n                %s%n", c.name(), c.description());
            }
        });
        out.println();
        out.println("Use sysql chisel -i NAME for a chisel's arguments and SQL; SELECT * FROM chisels.NAME in SQL.");
    }

    private static void info(Chisel c, PrintWriter out) {
        out.println(c.name() + " (" + c.category() + "): " + c.description());
        out.println("usage: sysql chisel " + c.usage() + " [-r FILE.scap]");
        for (Chisel.Arg a : c.args()) {
            out.printf(
                    "  %-12s %s%s%n",
                    a.name().toUpperCase(java.util.Locale.ROOT),
                    a.description(),
                    a.defaultValue() == null ? "" : " (default " + a.defaultValue() + ")");
        }
        out.println();
        out.println(c.text());
    }

    private int run(String sql, PrintWriter err) {
        if (connect.snaplen == null) {
            // as sysdig runs a chisel: over a file buffers print whole (no print length); live, the snaplen
            // the chisel asks for (its sysdig.set_snaplen), or the default
            Chisel chisel = ChiselLibrary.get(name);
            connect.snaplen = connect.file != null
                    ? Integer.valueOf(65536)
                    : chisel.property("snaplen").stream()
                            .map(Integer::valueOf)
                            .findFirst()
                            .orElse(null);
        }
        return QueryCommand.run(connect, List.of(sql), output, err, "sysql chisel " + name);
    }
}
