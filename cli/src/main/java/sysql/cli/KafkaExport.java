// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import sysql.server.ArrowRows;
import sysql.server.FlightBatches;

/**
 * The rows of one query into a Kafka topic ({@code sysql export}), each stamped with the host's identity.
 *
 * <p>The rows are read on a thread of their own straight into Arrow batches ({@link ArrowRows}, the typed column
 * writers Flight SQL uses): a batch goes out when it holds {@code batchRows} rows or {@code batchBytes} bytes, or
 * {@code lingerMillis} after its first row. In the {@link Format#ARROW arrow} format a batch is one Kafka record, a
 * whole Arrow IPC stream (schema, the batch, end marker) of the query's columns then {@code host.name} and {@code
 * host.id}; in {@link Format#JSON json} each row is one record, a flat JSON object keyed by the column names (what
 * Flink's {@code json} format reads). The record key is the host id, so a host's records keep their order.
 *
 * <p>Memory is bounded: two batches here, and the producer's {@code buffer.memory}. When the broker is slow or down,
 * the producer's buffer fills; a send that cannot get room within {@code max.block.ms}, and a record the broker never
 * acknowledged within {@code delivery.timeout.ms}, are counted as rows not delivered ({@link #stats()}) and the rows
 * after them go on. While a send waits, rows wait in the two batches; past them, a live stream's capture subscription
 * drops and counts its events ({@code capture_subscriptions}).
 */
final class KafkaExport {
    /** How rows are encoded in records. */
    enum Format {
        ARROW,
        JSON
    }

    /** What the export did so far. */
    record Stats(long rowsRead, long rowsSent, long rowsNotDelivered, long records, long bytes) {}

    private static final DateTimeFormatter SQL_TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Format format;
    private final HostIdentity host;
    private final byte[] key;
    private final RecordHeaders headers = new RecordHeaders();
    private final AtomicLong rowsRead = new AtomicLong();
    private final AtomicLong rowsSent = new AtomicLong();
    private final AtomicLong rowsNotDelivered = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicReference<String> lastFailure = new AtomicReference<>();
    private final ByteArrayOutputStream encoded = new ByteArrayOutputStream(1 << 16);
    private final JsonFactory json = new JsonFactory();

