// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sysql.calcite.SysqlException;
import sysql.calcite.sql.FleetQueries;

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
            "Run one streaming query over every host of a fleet, its global part in Flink.",
            "Each host (sysql agent) runs the filter, projection and per-window partial aggregates; Flink adds them up;",
            "the rows print as the windows close, until Ctrl-C."
        })
final class FleetCommand implements Callable<Integer> {
    private static final String LABEL = "sysql fleet";

    @Mixin
    OneQuery query = new OneQuery();

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Mixin
    ControlTopicOption control = new ControlTopicOption();

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
            split = FleetQueries.split(query.query());
            List<String> unknown = FleetControl.unknownSettings(kafka.settings);
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
            err.println(LABEL + ": " + KafkaOptions.firstLine(e));
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
                    new FleetJob.Settings(
                            kafka.bootstrap, control.controlTopic, kafka.settings, Duration.ofSeconds(latenessSeconds)),
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
                err.println(LABEL + ": " + KafkaOptions.firstLine(e) + (job == null ? " (check -b and -X)" : ""));
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
}
