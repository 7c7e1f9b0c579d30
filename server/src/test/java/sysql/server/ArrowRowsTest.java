// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.avatica.util.DateTimeUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sysql.testing.TestData;

/**
 * A result set read straight into Arrow batches (Flight SQL's rows): every type's values (nulls too) are those the
 * result set's getters give, the batches are cut at the buffered rows and bytes, a failure comes after the rows
 * before it, and a close stops the reading.
 */
class ArrowRowsTest {
    static final String TYPES = "SELECT evt.num, evt.time, proc.name, evt.is_io, CAST(evt.num AS DOUBLE) / 3 AS d, "
            + "CAST(evt.num AS REAL) / 4 AS r, CAST(evt.num AS DECIMAL(10, 2)) / 7 AS dc, "
            + "CAST(evt.time AS DATE) AS dy, CAST(evt.time AS TIME) AS tod, "
            + "CASE WHEN MOD(evt.num, 3) = 0 THEN NULL ELSE 'é-' || proc.name END AS txt, "
            + "CASE WHEN MOD(evt.num, 2) = 0 THEN CAST(NULL AS INTEGER) ELSE CAST(evt.num AS INTEGER) END AS i, "
            + "CAST(MOD(evt.num, 100) AS SMALLINT) AS s, CAST(MOD(evt.num, 100) AS TINYINT) AS t, "
            + "X'00FF' AS b, fd.name "
            + "FROM events ORDER BY evt.num LIMIT 1000";

    static Properties engine;
    static BufferAllocator allocator;
    static ExecutorService reading;

    @BeforeAll
    static void start() throws Exception {
        Class.forName("sysql.jdbc.SysqlDriver");
        engine = new Properties();
        engine.setProperty(
                "file",
                TestData.scap("bencer_example4_example4-1.scap")
                        .toAbsolutePath()
                        .normalize()
                        .toString());
        allocator = new RootAllocator();
        reading = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        reading.shutdownNow();
        allocator.close();
    }

    @Test
    void everyTypesValuesAreTheResultSetsInBatchesCutAtTheBufferedRows() throws Exception {
        List<List<Object>> expected;
        try (Connection c = DriverManager.getConnection("jdbc:sysql:", engine);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(TYPES)) {
            expected = expected(rs);
        }
        assertEquals(1000, expected.size());
        assertTrue(expected.stream().anyMatch(r -> r.get(9) == null), "no NULL text");
        // 10 buffered rows: batches of 5 (fewer only for a batch taken 50 ms after its first row, which a stall of
        // the reading thread on a loaded machine may cause)
        List<Integer> sizes = new ArrayList<>();
        List<List<Object>> got = readAll(TYPES, 10, 16L << 20, sizes, false);
        sameRows(expected, got);
        assertTrue(sizes.size() >= 200, sizes.toString());
        assertTrue(sizes.stream().allMatch(n -> n >= 1 && n <= 5), sizes.toString());
        assertTrue(sizes.contains(5), sizes.toString());
        // 1000 bytes buffered: batches cut at about 500 bytes, however many rows that is
        sizes.clear();
        sameRows(expected, readAll(TYPES, 10_000, 1000, sizes, false));
        assertTrue(sizes.size() > 1000 / 40, sizes.toString());
        assertTrue(sizes.stream().allMatch(n -> n >= 1 && n < 40), sizes.toString());
        // the default limits: 1000 rows are less than a batch, one batch once the reading has ended
        sizes.clear();
        sameRows(expected, readAll(TYPES, ServerLimits.defaults().bufferedRows(), 16L << 20, sizes, true));
        assertEquals(List.of(1000), sizes);
    }

    private static void sameRows(List<List<Object>> expected, List<List<Object>> got) {
        assertEquals(expected.size(), got.size(), "rows");
        for (int r = 0; r < expected.size(); r++) {
            for (int c = 0; c < expected.get(r).size(); c++) {
                Object want = expected.get(r).get(c);
                Object have = got.get(r).get(c);
                assertEquals(
                        want,
                        have,
                        "row " + r + " column " + (c + 1) + ": " + want + " ("
                                + (want == null ? null : want.getClass().getSimpleName()) + ") <> " + have + " ("
                                + (have == null ? null : have.getClass().getSimpleName()) + ")");
            }
        }
    }

