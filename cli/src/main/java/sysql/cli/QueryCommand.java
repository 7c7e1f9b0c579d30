// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sysql.calcite.sql.SqlScript;

/**
 * {@code sysql query "SQL"} (or {@code -f FILE.sql}): runs the statements and prints their rows, for scripts.
 * A streaming query prints its rows as they arrive (flushed per row) until it ends or Ctrl-C / SIGTERM stops
 * it; then the command exits 0 (143 after SIGTERM).
 */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = {
            "Run SQL and print the rows (table, csv, tsv or json lines).",
            "A SELECT STREAM prints rows as they arrive until Ctrl-C, then exits 0."
        })
final class QueryCommand implements Callable<Integer> {
    @Mixin
    ConnectOptions connect = new ConnectOptions();

    @Parameters(arity = "0..1", paramLabel = "SQL", description = "The statement(s) to run (or use -f).")
    String sql;

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE.sql",
            description = "Read the statements from this file.")
    Path sqlFile;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Mixin
    FleetConfigOption fleetConfig = new FleetConfigOption();

    @Override
    public Integer call() {
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        String text;
        try {
            text = text();
        } catch (IllegalArgumentException | IOException e) {
            err.println("sysql query: " + e.getMessage());
            return 2;
        }
        List<String> statements = SqlScript.statements(text);
        if (statements.isEmpty()) {
            err.println("sysql query: no SQL statement given: pass one as an argument or with -f FILE.sql");
            return 2;
        }
        return run(fleetConfig.applyTo(connect), statements, output, err, "sysql");
    }

    /**
     * Runs the statements in order on one connection, printing each one's rows (a stream's as they arrive) until
     * the last ends or Ctrl-C / SIGTERM stops it: 0, or 143 after SIGTERM; 1 after an error, printed as one line
     * starting with {@code label} (2 for output options that cannot be).
     */
    static int run(
            ConnectOptions connect, List<String> statements, OutputOptions output, PrintWriter err, String label) {
        String problem = output.problem(statements.size());
        if (problem != null) {
            err.println(label + ": " + problem);
            return 2;
        }
        ResultPrinter.Format format = output.format;
        OutputStream sink;
        try {
            sink = output.open();
        } catch (IOException e) {
            err.println(label + ": cannot write to " + output.file + ": " + why(e));
            return 1;
        }
        PrintWriter out = new PrintWriter(new OutputStreamWriter(sink, StandardCharsets.UTF_8), false);
        AtomicReference<Statement> running = new AtomicReference<>();
        Interrupts interrupts = Interrupts.install(() -> cancel(running.get()));
        WarningsReader warnings = new WarningsReader();
        try (Connection c = connect.connectForQueries()) {
            for (String s : statements) {
                if (interrupts.raised()) {
                    break;
                }
                try (Statement st = c.createStatement()) {
                    running.set(st);
                    // whether it is a stream (how a table prints) is known by parsing, done while the query starts;
                    // the binary formats write a stream as any result
                    CompletableFuture<Boolean> stream = format.binary()
                            ? CompletableFuture.completedFuture(false)
                            : CompletableFuture.supplyAsync(() -> SqlScript.isStream(s));
                    try (ResultSet rs = st.executeQuery(s)) {
                        if (format == ResultPrinter.Format.ARROW) {
                            ArrowResultWriter.write(rs, sink);
                        } else if (format == ResultPrinter.Format.PARQUET) {
                            ParquetResultWriter.write(rs, output.file);
                        } else {
                            ResultPrinter.print(rs, format, stream.join(), out);
                        }
                    }
                } finally {
                    running.set(null);
                }
                for (String w : warnings.next(c)) {
                    out.flush();
                    err.println(label + ": warning: " + w);
                    err.flush();
                }
            }
            out.flush();
            return interrupts.terminated() ? 143 : 0;
        } catch (SQLException | IOException | UncheckedIOException e) {
            out.flush();
            if (interrupts.raised()) {
                return interrupts.terminated() ? 143 : 0;
            }
            err.println(label + ": " + e.getMessage());
            return 1;
        } finally {
            interrupts.close();
            try {
                sink.close(); // standard output stays open
            } catch (IOException e) {
                err.println(label + ": cannot write to " + (output.file != null ? output.file : "standard output")
                        + ": " + why(e));
            }
        }
    }

    /** A file's I/O error in words (the JDK's names only the path for some). */
    private static String why(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage();
    }

    private static void cancel(Statement st) {
        if (st != null) {
            try {
                st.cancel();
            } catch (SQLException e) {
                // the statement is ending anyway
            }
        }
    }

    private String text() throws IOException {
        if (sql != null && sqlFile != null) {
            throw new IllegalArgumentException("give the SQL as an argument or with -f, not both");
        }
        if (sqlFile != null) {
            if (!Files.isReadable(sqlFile)) {
                throw new IllegalArgumentException("cannot read " + sqlFile + ": no such file or not readable");
            }
            return Files.readString(sqlFile);
        }
        if (sql == null) {
            throw new IllegalArgumentException("no SQL statement given: pass one as an argument or with -f FILE.sql");
        }
        return sql;
    }
}
