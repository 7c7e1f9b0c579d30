// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import sysql.testing.TestData;

/**
 * What {@link KafkaExport} hands to Kafka's producer (its own {@link MockProducer}, no broker): the rows of a query
 * over a capture file, as Arrow IPC records or JSON records, equal to the query's rows through JDBC, stamped with
 * the host; and the rows the producer could not take, counted.
 */
class KafkaExportTest {
    private static final Path FILE = TestData.scap("libs_curl_google.scap");
    private static final String QUERY = "SELECT evt.num, evt.time, proc.name, evt.failed, evt.latency,"
            + " evt.rawarg.data, thread.tid FROM events";
    private static final HostIdentity HOST = new HostIdentity("web-1", "0123abcd");

    /** The query's rows through JDBC, each value as the export's reader sees it (a timestamp in ms). */
    private static List<List<Object>> jdbcRows() throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sysql:file=" + FILE);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(QUERY)) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                row.add(rs.getLong(1));
                row.add(rs.getTimestamp(2, java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC")))
                        .getTime());
                row.add(rs.getString(3));
                row.add(rs.getBoolean(4));
                long latency = rs.getLong(5);
                row.add(rs.wasNull() ? null : latency);
                row.add(rs.getBytes(6));
                row.add(rs.getLong(7));
                rows.add(row);
            }
        }
        return rows;
    }

    private static KafkaExport export(MockProducer<byte[], byte[]> producer, KafkaExport.Format format, int batchRows)
            throws SQLException {
        KafkaExport export = new KafkaExport(producer, "events", format, HOST);
        try (BufferAllocator allocator = new RootAllocator();
                Connection c = DriverManager.getConnection("jdbc:sysql:file=" + FILE);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(QUERY)) {
            KafkaExport.Running running = new KafkaExport.Running();
            running.started(st);
            export.run(rs, allocator, new KafkaExport.Batching(batchRows, 1 << 20, 50), running, () -> {});
        }
        return export;
    }

    private static void assertSameRow(List<Object> expected, List<Object> got, int n) {
        assertEquals(expected.size(), got.size());
        for (int j = 0; j < expected.size(); j++) {
            if (expected.get(j) instanceof byte[] b) {
                assertArrayEquals(b, (byte[]) got.get(j), "row " + n + " column " + j);
            } else {
                assertEquals(expected.get(j), got.get(j), "row " + n + " column " + j);
            }
        }
    }

    @Test
    void arrowRecordsHoldTheQuerysRowsAndTheHostInBatches() throws Exception {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaExport export = export(producer, KafkaExport.Format.ARROW, 100);
        List<List<Object>> expected = jdbcRows();
        List<List<Object>> got = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator()) {
            for (ProducerRecord<byte[], byte[]> r : producer.history()) {
                assertEquals("events", r.topic());
                assertArrayEquals(HOST.id().getBytes(StandardCharsets.UTF_8), r.key());
                assertEquals(
                        "arrow",
                        new String(r.headers().lastHeader("sysql.format").value(), StandardCharsets.UTF_8));
                try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(r.value()), allocator)) {
                    VectorSchemaRoot root = reader.getVectorSchemaRoot();
                    assertEquals(
                            List.of(
                                    "evt.num",
                                    "evt.time",
                                    "proc.name",
                                    "evt.failed",
                                    "evt.latency",
                                    "evt.rawarg.data",
                                    "thread.tid",
                                    "host.name",
                                    "host.id"),
                            root.getSchema().getFields().stream()
                                    .map(f -> f.getName())
                                    .toList());
                    int batches = 0;
                    while (reader.loadNextBatch()) {
                        batches++;
                        assertTrue(root.getRowCount() >= 1 && root.getRowCount() <= 100, "rows " + root.getRowCount());
                        for (int i = 0; i < root.getRowCount(); i++) {
                            List<FieldVector> v = root.getFieldVectors();
                            List<Object> row = new ArrayList<>();
                            row.add(v.get(0).getObject(i));
                            row.add(((LocalDateTime) v.get(1).getObject(i))
                                    .toInstant(ZoneOffset.UTC)
                                    .toEpochMilli());
                            row.add(Objects.toString(v.get(2).getObject(i), null));
                            row.add(v.get(3).getObject(i));
                            row.add(v.get(4).getObject(i));
                            row.add(v.get(5).getObject(i));
                            row.add(v.get(6).getObject(i));
                            got.add(row);
                            assertEquals("web-1", v.get(7).getObject(i).toString());
                            assertEquals("0123abcd", v.get(8).getObject(i).toString());
                        }
                    }
                    assertEquals(1, batches, "one batch per record");
                }
            }
        }
        assertEquals(expected.size(), got.size());
        for (int n = 0; n < expected.size(); n++) {
            assertSameRow(expected.get(n), got.get(n), n);
        }
        assertTrue(producer.history().size() >= expected.size() / 100);
        KafkaExport.Stats s = export.stats();
        assertEquals(expected.size(), s.rowsRead());
        assertEquals(expected.size(), s.rowsSent());
        assertEquals(0, s.rowsNotDelivered());
        assertEquals(producer.history().size(), s.records());
        assertEquals(
                producer.history().stream().mapToLong(r -> r.value().length).sum(), s.bytes());
    }

    @Test
    void jsonRecordsAreOneFlatObjectPerRowAsFlinksJsonFormatReadsThem() throws Exception {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaExport export = export(producer, KafkaExport.Format.JSON, 8192);
        List<List<Object>> expected = jdbcRows();
        assertEquals(expected.size(), producer.history().size());
        ObjectMapper json = new ObjectMapper();
        java.time.format.DateTimeFormatter sql =
                java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
        for (int n = 0; n < expected.size(); n++) {
            JsonNode o = json.readTree(producer.history().get(n).value());
            List<Object> e = expected.get(n);
            assertEquals(9, o.size());
            assertEquals(e.get(0), o.get("evt.num").asLong());
            assertEquals(
                    sql.format(LocalDateTime.ofEpochSecond(
                            Math.floorDiv((Long) e.get(1), 1000),
                            Math.floorMod((Long) e.get(1), 1000) * 1_000_000,
                            ZoneOffset.UTC)),
                    o.get("evt.time").asText());
            assertEquals(
                    e.get(2),
                    o.get("proc.name").isNull() ? null : o.get("proc.name").asText());
            assertEquals(e.get(3), o.get("evt.failed").asBoolean());
            if (e.get(4) == null) {
                assertTrue(o.get("evt.latency").isNull());
            } else {
                assertEquals(e.get(4), o.get("evt.latency").asLong());
            }
            if (e.get(5) == null) {
                assertTrue(o.get("evt.rawarg.data").isNull());
            } else {
                assertArrayEquals(
                        (byte[]) e.get(5),
                        Base64.getDecoder().decode(o.get("evt.rawarg.data").asText()));
            }
            assertEquals("web-1", o.get("host.name").asText());
            assertEquals("0123abcd", o.get("host.id").asText());
        }
        assertEquals(expected.size(), export.stats().rowsSent());
    }

    @Test
    void rowsTheProducerCannotTakeAreCountedAndTheExportGoesOn() throws Exception {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        producer.sendException =
                new KafkaException("Failed to allocate memory within the configured max blocking time");
        KafkaExport export = export(producer, KafkaExport.Format.ARROW, 100);
        int rows = jdbcRows().size();
        KafkaExport.Stats s = export.stats();
        assertEquals(rows, s.rowsRead());
        assertEquals(0, s.rowsSent());
        assertEquals(rows, s.rowsNotDelivered());
        assertTrue(export.lastFailure().contains("Failed to allocate memory"), export.lastFailure());
    }

    @Test
    void rowsTheBrokerNeverAcknowledgedAreCounted() throws Exception {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaExport export = export(producer, KafkaExport.Format.ARROW, 100);
        int records = producer.history().size();
        assertTrue(records >= 2, "records " + records);
        assertTrue(producer.completeNext());
        int failed = 0;
        while (producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("Expiring 1 record(s)"))) {
            failed++;
        }
        assertEquals(records - 1, failed);
        KafkaExport.Stats s = export.stats();
        assertEquals(s.rowsRead(), s.rowsSent() + s.rowsNotDelivered());
        assertTrue(s.rowsSent() >= 1 && s.rowsSent() <= 100, "sent " + s.rowsSent());
        assertTrue(export.lastFailure().startsWith("TimeoutException: Expiring"), export.lastFailure());
    }

    @Test
    void aColumnNamedLikeTheHostsIsRefused() throws Exception {
        MockProducer<byte[], byte[]> producer = new MockProducer<>();
        KafkaExport export = new KafkaExport(producer, "events", KafkaExport.Format.ARROW, HOST);
        try (BufferAllocator allocator = new RootAllocator();
                Connection c = DriverManager.getConnection("jdbc:sysql:file=" + FILE);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT proc.name AS \"host.name\" FROM events")) {
            SQLException e = assertThrows(
                    SQLException.class,
                    () -> export.run(
                            rs,
                            allocator,
                            new KafkaExport.Batching(10, 1 << 20, 50),
                            new KafkaExport.Running(),
                            () -> {}));
            assertTrue(e.getMessage().contains("rename it with AS"), e.getMessage());
        }
        assertFalse(producer.history().iterator().hasNext());
        assertNull(export.lastFailure());
    }
}
