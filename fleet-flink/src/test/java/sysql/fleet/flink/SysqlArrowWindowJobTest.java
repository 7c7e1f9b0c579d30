// SPDX-License-Identifier: Apache-2.0
package sysql.fleet.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static sysql.fleet.flink.ArrowRecords.field;
import static sysql.fleet.flink.ArrowRecords.stream;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.serialization.RuntimeContextInitializationContextAdapters;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema.Builder;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * End to end on a local MiniCluster, without Kafka: Arrow records as three hosts export them (one with microsecond
 * timestamps and Int(32) pids, one without the pid column, and a garbage record) go through the decoder, shipped to
 * the task by Java serialization and opened there, into a Flink SQL tumbling window over the rowtime.
 */
class SysqlArrowWindowJobTest {
    private static final long BASE_MS =
            LocalDateTime.of(2026, 12, 5, 4, 0).toInstant(ZoneOffset.UTC).toEpochMilli();

    /** The decoder as a Flink function, the way the Kafka source calls it. */
    private static final class Decode extends RichFlatMapFunction<byte[], RowData>
            implements ResultTypeQueryable<RowData> {
        private static final long serialVersionUID = 1L;
        private final SysqlArrowDeserializationSchema decoder;

        Decode(SysqlArrowDeserializationSchema decoder) {
            this.decoder = decoder;
        }

        @Override
        public void open(OpenContext context) throws Exception {
            decoder.open(RuntimeContextInitializationContextAdapters.deserializationAdapter(getRuntimeContext()));
        }

        @Override
        public void flatMap(byte[] value, Collector<RowData> out) throws Exception {
            decoder.deserialize(value, out);
        }

        @Override
        public TypeInformation<RowData> getProducedType() {
            return decoder.getProducedType();
        }
    }

    /** Host h's 200 rows, 10 ms apart from BASE_MS: two records of two batches of 50. */
    private static List<byte[]> records(String host, boolean micros, ArrowType pid) throws Exception {
        List<ArrowType> types = new ArrayList<>(List.of(
                new ArrowType.Timestamp(micros ? TimeUnit.MICROSECOND : TimeUnit.MILLISECOND, null),
                ArrowType.Utf8.INSTANCE));
        List<String> names = new ArrayList<>(List.of("evt.time", "proc.name"));
        if (pid != null) {
            types.add(pid);
            names.add("proc.pid");
        }
        types.add(ArrowType.Utf8.INSTANCE);
        names.add("host.name");
        types.add(ArrowType.Utf8.INSTANCE);
        names.add("host.id");
        List<org.apache.arrow.vector.types.pojo.Field> fields = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            fields.add(field(names.get(i), types.get(i)));
        }
        Schema schema = new Schema(fields);
        List<byte[]> out = new ArrayList<>();
        int k = 0;
        for (int rec = 0; rec < 2; rec++) {
            List<List<Object[]>> batches = new ArrayList<>();
            for (int b = 0; b < 2; b++) {
                List<Object[]> rows = new ArrayList<>();
                for (int i = 0; i < 50; i++, k++) {
                    long ms = BASE_MS + k * 10L;
                    List<Object> row = new ArrayList<>(List.of(micros ? ms * 1000 + 7 : ms, "proc-" + k % 3));
                    if (pid != null) {
                        row.add(((ArrowType.Int) pid).getBitWidth() == 32 ? (Object) k : (Object) (long) k);
                    }
                    row.add(host);
                    row.add("id-" + host);
                    rows.add(row.toArray());
                }
                batches.add(rows);
            }
            out.add(stream(schema, batches));
        }
        return out;
    }

    @Test
    void tumblingWindowsOverDecodedRecords() throws Exception {
        List<byte[]> records = new ArrayList<>();
        records.addAll(records("h1", false, new ArrowType.Int(64, true)));
        records.add("not arrow".getBytes(StandardCharsets.UTF_8));
        records.addAll(records("h2", false, null));
        records.addAll(records("h3", true, new ArrowType.Int(32, true)));

        RowType type = RowType.of(
                new LogicalType[] {
                    new TimestampType(3),
                    VarCharType.STRING_TYPE,
                    new BigIntType(),
                    VarCharType.STRING_TYPE,
                    VarCharType.STRING_TYPE
                },
                new String[] {"evt.time", "proc.name", "proc.pid", "host.name", "host.id"});
        SysqlArrowDeserializationSchema decoder =
                new SysqlArrowDeserializationSchema(type, InternalTypeInfo.of(type), true);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.getConfig().set("table.local-time-zone", "UTC");
        DataStream<RowData> rows = env.fromData(records).flatMap(new Decode(decoder));
        Builder schema = org.apache.flink.table.api.Schema.newBuilder()
                .columnByExpression("evt_time", "`evt.time`")
                .watermark("evt_time", "evt_time - INTERVAL '1' SECOND");
        tables.createTemporaryView("ev", tables.fromDataStream(rows, schema.build()));
        TableResult r = tables.executeSql("SELECT `host.name`, window_start, COUNT(*) AS c, SUM(`proc.pid`) AS s,"
                + " MAX(`evt.time`) AS last FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(evt_time), INTERVAL '1' SECOND))"
                + " GROUP BY `host.name`, window_start, window_end");
        Map<String, String> got = new TreeMap<>();
        CloseableIterator<Row> it = r.collect(); // closed by hand: its close() may throw InterruptedException
        try {
            while (it.hasNext()) {
                Row row = it.next();
                got.put(
                        row.getField(0) + " " + row.getField(1),
                        row.getField(2) + " " + row.getField(3) + " " + row.getField(4));
            }
        } finally {
            it.close();
        }
        LocalDateTime w0 = LocalDateTime.of(2026, 12, 5, 4, 0, 0);
        LocalDateTime w1 = w0.plusSeconds(1);
        Map<String, String> want = new TreeMap<>();
        for (String h : List.of("h1", "h2", "h3")) {
            String sum0 = h.equals("h2") ? "null" : "4950";
            String sum1 = h.equals("h2") ? "null" : "14950";
            want.put(h + " " + w0, "100 " + sum0 + " " + w0.plusNanos(990_000_000));
            want.put(h + " " + w1, "100 " + sum1 + " " + w1.plusNanos(990_000_000));
        }
        assertEquals(want, got);
    }
}
