// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sysql export "SELECT STREAM …"}: the rows of a query into a Kafka topic, stamped with the host's identity
 * ({@link KafkaExport}), until the query ends or Ctrl-C / SIGTERM stops it. {@code -r FILE --replay} plays a capture
 * file as if live (as a host would have sent it), at {@code --speed} times its recorded pace.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Send the rows of a query to a Kafka topic, stamped with this host's name and id.",
            "A SELECT STREAM is a live export. Arrow IPC record batches (one per record) or JSON (one row per record).",
            "Runs until the query ends or Ctrl-C; exits 0 when every row was delivered, 1 when some were not."
        })
final class ExportCommand implements Callable<Integer> {
    private static final String LABEL = "sysql export";

    @Mixin
    ConnectOptions connect = new ConnectOptions();

    @Mixin
    OneQuery query = new OneQuery();

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(
            names = {"-t", "--topic"},
            paramLabel = "TOPIC",
            required = true,
            description = "The topic the rows go to.")
    String topic;

    @Option(
            names = "--format",
            paramLabel = "arrow|json",
            defaultValue = "arrow",
            description = "arrow: one Arrow IPC stream of a batch of rows per record (the sysql-arrow Flink format);"
                    + " json: one flat JSON object per row (Flink's json format). Default ${DEFAULT-VALUE}.")
    String format;

    @Option(
            names = "--producer-config",
            paramLabel = "FILE.properties",
            description = "Kafka producer settings from a properties file (as kafka-console-producer's); -X wins over"
                    + " it.")
    Path producerConfig;

    @Mixin
    HostOptions host = new HostOptions();

    @Mixin
    ReplayOptions replay = new ReplayOptions();

    @Option(
            names = "--batch-rows",
            paramLabel = "N",
            defaultValue = "" + KafkaExport.Batching.DEFAULT_ROWS,
            description = "Most rows in one Arrow record (default ${DEFAULT-VALUE}).")
    int batchRows;

    @Option(
            names = "--batch-bytes",
            paramLabel = "BYTES",
            defaultValue = "" + KafkaExport.Batching.DEFAULT_BYTES,
            description = "About the most bytes of rows in one Arrow record (default ${DEFAULT-VALUE}; a broker takes"
                    + " records of 1 MiB by default).")
    long batchBytes;

    @Option(
            names = "--linger-ms",
            paramLabel = "MS",
            defaultValue = "" + KafkaExport.Batching.DEFAULT_LINGER_MILLIS,
            description = "A batch that is not full goes out this long after its first row (default ${DEFAULT-VALUE}).")
    long lingerMillis;

    @Option(
            names = "--buffer-mb",
            paramLabel = "MiB",
            defaultValue = "32",
            description = "Most memory the producer holds for a slow or absent broker (its buffer.memory; default"
                    + " ${DEFAULT-VALUE}); past it, rows are counted as not delivered.")
    int bufferMegabytes;

    @Override
    public Integer call() {
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        String query;
        Properties producerSettings;
        KafkaExport.Format encoding;
        try {
            query = this.query.query();
            encoding = format();
            checkBatching();
            producerSettings = producerSettings();
            String replayProblem = replay.applyTo(connect);
            if (replayProblem != null) {
                throw new IllegalArgumentException(replayProblem);
            }
        } catch (IllegalArgumentException | IOException e) {
            err.println(LABEL + ": " + e.getMessage());
            return 2;
        }
        Producer<byte[], byte[]> producer;
        try {
            producer = new KafkaProducer<>(producerSettings, new ByteArraySerializer(), new ByteArraySerializer());
        } catch (KafkaException e) {
            err.println(LABEL + ": cannot make a Kafka producer: " + KafkaOptions.firstLine(e) + " (check -b and -X)");
            return 2;
        }
        KafkaExport export = new KafkaExport(producer, topic, encoding, host.identity());
        KafkaExport.Running running = new KafkaExport.Running();
        Interrupts interrupts = Interrupts.install(running::stop);
        Progress progress = new Progress(export, err);
        int status;
        try (BufferAllocator allocator = new RootAllocator();
                Connection c = connect.connectForQueries();
                Statement st = c.createStatement()) {
            running.started(st);
            try (ResultSet rs = st.executeQuery(query)) {
                export.run(
                        rs,
                        allocator,
                        new KafkaExport.Batching(batchRows, batchBytes, lingerMillis),
                        running,
                        progress::maybeReport);
            }
            status = 0;
        } catch (SQLException | RuntimeException e) {
            status = interrupts.raised() ? 0 : 1;
            if (!interrupts.raised()) {
                err.println(LABEL + ": " + KafkaOptions.firstLine(e));
            }
        } finally {
            interrupts.close();
        }
        export.flush(30_000);
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (KafkaException e) {
            // what it could not send is counted below
        }
        export.summary(err, LABEL);
        KafkaExport.Stats s = export.stats();
        if (status == 0 && s.rowsSent() < s.rowsRead()) {
            status = 1;
        }
        return interrupts.terminated() ? 143 : status;
    }