    @Test
    void aTimestampColumnWhoseValuesHaveNoLongIsReadAsTimestamps() throws Exception {
        ResultSet objects = (ResultSet) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ResultSet.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getLong":
                            throw new SQLException("cannot convert to long");
                        case "getTimestamp":
                            return new java.sql.Timestamp(1_512_426_387_420L);
                        case "wasNull":
                            return false;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
        try (TimeStampMilliVector v = new TimeStampMilliVector("t", allocator)) {
            FlightBatches.ColumnWriter w = FlightBatches.writer(v, 1, DateTimeUtils.calendar());
            w.write(objects, 0);
            w.write(objects, 1);
            assertEquals(1_512_426_387_420L, v.get(0));
            assertEquals(1_512_426_387_420L, v.get(1));
        }
    }

    @Test
    void aFailureComesAfterTheRowsBeforeIt() throws Exception {
        long before;
        try (Connection c = DriverManager.getConnection("jdbc:sysql:", engine);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM (SELECT evt.num FROM events ORDER BY evt.num "
                        + "LIMIT 1000) WHERE evt.num < (SELECT MIN(evt.num) FROM events) + 37")) {
            assertTrue(rs.next());
            before = rs.getLong(1);
        }
        assertEquals(37, before);
        String failing = "SELECT 1 / (evt.num - (SELECT MIN(evt.num) FROM events) - 37) AS x FROM events ORDER BY "
                + "evt.num LIMIT 1000";
        try (Connection c = DriverManager.getConnection("jdbc:sysql:", engine);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(failing)) {
            Schema schema = schema(rs.getMetaData());
            try (ArrowRows rows = new ArrowRows(rs, schema, allocator, 10, 16L << 20);
                    VectorSchemaRoot into = VectorSchemaRoot.create(schema, allocator)) {
                rows.start(reading);
                long got = 0;
                SQLException failure = null;
                while (failure == null) {
                    try {
                        int n = rows.take(into, 10_000);
                        assertTrue(n > 0, "ended without the failure: " + n);
                        got += n;
                    } catch (SQLException e) {
                        failure = e;
                    }
                }
                assertEquals(before, got);
                assertTrue(String.valueOf(failure.getMessage()).contains("zero"), failure.getMessage());
            }
        }
    }

