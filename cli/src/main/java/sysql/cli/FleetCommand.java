// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sysql.calcite.SysqlException;
import sysql.calcite.sql.FleetQueries;
import sysql.calcite.sql.SqlScript;

/**
 * {@code sysql fleet "SELECT STREAM …"}: one query over every host of a fleet. It is split ({@link FleetQueries}):
 * the host part goes to every {@code sysql agent} on the control topic ({@link FleetControl}) and sends its rows to
 * a topic of this query's own; the global part runs as a Flink SQL job over that topic ({@link FleetPlan}, on Flink's
 * local cluster in this process), whose rows are printed as they come. Ctrl-C (or the query's LIMIT) stops both
 * parts: the Flink job is cancelled, the hosts are told to stop, and the query's topic is deleted.
 */
@Command(
        name = "fleet",
        mixinStandardHelpOptions = true,
        description = {
            "Run a streaming query over every host of a fleet: each host (sysql agent) runs its filter, projection and",
            "per-window partial aggregates, Flink adds them up; the rows print as the windows close, until Ctrl-C."
        })
final class FleetCommand implements Callable<Integer> {
    private static final String LABEL = "sysql fleet";

    @Parameters(arity = "0..1", paramLabel = "SQL", description = "The query (or use -f).")
    String sql;

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE.sql",
            description = "Read the query from this file.")
    Path sqlFile;

    @Option(
            names = {"-b", "--bootstrap-server"},
            paramLabel = "HOST:PORT[,...]",
            required = true,
            description = "The fleet's Kafka brokers.")
    String bootstrap;

    @Option(
            names = "--control-topic",
            paramLabel = "TOPIC",
            defaultValue = FleetControl.DEFAULT_TOPIC,
            description = "The topic the agents take fleet queries from (default ${DEFAULT-VALUE}).")
    String controlTopic;

    @Option(
            names = "-X",
            paramLabel = "SETTING=VALUE",
            description = "A Kafka client setting (security.protocol=SSL, sasl.mechanism=...), given to each client"
                    + " that knows it, Flink's Kafka source included; may be repeated.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table, csv, tsv or json (one object per line); default ${DEFAULT-VALUE}.")
    ResultPrinter.Format format = ResultPrinter.Format.TABLE;

    @Option(
            names = "--lateness",
            paramLabel = "SECONDS",
            defaultValue = "5",
            description = "How long after one host another host's rows of a window may still come (default"
                    + " ${DEFAULT-VALUE}); later ones are dropped by Flink.")
    int latenessSeconds;

    @Override
    public Integer call() {
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        FleetQueries.Split split;
        try {
            split = FleetQueries.split(query());
            List<String> unknown = FleetControl.unknownSettings(settings);
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("not a Kafka client setting: " + String.join(", ", unknown));
            }
            if (latenessSeconds < 0 || latenessSeconds > 3600) {
                throw new IllegalArgumentException("--lateness " + latenessSeconds + " is out of range: 0 to 3600");
            }
            if (format.binary()) {
                throw new IllegalArgumentException("--format " + format.name().toLowerCase(java.util.Locale.ROOT)
                        + " is not one sysql fleet prints: table, csv, tsv or json");
            }
        } catch (IllegalArgumentException | SysqlException | IOException e) {
            err.println(LABEL + ": " + e.getMessage());
            return 2;
        }
        Map<String, String> columns;
        try {
            columns = FleetPlan.hostColumns(split.hostSql());
        } catch (SQLException e) {
            err.println(LABEL + ": " + FleetJob.firstLine(e));
            return 2;
        }
        AtomicReference<FleetJob> running = new AtomicReference<>();
        AtomicBoolean stopped = new AtomicBoolean();
        Interrupts interrupts = Interrupts.install(() -> {
            stopped.set(true);
            FleetJob j = running.get();
            if (j != null) {
                j.close();
            }
        });
        int status = 0;
        FleetJob job = null;
        try {
            job = FleetJob.start(
                    split,
                    columns,
                    new FleetJob.Settings(bootstrap, controlTopic, settings, Duration.ofSeconds(latenessSeconds)),
                    err);
            running.set(job);
            if (stopped.get()) {
                job.close();
            }
            PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
            FleetPrinter printer = new FleetPrinter(format, job.labels(), out);
            while (!job.ended()) {
                Object[] row = job.poll(500);
                if (row != null) {
                    printer.print(row);
                }
            }
            printer.end();
        } catch (IOException e) {
            if (!stopped.get()) {
                err.println(LABEL + ": " + FleetJob.firstLine(e) + (job == null ? " (check -b and -X)" : ""));
                status = 1;
            }
        } finally {
            if (job != null) {
                job.close();
            }
            interrupts.close();
        }
        return interrupts.terminated() ? 143 : status;
    }

    private String query() throws IOException {
        String text;
        if (sql != null && sqlFile != null) {
            throw new IllegalArgumentException("give the query as an argument or with -f, not both");
        }
        if (sqlFile != null) {
            if (!Files.isReadable(sqlFile)) {
                throw new IllegalArgumentException("cannot read " + sqlFile + ": no such file or not readable");
            }
            text = Files.readString(sqlFile);
        } else if (sql != null) {
            text = sql;
        } else {
            throw new IllegalArgumentException("no query given: pass one as an argument or with -f FILE.sql");
        }
        List<String> statements = SqlScript.statements(text);
        if (statements.size() != 1) {
            throw new IllegalArgumentException(
                    "sysql fleet runs one query (" + statements.size() + " statements given)");
        }
        return statements.get(0);
    }
}
