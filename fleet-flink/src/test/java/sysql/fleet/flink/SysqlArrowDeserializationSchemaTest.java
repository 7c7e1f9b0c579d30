// SPDX-License-Identifier: Apache-2.0
package sysql.fleet.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sysql.fleet.flink.ArrowRecords.field;
import static sysql.fleet.flink.ArrowRecords.stream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DateType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.FloatType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.SmallIntType;
import org.apache.flink.table.types.logical.TimeType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.TinyIntType;
import org.apache.flink.table.types.logical.VarBinaryType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.Test;

/** The sysql-arrow decoder on Arrow IPC streams built here: every type, nulls, batches, misfits, garbage. */
class SysqlArrowDeserializationSchemaTest {

    /** 2026-12-05 04:13:22.123456 UTC. */
    private static final long MICROS = 1_796_444_002_123_456L;

    private static final long MILLIS = MICROS / 1000;

    /** What open() gets: a metric group whose skipped-records counter the test can read. */
    private static final class Context implements DeserializationSchema.InitializationContext {
        final SimpleCounter skipped = new SimpleCounter();

        @Override
        public MetricGroup getMetricGroup() {
            return new UnregisteredMetricsGroup() {
                @Override
                public Counter counter(String name) {
                    assertEquals(SysqlArrowDeserializationSchema.SKIPPED_RECORDS_METRIC, name);
                    return skipped;
                }
            };
        }

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
        }
    }

    private static RowType rowType(Object... namesAndTypes) {
        int n = namesAndTypes.length / 2;
        String[] names = new String[n];
        LogicalType[] types = new LogicalType[n];
        for (int i = 0; i < n; i++) {
            names[i] = (String) namesAndTypes[2 * i];
            types[i] = (LogicalType) namesAndTypes[2 * i + 1];
        }
        return RowType.of(types, names);
    }

    private static SysqlArrowDeserializationSchema decoder(RowType type, boolean ignore, Context ctx) throws Exception {
        SysqlArrowDeserializationSchema d =
                new SysqlArrowDeserializationSchema(type, InternalTypeInfo.of(type), ignore);
        d.open(ctx);
        return d;
    }

    private static List<RowData> decode(SysqlArrowDeserializationSchema d, byte[] record) throws Exception {
        List<RowData> out = new ArrayList<>();
        d.deserialize(record, new Collector<RowData>() {
            @Override
            public void collect(RowData r) {
                out.add(r);
            }

            @Override
            public void close() {}
        });
        assertEquals(0, d.allocatedMemory(), "Arrow memory left after the record");
        return out;
    }

    private static Object[] row(Object... values) {
        return values;
    }

    private static List<Object[]> rows(Object[]... rows) {
        return Arrays.asList(rows);
    }

    @Test
    void everyTypeNullsTwoBatchesNonAscii() throws Exception {
        Schema schema = new Schema(List.of(
                field("evt.is_open", ArrowType.Bool.INSTANCE),
                field("i8", new ArrowType.Int(8, true)),
                field("i16", new ArrowType.Int(16, true)),
                field("proc.pid", new ArrowType.Int(32, true)),
                field("evt.num", new ArrowType.Int(64, true)),
                field("f32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
                field("avg", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                field("amount", new ArrowType.Decimal(10, 2, 128)),
                field("big", new ArrowType.Decimal(30, 4, 128)),
                field("proc.name", ArrowType.Utf8.INSTANCE),
                field("evt.buffer", ArrowType.Binary.INSTANCE),
                field("evt.time", new ArrowType.Timestamp(TimeUnit.MILLISECOND, null)),
                field("t_us", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
                field("day", new ArrowType.Date(DateUnit.DAY)),
                field("tod", new ArrowType.Time(TimeUnit.MILLISECOND, 32)),
                field("host.name", ArrowType.Utf8.INSTANCE),
                field("host.id", ArrowType.Utf8.INSTANCE)));
        byte[] bytes = {0, 1, (byte) 0xff};
        List<Object[]> batch1 = rows(
                row(
                        true,
                        (byte) -8,
                        (short) -1600,
                        4242,
                        1L << 40,
                        1.5f,
                        2.25,
                        new BigDecimal("12345678.90"),
                        new BigDecimal("-12345678901234567890123456.7891"),
                        "bash",
                        bytes,
                        MILLIS,
                        MICROS,
                        20_427,
                        15_202_123,
                        "h1",
                        "id-1"),
                row(
                        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, "h1",
                        "id-1"));
        List<Object[]> batch2 = rows(row(
                false,
                (byte) 7,
                (short) 7,
                -1,
                -1L,
                -0.0f,
                Double.NaN,
                new BigDecimal("-0.01"),
                new BigDecimal("0.0000"),
                "café ☃ 日本 \uD83D\uDE00",
                new byte[0],
                -1L,
                -1L,
                -1,
                0,
                "hôte-2",
                "id-2"));
        byte[] record = stream(schema, List.of(batch1, batch2));

        RowType type = rowType(
                "evt.is_open", new BooleanType(),
                "i8", new TinyIntType(),
                "i16", new SmallIntType(),
                "proc.pid", new IntType(),
                "evt.num", new BigIntType(),
                "f32", new FloatType(),
                "avg", new DoubleType(),
                "amount", new DecimalType(10, 2),
                "big", new DecimalType(30, 4),
                "proc.name", VarCharType.STRING_TYPE,
                "evt.buffer", new VarBinaryType(VarBinaryType.MAX_LENGTH),
                "evt.time", new TimestampType(3),
                "t_us", new TimestampType(6),
                "t_us_ltz", new LocalZonedTimestampType(6),
                "day", new DateType(),
                "tod", new TimeType(3),
                "host.name", VarCharType.STRING_TYPE,
                "host.id", VarCharType.STRING_TYPE);
        // t_us_ltz is not in the record: NULL
        SysqlArrowDeserializationSchema d = decoder(type, false, new Context());
        List<RowData> rows = decode(d, record);
        assertEquals(3, rows.size());
        assertEquals(
                GenericRowData.of(
                        true,
                        (byte) -8,
                        (short) -1600,
                        4242,
                        1L << 40,
                        1.5f,
                        2.25,
                        DecimalData.fromBigDecimal(new BigDecimal("12345678.90"), 10, 2),
                        DecimalData.fromBigDecimal(new BigDecimal("-12345678901234567890123456.7891"), 30, 4),
                        StringData.fromString("bash"),
                        bytes,
                        TimestampData.fromEpochMillis(MILLIS),
                        TimestampData.fromEpochMillis(MILLIS, 456_000),
                        null,
                        20_427,
                        15_202_123,
                        StringData.fromString("h1"),
                        StringData.fromString("id-1")),
                rows.get(0));
        GenericRowData nulls = new GenericRowData(type.getFieldCount());
        nulls.setField(16, StringData.fromString("h1"));
        nulls.setField(17, StringData.fromString("id-1"));
        assertEquals(nulls, rows.get(1));
        assertEquals(
                GenericRowData.of(
                        false,
                        (byte) 7,
                        (short) 7,
                        -1,
                        -1L,
                        -0.0f,
                        Double.NaN,
                        DecimalData.fromBigDecimal(new BigDecimal("-0.01"), 10, 2),
                        DecimalData.fromBigDecimal(new BigDecimal("0.0000"), 30, 4),
                        StringData.fromString("café ☃ 日本 \uD83D\uDE00"),
                        new byte[0],
                        TimestampData.fromEpochMillis(-1),
                        TimestampData.fromEpochMillis(-1, 999_000),
                        null,
                        -1,
                        0,
                        StringData.fromString("hôte-2"),
                        StringData.fromString("id-2")),
                rows.get(2));
        assertEquals("café ☃ 日本 \uD83D\uDE00", rows.get(2).getString(9).toString());
        assertArrayEquals(bytes, rows.get(0).getBinary(10));

        // the same record again (the cached plan), and a second decoder reading t_us as TIMESTAMP_LTZ(3)
        assertEquals(rows, decode(d, record));
        RowType ltz = rowType("t_us", new LocalZonedTimestampType(3), "evt.time", new LocalZonedTimestampType(6));
        List<RowData> l = decode(decoder(ltz, false, new Context()), record);
        assertEquals(
                GenericRowData.of(TimestampData.fromEpochMillis(MILLIS), TimestampData.fromEpochMillis(MILLIS)),
                l.get(0));
        assertEquals(GenericRowData.of(TimestampData.fromEpochMillis(-1), TimestampData.fromEpochMillis(-1)), l.get(2));
    }

    @Test
    void widensIntegersAndFloats() throws Exception {
        Schema schema = new Schema(List.of(
                field("a", new ArrowType.Int(8, true)),
                field("b", new ArrowType.Int(16, true)),
                field("c", new ArrowType.Int(32, true)),
                field("d", new ArrowType.Int(32, true)),
                field("e", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
                field("f", new ArrowType.Int(64, true)),
                field("g", new ArrowType.Decimal(5, 1, 128))));
        byte[] record = stream(
                schema,
                List.of(rows(row((byte) -3, (short) 300, -70_000, 12, 0.5f, 1L << 53, new BigDecimal("-1234.5")))));
        RowType type = rowType(
                "a", new IntType(),
                "b", new BigIntType(),
                "c", new BigIntType(),
                "d", new DoubleType(),
                "e", new DoubleType(),
                "f", new DoubleType(),
                "g", new DecimalType(20, 3));
        List<RowData> rows = decode(decoder(type, false, new Context()), record);
        assertEquals(
                List.of(GenericRowData.of(
                        -3,
                        300L,
                        -70_000L,
                        12.0,
                        0.5,
                        (double) (1L << 53),
                        DecimalData.fromBigDecimal(new BigDecimal("-1234.500"), 20, 3))),
                rows);
    }

    @Test
    void missingColumnIsNullAndProjectionReadsOnlyItsColumns() throws Exception {
        Schema schema = new Schema(
                List.of(field("proc.name", ArrowType.Utf8.INSTANCE), field("host.name", ArrowType.Utf8.INSTANCE)));
        byte[] record = stream(schema, List.of(rows(row("sshd", "h"))));
        RowType type = rowType(
                "evt.num", new BigIntType(), "proc.name", VarCharType.STRING_TYPE, "fd.name", VarCharType.STRING_TYPE);
        List<RowData> rows = decode(decoder(type, false, new Context()), record);
        assertEquals(List.of(GenericRowData.of(null, StringData.fromString("sshd"), null)), rows);
    }

    @Test
    void wrongTypeIsOneLineErrorNamingColumnTypesAndFix() throws Exception {
        Schema schema = new Schema(List.of(field("evt.type", ArrowType.Utf8.INSTANCE)));
        byte[] record = stream(schema, List.of(rows(row("open"))));
        SysqlArrowDeserializationSchema d = decoder(rowType("evt.type", new BigIntType()), true, new Context());
        SysqlArrowFormatException e = assertThrows(SysqlArrowFormatException.class, () -> decode(d, record));
        assertFalse(e.isParseError());
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(
                m.contains("`evt.type`")
                        && m.contains("BIGINT")
                        && m.contains("Utf8")
                        && m.contains("declare the column as STRING"),
                m);
        assertEquals(0, d.allocatedMemory());
        assertEquals(0, d.skippedRecords(), "a type misfit is not skipped even with ignore-parse-errors");

        // narrowing is a misfit too: Int(64) into INT, Decimal(10,2) into DECIMAL(10,1), a timestamp into DATE
        Schema wide = new Schema(List.of(field("n", new ArrowType.Int(64, true))));
        byte[] w = stream(wide, List.of(rows(row(1L))));
        SysqlArrowFormatException e2 = assertThrows(
                SysqlArrowFormatException.class, () -> decode(decoder(rowType("n", new IntType()), false, null), w));
        assertTrue(e2.getMessage().contains("declare the column as BIGINT"), e2.getMessage());
        Schema dec = new Schema(List.of(field("x", new ArrowType.Decimal(10, 2, 128))));
        byte[] x = stream(dec, List.of(rows(row(new BigDecimal("1.25")))));
        assertThrows(
                SysqlArrowFormatException.class,
                () -> decode(decoder(rowType("x", new DecimalType(10, 1)), false, null), x));
        Schema ts = new Schema(List.of(field("x", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null))));
        byte[] t = stream(ts, List.of(rows(row(1L))));
        SysqlArrowFormatException e3 = assertThrows(
                SysqlArrowFormatException.class, () -> decode(decoder(rowType("x", new DateType()), false, null), t));
        assertTrue(e3.getMessage().contains("declare the column as TIMESTAMP(6)"), e3.getMessage());
    }

    @Test
    void unsupportedFlinkTypeFailsWhenTheDecoderIsMade() {
        RowType type = rowType("a", new ArrayType(new IntType()));
        ValidationException e = assertThrows(
                ValidationException.class,
                () -> new SysqlArrowDeserializationSchema(type, InternalTypeInfo.of(type), false));
        assertTrue(e.getMessage().contains("`a`"), e.getMessage());
    }

    @Test
    void garbageFailsByDefaultAndIsSkippedAndCountedWithTheOption() throws Exception {
        Schema schema = new Schema(List.of(field("proc.name", ArrowType.Utf8.INSTANCE)));
        byte[] good = stream(schema, List.of(rows(row("a")), rows(row("b"))));
        List<byte[]> garbage = new ArrayList<>();
        garbage.add("{\"proc.name\":\"bash\"}".getBytes(StandardCharsets.UTF_8));
        garbage.add(new byte[0]);
        garbage.add(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 0x7f, 0x7f, 0x7f});
        garbage.add(Arrays.copyOf(good, good.length - 20)); // truncated: the second batch's body cut
        byte[] corrupt = good.clone();
        for (int i = 8; i < 40; i++) {
            corrupt[i] ^= (byte) 0x5a; // the schema's flatbuffer scrambled
        }
        garbage.add(corrupt);
        RowType type = rowType("proc.name", VarCharType.STRING_TYPE);

        SysqlArrowDeserializationSchema strict = decoder(type, false, new Context());
        for (byte[] g : garbage) {
            SysqlArrowFormatException e = assertThrows(SysqlArrowFormatException.class, () -> decode(strict, g));
            assertTrue(e.isParseError());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(
                    e.getMessage().contains("not an Arrow IPC stream")
                            && e.getMessage().contains("'sysql-arrow.ignore-parse-errors' = 'true'"),
                    e.getMessage());
        }

        Context ctx = new Context();
        SysqlArrowDeserializationSchema lenient = decoder(type, true, ctx);
        List<RowData> rows = new ArrayList<>();
        for (byte[] g : garbage) {
            rows.addAll(decode(lenient, g));
            rows.addAll(decode(lenient, good));
        }
        assertEquals(2 * garbage.size(), rows.size(), "only the good records' rows, none of a cut record");
        assertEquals(garbage.size(), lenient.skippedRecords());
        assertEquals(garbage.size(), ctx.skipped.getCount());
        assertTrue(decode(lenient, null).isEmpty(), "a tombstone gives no row");
    }

    @Test
    void survivesJavaSerializationAndOpensLazily() throws Exception {
        RowType type = rowType("proc.name", VarCharType.STRING_TYPE);
        SysqlArrowDeserializationSchema d = new SysqlArrowDeserializationSchema(type, InternalTypeInfo.of(type), false);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bos)) {
            o.writeObject(d);
        }
        SysqlArrowDeserializationSchema copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bos.toByteArray()))) {
            copy = (SysqlArrowDeserializationSchema) in.readObject();
        }
        byte[] one = stream(new Schema(List.of(field("proc.name", ArrowType.Utf8.INSTANCE))), List.of(rows(row("x"))));
        assertEquals(GenericRowData.of(StringData.fromString("x")), copy.deserialize(one));
        assertEquals(InternalTypeInfo.of(type), copy.getProducedType());
        assertNull(copy.deserialize(null));
    }
}