    KafkaExport(Producer<byte[], byte[]> producer, String topic, Format format, HostIdentity host) {
        this.producer = producer;
        this.topic = topic;
        this.format = format;
        this.host = host;
        this.key = host.id().getBytes(StandardCharsets.UTF_8);
        headers.add(new RecordHeader(
                "sysql.format", format.name().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
        headers.setReadOnly();
    }

    Stats stats() {
        return new Stats(rowsRead.get(), rowsSent.get(), rowsNotDelivered.get(), records.get(), bytes.get());
    }

    /** Why the last record was not delivered (the producer's words), or null. */
    String lastFailure() {
        return lastFailure.get();
    }

    /** How the rows are cut into batches. */
    record Batching(int batchRows, long batchBytes, long lingerMillis) {
        static final int DEFAULT_ROWS = 8192;
        /** Under a broker's largest record by default (1 MiB). */
        static final long DEFAULT_BYTES = 1_000_000;

        static final long DEFAULT_LINGER_MILLIS = 200;
        static final Batching DEFAULTS = new Batching(DEFAULT_ROWS, DEFAULT_BYTES, DEFAULT_LINGER_MILLIS);
    }

    /**
     * A fleet query's ticks: about once a second, a record of one row whose columns are all NULL but {@code column}
     * (a TIMESTAMP), which holds the time {@code lagMillis} before now: no row still to come from this host has an
     * earlier time there. The global part's watermark moves on with it, so a window closes even when no host has a
     * row for a later one (a quiet fleet); the global part leaves the tick rows out. Once the rows have ended (a
     * replayed file's), ticks go on until the export is stopped, so the other hosts' windows still close.
     */
    record Ticks(String column, long lagMillis) {}

    private Ticks ticks;
    private Runnable onStreaming = () -> {};
    private long lastTickNanos;

    /** Sends ticks (a fleet query's), from the next {@link #run} on. */
    KafkaExport ticks(Ticks t) {
        this.ticks = t;
        return this;
    }

    /** Runs {@code r} on the reading thread just before it reads the first row (the query's stream then opens). */
    KafkaExport onStreaming(Runnable r) {
        this.onStreaming = r;
        return this;
    }

    /**
     * Sends the rows of {@code rs} until it ends (or fails: the failure is thrown once every row before it went), or
     * until {@code stop} is called from another thread ({@link Running#stop}); {@code onIdle} runs about once a second
     * (the progress report).
     */
    void run(ResultSet rs, BufferAllocator allocator, Batching batching, Running running, Runnable onIdle)
            throws SQLException {
        Schema schema = FlightBatches.schema(rs.getMetaData());
        List<String> names = new ArrayList<>();
        schema.getFields().forEach(f -> names.add(f.getName()));
        if (names.contains("host.name") || names.contains("host.id")) {
            throw new SQLException("the query has a column named host.name or host.id, which sysql export adds: "
                    + "rename it with AS");
        }
        try (ArrowRows rows = new ArrowRows(
                        rs,
                        schema,
                        allocator,
                        2 * batching.batchRows(),
                        2 * batching.batchBytes(),
                        batching.lingerMillis());
                VectorSchemaRoot into = VectorSchemaRoot.create(schema, allocator);
                VarCharVector hostName = new VarCharVector("host.name", allocator);
                VarCharVector hostId = new VarCharVector("host.id", allocator)) {
            rows.start(task -> {
                Thread reader = new Thread(
                        () -> {
                            onStreaming.run();
                            task.run();
                        },
                        "sysql-export-rows");
                reader.setDaemon(true);
                reader.start();
            });
            List<FieldVector> vectors = new ArrayList<>(into.getFieldVectors());
            vectors.add(hostName);
            vectors.add(hostId);
            // the same vectors, each closed by its own owner above
            VectorSchemaRoot out = new VectorSchemaRoot(vectors);
            {
                byte[] name = host.name().getBytes(StandardCharsets.UTF_8);
                byte[] id = key;
                while (true) {
                    int n;
                    try {
                        n = rows.take(into, 1000);
                    } catch (SQLException e) {
                        if (running.stopped()) {
                            return;
                        }
                        throw e;
                    }
                    if (n < 0) {
                        while (ticks != null
                                && !running.stopped()
                                && !Thread.currentThread().isInterrupted()) {
                            tick(into, out, hostName, hostId, name);
                            sleep(200);
                        }
                        return;
                    }
                    if (n == 0) {
                        if (running.stopped()) {
                            return; // a stop whose cancel the query missed
                        }
                        tick(into, out, hostName, hostId, name);
                        onIdle.run();
                        continue;
                    }
                    rowsRead.addAndGet(n);
                    hostName.allocateNew(n);
                    hostId.allocateNew(n);
                    for (int i = 0; i < n; i++) {
                        hostName.setSafe(i, name);
                        hostId.setSafe(i, id);
                    }
                    hostName.setValueCount(n);
                    hostId.setValueCount(n);
                    out.setRowCount(n);
                    if (format == Format.ARROW) {
                        send(arrowRecord(out), n);
                    } else {
                        for (int i = 0; i < n; i++) {
                            if (!send(jsonRecord(out, i), 1)) {
                                // the producer has no room: the rest of the batch would wait a second a row
                                notDelivered(n - i - 1, null);
                                break;
                            }
                        }
                    }
                    tick(into, out, hostName, hostId, name);
                    onIdle.run();
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends a tick if one is due (one a second); {@code into} and the host columns are free between batches. */
    private void tick(
            VectorSchemaRoot into, VectorSchemaRoot out, VarCharVector hostName, VarCharVector hostId, byte[] name) {
        long now = System.nanoTime();
        if (ticks == null || now - lastTickNanos < 1_000_000_000L) {
            return;
        }
        lastTickNanos = now;
        into.allocateNew(); // every value NULL
        FieldVector v = into.getVector(ticks.column());
        if (!(v instanceof TimeStampMilliVector t)) {
            throw new IllegalStateException("the tick column " + ticks.column() + " is not a TIMESTAMP");
        }
        t.setSafe(0, System.currentTimeMillis() - ticks.lagMillis());
        into.setRowCount(1);
        hostName.allocateNew(1);
        hostId.allocateNew(1);
        hostName.setSafe(0, name);
        hostId.setSafe(0, key);
        hostName.setValueCount(1);
        hostId.setValueCount(1);
        out.setRowCount(1);
        byte[] value = arrowRecord(out);
        try {
            var unused = producer.send(new ProducerRecord<>(topic, null, key, value, headers));
        } catch (KafkaException | IllegalStateException e) {
            // a tick the broker does not take is not a row: the next one says the same, later
        }
    }

    /** Hands one record of {@code rows} rows to the producer; counts it as not delivered if it cannot. */
    private boolean send(byte[] value, int rows) {
        try {
            // the callback is where the outcome is counted, the future is not needed
            var unused = producer.send(new ProducerRecord<>(topic, null, key, value, headers), (metadata, e) -> {
                if (e == null) {
                    rowsSent.addAndGet(rows);
                } else {
                    notDelivered(rows, e);
                }
            });
            records.incrementAndGet();
            bytes.addAndGet(value.length);
            return true;
        } catch (KafkaException | IllegalStateException e) {
            notDelivered(rows, e);
            return false;
        }
    }

    /** Counts rows not delivered, and why (null: the reason already said). */
    private void notDelivered(int rows, Exception e) {
        rowsNotDelivered.addAndGet(rows);
        if (e != null) {
            lastFailure.set(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** The batch as one Arrow IPC stream. */
    private byte[] arrowRecord(VectorSchemaRoot out) {
        encoded.reset();
        try (ArrowStreamWriter w = new ArrowStreamWriter(out, null, Channels.newChannel(encoded))) {
            w.start();
            w.writeBatch();
            w.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return encoded.toByteArray();
    }

    /** Row {@code i} as one flat JSON object (the values as Flink's json format reads them). */
    private byte[] jsonRecord(VectorSchemaRoot out, int i) {
        encoded.reset();
        try (JsonGenerator g = json.createGenerator(encoded)) {
            g.writeStartObject();
            for (FieldVector v : out.getFieldVectors()) {
                g.writeFieldName(v.getName());
                if (v.isNull(i)) {
                    g.writeNull();
                } else {
                    writeJson(g, v, i);
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return encoded.toByteArray();
    }

    private static void writeJson(JsonGenerator g, FieldVector v, int i) throws IOException {
        if (v instanceof BigIntVector x) {
            g.writeNumber(x.get(i));
        } else if (v instanceof IntVector x) {
            g.writeNumber(x.get(i));
        } else if (v instanceof SmallIntVector x) {
            g.writeNumber(x.get(i));
        } else if (v instanceof TinyIntVector x) {
            g.writeNumber(x.get(i));
        } else if (v instanceof BitVector x) {
            g.writeBoolean(x.get(i) != 0);
        } else if (v instanceof Float8Vector x) {
            g.writeNumber(x.get(i));
        } else if (v instanceof Float4Vector x) {
            g.writeNumber(x.get(i));
        } else if (v instanceof DecimalVector x) {
            g.writeNumber(x.getObject(i));
        } else if (v instanceof TimeStampMilliVector x) {
            long ms = x.get(i);
            g.writeString(SQL_TIMESTAMP.format(LocalDateTime.ofEpochSecond(
                    Math.floorDiv(ms, 1000), Math.floorMod(ms, 1000) * 1_000_000, ZoneOffset.UTC)));
        } else if (v instanceof DateDayVector x) {
            g.writeString(LocalDate.ofEpochDay(x.get(i)).toString());
        } else if (v instanceof TimeMilliVector x) {
            g.writeString(LocalTime.ofNanoOfDay(x.get(i) * 1_000_000L).toString());
        } else if (v instanceof VarBinaryVector x) {
            g.writeString(Base64.getEncoder().encodeToString(x.get(i)));
        } else if (v instanceof VarCharVector x) {
            byte[] utf8 = x.get(i);
            g.writeUTF8String(utf8, 0, utf8.length);
        } else {
            g.writeString(String.valueOf(v.getObject(i)));
        }
    }

    /**
     * Sends what the producer holds and waits up to {@code wait} for the broker to acknowledge it; what it did not
     * by then is counted as not delivered when the producer closes.
     */
    void flush(long waitMillis) {
        Thread t = new Thread(producer::flush, "sysql-export-flush");
        t.setDaemon(true);
        t.start();
        try {
            t.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The one-line summary. */
    void summary(PrintWriter err, String label) {
        Stats s = stats();
        long pending = s.rowsRead() - s.rowsSent() - s.rowsNotDelivered();
        err.println(label + ": " + s.rowsRead() + " rows read, " + s.rowsSent() + " delivered in " + s.records()
                + " records (" + s.bytes() + " bytes), " + (s.rowsNotDelivered() + pending) + " not delivered"
                + (lastFailure() != null && s.rowsNotDelivered() + pending > 0 ? " (" + lastFailure() + ")" : ""));
    }

    /** The running export as another thread (Ctrl-C) sees it. */
    static final class Running {
        private volatile java.sql.Statement statement;
        private volatile boolean stopped;

        void started(java.sql.Statement s) {
            statement = s;
            if (stopped) {
                stop();
            }
        }

        /** Stops the query (a cancel): the rows read before it still go to the producer, then the export ends. */
        void stop() {
            stopped = true;
            java.sql.Statement s = statement;
            if (s != null) {
                try {
                    s.cancel();
                } catch (SQLException e) {
                    // ending anyway
                }
            }
        }

        boolean stopped() {
            return stopped;
        }
    }
}
