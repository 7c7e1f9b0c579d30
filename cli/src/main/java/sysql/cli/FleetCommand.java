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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
            err.println(LABEL + ": " + firstLine(e));
            return 2;
        }
        String id = "q"
                + HexFormat.of().formatHex(longBytes(ThreadLocalRandom.current().nextLong()));
        String topic = controlTopic + "." + id;
        Properties admin = FleetControl.clientSettings(bootstrap, settings, AdminClientConfig.configNames());
        Properties consumer = FleetControl.clientSettings(bootstrap, settings, ConsumerConfig.configNames());
        Properties producerSettings = FleetControl.clientSettings(bootstrap, settings, ProducerConfig.configNames());
        producerSettings.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        Map<String, String> sourceSettings = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) {
                sourceSettings.put(k, v);
            }
        });
        FleetPlan plan = FleetPlan.of(
                split,
                columns,
                topic,
                bootstrap,
                "sysql-fleet-" + id,
                Duration.ofSeconds(latenessSeconds),
                sourceSettings);
        try {
            FleetControl.createTopics(admin, List.of(controlTopic, topic));
        } catch (IOException e) {
            err.println(
                    LABEL + ": cannot make the topics at " + bootstrap + ": " + firstLine(e) + " (check -b and -X)");
            return 1;
        }
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicReference<JobClient> job = new AtomicReference<>();
        Runnable stop = () -> {
            if (stopping.compareAndSet(false, true)) {
                JobClient j = job.get();
                if (j != null) {
                    var unused = j.cancel();
                }
            }
        };
        Interrupts interrupts = Interrupts.install(stop);
        int status = 0;
        try (Producer<byte[], byte[]> producer =
                        new KafkaProducer<>(producerSettings, new ByteArraySerializer(), new ByteArraySerializer());
                KafkaConsumer<byte[], byte[]> answers = FleetControl.tail(consumer, controlTopic)) {
            FleetControl.Message run =
                    FleetControl.Message.run(id, split.hostSql(), topic, plan.tickColumn(), plan.tickLagMillis());
            Thread control = new Thread(
                    () -> control(controlTopic, answers, producer, run, id, stopping, err), "sysql-fleet-control");
            control.setDaemon(true);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            StreamTableEnvironment flink = StreamTableEnvironment.create(env);
            flink.getConfig().set("table.local-time-zone", "UTC");
            flink.executeSql(plan.ddl());
            TableResult result = flink.executeSql(plan.globalSql());
            result.getJobClient().ifPresent(job::set);
            if (stopping.get()) {
                stop.run();
            }
            control.start();
            err.println(
                    LABEL + ": query " + id + " sent to the hosts on " + controlTopic + "; their rows go to " + topic);
            PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
            FleetPrinter printer = new FleetPrinter(format, plan.labels(), out);
            CloseableIterator<Row> it = result.collect();
            try {
                long printed = 0;
                while (!stopping.get() && it.hasNext()) {
                    Row r = it.next();
                    Object[] values = new Object[r.getArity()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = r.getField(i);
                    }
                    printer.print(values);
                    if (split.limit() >= 0 && ++printed >= split.limit()) {
                        break;
                    }
                }
            } catch (RuntimeException e) {
                if (!stopping.get()) {
                    err.println(LABEL + ": the Flink job failed: " + firstLine(e));
                    status = 1;
                }
            } finally {
                stopping.set(true);
                closeQuietly(it);
            }
            printer.end();
            stopping.set(true);
            control.join(5_000); // the consumer is the control thread's until it ends
            FleetControl.send(producer, controlTopic, FleetControl.Message.stop(id));
            producer.flush();
        } catch (IOException | RuntimeException e) {
            err.println(LABEL + ": " + firstLine(e));
            status = 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 1;
        } finally {
            stop.run();
            interrupts.close();
            FleetControl.deleteTopic(admin, topic);
        }
        return interrupts.terminated() ? 143 : status;
    }

    /** Renews the query every few seconds and says what the hosts answer, until it stops. */
    private static void control(
            String controlTopic,
            KafkaConsumer<byte[], byte[]> answers,
            Producer<byte[], byte[]> producer,
            FleetControl.Message run,
            String id,
            AtomicBoolean stopping,
            PrintWriter err) {
        long renewed = 0;
        try {
            while (!stopping.get()) {
                long now = System.nanoTime();
                if (now - renewed >= FleetControl.RENEW_MILLIS * 1_000_000L) {
                    FleetControl.send(producer, controlTopic, run);
                    renewed = now;
                }
                for (FleetControl.Message m : FleetControl.poll(answers, 500)) {
                    if (!id.equals(m.query())) {
                        continue;
                    }
                    String who = "host " + m.hostName() + " (" + m.hostId() + ")";
                    switch (m.op()) {
                        case "running" -> err.println(LABEL + ": " + who + " runs the query");
                        case "stopped" ->
                            err.println(LABEL + ": " + who + " stopped: " + m.rowsRead() + " rows read, "
                                    + m.rowsDelivered() + " delivered");
                        case "failed" -> err.println(LABEL + ": " + who + " could not run the query: " + m.detail());
                        default -> {
                            // the fleet's own messages
                        }
                    }
                }
            }
        } catch (KafkaException e) {
            if (!stopping.get()) {
                err.println(LABEL + ": the control topic failed: " + firstLine(e));
            }
        }
    }

    /** Closes the job's rows (which cancels the job if it still runs). */
    private static void closeQuietly(CloseableIterator<Row> it) {
        try {
            it.close();
        } catch (Exception e) {
            // the job is going away either way
        }
    }

    private static byte[] longBytes(long v) {
        return java.nio.ByteBuffer.allocate(8).putLong(v).array();
    }

    private static String firstLine(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
            t = t.getCause();
        }
        String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
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