    /** Says, at most every 10 s, how many rows the broker did not take since the last time. */
    private static final class Progress {
        private final KafkaExport export;
        private final PrintWriter err;
        private long reported;
        private long lastNanos = System.nanoTime();

        Progress(KafkaExport export, PrintWriter err) {
            this.export = export;
            this.err = err;
        }

        void maybeReport() {
            long now = System.nanoTime();
            if (now - lastNanos < 10_000_000_000L) {
                return;
            }
            lastNanos = now;
            long n = export.stats().rowsNotDelivered();
            if (n > reported) {
                err.println(LABEL + ": " + (n - reported) + " rows not delivered in the last 10 s (" + n + " in all): "
                        + export.lastFailure());
                reported = n;
            }
        }
    }

    private KafkaExport.Format format() {
        try {
            return KafkaExport.Format.valueOf(format.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--format " + format + " is not one sysql export writes: arrow or json");
        }
    }

    private void checkBatching() {
        if (batchRows < 1 || batchRows > 1_000_000) {
            throw new IllegalArgumentException("--batch-rows " + batchRows + " is out of range: 1 to 1000000");
        }
        if (batchBytes < 1024) {
            throw new IllegalArgumentException("--batch-bytes " + batchBytes + " is too small: at least 1024");
        }
        if (lingerMillis < 0 || lingerMillis > 600_000) {
            throw new IllegalArgumentException("--linger-ms " + lingerMillis + " is out of range: 0 to 600000");
        }
        if (bufferMegabytes < 1 || bufferMegabytes > 65536) {
            throw new IllegalArgumentException("--buffer-mb " + bufferMegabytes + " is out of range: 1 to 65536");
        }
    }

    /**
     * The producer's settings: sysql's defaults (lz4 compression, the buffer, a 1 s wait for room or for the topic's
     * metadata), then the file's, then -X's; a setting Kafka's producer does not know is refused (a typo would be
     * ignored with a log line nobody sees).
     */
    Properties producerSettings() throws IOException {
        Properties p = KafkaOptions.producerDefaults("sysql-export");
        p.setProperty(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString((long) bufferMegabytes << 20));
        List<String> unknown = new ArrayList<>();
        if (producerConfig != null) {
            Properties file = new Properties();
            try (Reader r = Files.newBufferedReader(producerConfig, StandardCharsets.UTF_8)) {
                file.load(r);
            } catch (IOException e) {
                throw new IOException("cannot read --producer-config " + producerConfig + ": "
                        + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
            }
            file.stringPropertyNames().forEach(k -> put(p, k, file.getProperty(k), unknown));
        }
        kafka.settings.forEach((k, v) -> put(p, k, v, unknown));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("not a Kafka producer setting: " + String.join(", ", unknown)
                    + " (see https://kafka.apache.org/documentation/#producerconfigs)");
        }
        for (String fixed :
                List.of(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG)) {
            if (p.containsKey(fixed)) {
                throw new IllegalArgumentException(fixed + " is sysql export's own: leave it out");
            }
        }
        if (p.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("give the brokers with -b, not bootstrap.servers");
        }
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap);
        return p;
    }

    private static void put(Properties p, String key, String value, List<String> unknown) {
        if (!ProducerConfig.configNames().contains(key)) {
            unknown.add(key);
        }
        p.setProperty(key, value);
    }
}
