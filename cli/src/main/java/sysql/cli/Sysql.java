// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code sysql} command. Alone, it opens the SQL shell over the live host ({@code sysql shell});
 * {@code query} runs SQL for scripts, {@code fields}/{@code event-types} list the catalogs, {@code capture}
 * writes a capture file, {@code print} and {@code count} watch the raw stream.
 */
@Command(
        name = "sysql",
        mixinStandardHelpOptions = true,
        version = "sysql 0.1.0",
        description = {
            "SQL over the system calls of a live Linux host.",
            "Without a subcommand: the interactive SQL shell (same options as 'sysql shell')."
        },
        // the subcommands are added by run(): all of them, or only the one the command line names
        subcommands = {})
public final class Sysql implements Callable<Integer> {
    /** The subcommands, in the order the help lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(
            ShellCommand.class,
            QueryCommand.class,
            ChiselCommand.class,
            CatalogCommands.Fields.class,
            CatalogCommands.EventTypes.class,
            CaptureCommand.class,
            ServeCommand.class,
            ExportCommand.class,
            AgentCommand.class,
            FleetCommand.class,
            DaemonCommand.class,
            DumpCommand.class,
            PrintCommand.class,
            CountCommand.class,
            CommandLine.HelpCommand.class);

    @Mixin
    ConnectOptions connect = new ConnectOptions();

    @Mixin
    RemoteOptions remote = new RemoteOptions();

    @Override
    public Integer call() {
        ShellCommand shell = new ShellCommand();
        shell.connect = connect;
        shell.remote = remote;
        return shell.call();
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** The subcommand called {@code name} (or one of its aliases), or null. */
    private static Class<?> subcommand(String name) {
        for (Class<?> c : SUBCOMMANDS) {
            Command a = c.getAnnotation(Command.class);
            if (a.name().equals(name) || List.of(a.aliases()).contains(name)) {
                return c;
            }
        }
        return null;
    }

    /** Runs the command line; returns the exit code. */
    public static int run(String... args) {
        CommandLine cmd = new CommandLine(new Sysql());
        // picocli builds the model of every subcommand it is given (reflection over each one's options: a tenth of
        // a second at start); a command line that starts with a subcommand's name needs only that one
        Class<?> named = args.length == 0 ? null : subcommand(args[0]);
        if (named == CommandLine.HelpCommand.class) {
            named = null; // sysql help query: help needs the others
        }
        for (Class<?> c : named != null ? List.<Class<?>>of(named) : SUBCOMMANDS) {
            cmd.addSubcommand(c);
        }
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler((ex, argv) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr()
                    .println(
                            c.getCommandName().equals("sysql")
                                    ? "sysql: " + ex.getMessage()
                                    : "sysql " + c.getCommandName() + ": " + ex.getMessage() + " (see sysql "
                                            + c.getCommandName() + " -h)");
            return 2;
        });
        cmd.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println("sysql: " + ex.getMessage());
            return 1;
        });
        cmd.setExecutionStrategy(parsed -> {
            // sysql -r F query "…": -r is the shell's, so query would read the live host; say where it goes
            if (parsed.subcommand() != null
                    && parsed.matchedOptions().stream().anyMatch(o -> !o.usageHelp() && !o.versionHelp())) {
                parsed.commandSpec()
                        .commandLine()
                        .getErr()
                        .println("sysql: options before a command are the shell's: put them after it, e.g. sysql "
                                + parsed.subcommand().commandSpec().name() + " "
                                + parsed.matchedOptions().get(0).longestName()
                                + " …");
                return 2;
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        return cmd.execute(args);
    }
}