    @Test
    void aCloseStopsTheReading() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sysql:", engine);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT e1.evt.num FROM events e1, events e2, events e3")) {
            Schema schema = schema(rs.getMetaData());
            ArrowRows rows = new ArrowRows(rs, schema, allocator, 100, 16L << 20);
            try (VectorSchemaRoot into = VectorSchemaRoot.create(schema, allocator)) {
                rows.start(reading);
                int n = rows.take(into, 10_000);
                assertTrue(n >= 1 && n <= 50, n + " rows"); // 50 a batch: half the 100 buffered rows
                assertTrue(rows.reading());
                rows.close();
                assertFalse(rows.reading());
                SQLException e = assertThrows(SQLException.class, () -> rows.take(into, 10_000));
                assertEquals("the statement was closed on the server", e.getMessage());
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!rs.isClosed()) {
                assertTrue(System.nanoTime() < deadline, "the result set is still open 10 s after the close");
                Thread.sleep(10);
            }
        }
    }

    /**
     * The rows of {@code sql} read through ArrowRows with these limits, the first batch taken once the reading has
     * ended if {@code afterTheEnd}; each batch's size added to {@code sizes}.
     */
    private static List<List<Object>> readAll(
            String sql, int maxRows, long maxBytes, List<Integer> sizes, boolean afterTheEnd) throws Exception {
        List<List<Object>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sysql:", engine);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            Schema schema = schema(rs.getMetaData());
            try (ArrowRows rows = new ArrowRows(rs, schema, allocator, maxRows, maxBytes);
                    VectorSchemaRoot into = VectorSchemaRoot.create(schema, allocator)) {
                rows.start(reading);
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (afterTheEnd && rows.reading()) {
                    assertTrue(System.nanoTime() < deadline, "still reading after 30 s");
                    Thread.sleep(10);
                }
                int n;
                while ((n = rows.take(into, 10_000)) != -1) {
                    assertTrue(n > 0, "no batch in 10 s");
                    assertEquals(n, into.getRowCount());
                    sizes.add(n);
                    for (int i = 0; i < n; i++) {
                        List<Object> row = new ArrayList<>();
                        for (FieldVector v : into.getFieldVectors()) {
                            row.add(v.isNull(i) ? null : normal(arrowValue(v, i)));
                        }
                        out.add(row);
                    }
                }
            }
        }
        return out;
    }

    private static Object arrowValue(FieldVector v, int i) {
        if (v instanceof TimeStampMilliVector t) {
            return t.get(i);
        }
        if (v instanceof DateDayVector d) {
            return d.get(i);
        }
        if (v instanceof TimeMilliVector t) {
            return t.get(i);
        }
        if (v instanceof VarBinaryVector b) {
            return Arrays.toString(b.get(i));
        }
        return v.getObject(i);
    }

    /** What the result set's getters give, per column type, as the Arrow side is compared. */
    private static List<List<Object>> expected(ResultSet rs) throws SQLException {
        Calendar utc = DateTimeUtils.calendar();
        ResultSetMetaData md = rs.getMetaData();
        List<List<Object>> out = new ArrayList<>();
        while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int c = 1; c <= md.getColumnCount(); c++) {
                Object v = value(rs, c, md.getColumnType(c), utc);
                if (v instanceof BigDecimal d) {
                    // at the column's scale: Calcite's value of a DECIMAL division has more digits than its type
                    v = d.setScale(md.getScale(c), java.math.RoundingMode.HALF_UP);
                }
                row.add(v == null ? null : normal(v));
            }
            out.add(row);
        }
        return out;
    }

    private static Object value(ResultSet rs, int c, int type, Calendar utc) throws SQLException {
        switch (type) {
            case Types.TIMESTAMP: {
                java.sql.Timestamp t = rs.getTimestamp(c, utc);
                return t == null ? null : Long.valueOf(t.getTime());
            }
            case Types.DATE: {
                java.sql.Date d = rs.getDate(c, utc);
                return d == null
                        ? null
                        : Integer.valueOf((int) Math.floorDiv(d.getTime(), DateTimeUtils.MILLIS_PER_DAY));
            }
            case Types.TIME: {
                java.sql.Time t = rs.getTime(c, utc);
                return t == null
                        ? null
                        : Integer.valueOf((int) Math.floorMod(t.getTime(), DateTimeUtils.MILLIS_PER_DAY));
            }
            case Types.BINARY:
            case Types.VARBINARY: {
                byte[] b = rs.getBytes(c);
                return b == null ? null : Arrays.toString(b);
            }
            default:
                return rs.getObject(c);
        }
    }

    /** Integers as longs (the widths are the schema's), decimals without trailing zeros, text as a String. */
    private static Object normal(Object v) {
        if (v instanceof BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }
        if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        if (v instanceof org.apache.arrow.vector.util.Text t) {
            return t.toString();
        }
        return v;
    }

    /** The schema Flight SQL gives the result (FlightBatches' fields). */
    private static Schema schema(ResultSetMetaData md) throws SQLException {
        List<org.apache.arrow.vector.types.pojo.Field> fields = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            fields.add(FlightBatches.field(
                    md.getColumnLabel(i),
                    md.getColumnType(i),
                    md.getColumnTypeName(i),
                    md.getPrecision(i),
                    md.getScale(i),
                    md.isNullable(i) != ResultSetMetaData.columnNoNulls));
        }
        return new Schema(fields);
    }
}
