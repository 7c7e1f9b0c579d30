package sysql.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code sysql} command. For now its main job prints live events (sysdig's default output); issue by
 * issue it becomes the SQL shell.
 */
@Command(name = "sysql", mixinStandardHelpOptions = true, version = "sysql 0.1.0",
        description = "SQL over the system calls of a live Linux host. Without a subcommand: print live events.",
        subcommands = {CountCommand.class, CaptureCommand.class, CommandLine.HelpCommand.class})
public final class Sysql implements Callable<Integer> {

    @Mixin
    CaptureOptions capture = new CaptureOptions();

    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "Stop after N events (default: until Ctrl-C).")
    long count = -1;

    @Option(names = {"-d", "--duration"}, paramLabel = "SECONDS", description = "Stop after this many seconds.")
    double durationSeconds = -1;

    @Override
    public Integer call() {
        return new LivePrinter(this).run(new PrintWriter(System.out, false), new PrintWriter(System.err, true));
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line; returns the exit code. */
    public static int run(String... args) {
        CommandLine cmd = new CommandLine(new Sysql());
        cmd.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println("sysql: " + ex.getMessage());
            return 1;
        });
        return cmd.execute(args);
    }
}
