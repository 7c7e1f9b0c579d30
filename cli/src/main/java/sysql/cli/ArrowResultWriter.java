// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
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
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes a result set as an Arrow IPC stream (Apache Arrow's {@code ArrowStreamWriter}): one typed column per
 * result column (integers as integers of their width, DOUBLE as 64-bit floats, DECIMAL as 128-bit decimals,
 * TIMESTAMP as a timestamp without time zone holding the wall-clock value the text formats print, in
 * milliseconds up to TIMESTAMP(3) and microseconds past it, VARBINARY as binary, anything else as its text), in
 * record batches of up to {@link #BATCH_ROWS} rows.
 *
 * <p>A thread reads the rows while this one writes them, so that a streaming query's rows go out as they come:
 * a batch is written once {@link #LINGER_MS} pass without a new row (the end of a window's burst), once its first
 * row has waited {@link #MAX_DELAY_MS} (a steady trickle of rows, as a capture's, never pauses that long), or
 * when it is full. When reading stops, by the end of the result or by an error (Ctrl-C cancels the statement),
 * the rows read are written and the stream's end marker after them: the output is a complete Arrow stream either
 * way.
 */
final class ArrowResultWriter {
    static final int BATCH_ROWS = 8192;
    static final long LINGER_MS = 50;
    static final long MAX_DELAY_MS = 1000;

    /** A row's values, or the end of the rows (with the error that ended them, if one did). */
    private record Item(Object[] values, SQLException error) {}

    private final List<Column> columns;

    private ArrowResultWriter(ResultSetMetaData md) throws SQLException {
        columns = columns(md);
    }

    /** The result's columns, typed. */
    static List<Column> columns(ResultSetMetaData md) throws SQLException {
        List<Column> columns = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            columns.add(Column.of(md, i));
        }
        return columns;
    }

    /** Writes every row of rs to out as one Arrow stream; returns the row count. */
    static long write(ResultSet rs, OutputStream out) throws SQLException, IOException {
        Written written = writeRows(rs, out, new AtomicLong());
        if (written.ended() != null) {
            throw written.ended();
        }
        return written.rows();
    }

    /**
     * What {@link #writeRows} wrote: the rows, and the error that ended them (null when the result ended by
     * itself); the stream is complete either way.
     */
    record Written(long rows, SQLException ended) {}

    /**
     * Writes the rows of rs to out as one Arrow stream until the result ends or an error ends it (a cancel, for a
     * stream stopped on purpose: {@code sysql capture --format arrow}), then the end marker; {@code rowsRead}
     * counts the rows read from rs so far (each is written, whatever ends the rows after it).
     */
    static Written writeRows(ResultSet rs, OutputStream out, AtomicLong rowsRead) throws SQLException, IOException {
        ArrowResultWriter w = new ArrowResultWriter(rs.getMetaData());
        List<Field> fields = new ArrayList<>();
        for (Column c : w.columns) {
            fields.add(new Field(c.name, FieldType.nullable(c.type), null));
        }
        BlockingQueue<Item> rows = new ArrayBlockingQueue<>(4 * BATCH_ROWS);
        Thread reader = new Thread(() -> w.read(rs, rows, rowsRead), "sysql-arrow-rows");
        reader.setDaemon(true);
        reader.start();
        long count = 0;
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
            writer.start();
            out.flush(); // the schema: a reader of the file knows the columns before the first rows
            SQLException ended = null;
            boolean more = true;
            while (more) {
                root.allocateNew();
                int n = 0;
                Item item = take(rows, -1);
                long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_DELAY_MS);
                while (item != null && item.values != null) {
                    w.set(root, n++, item.values);
                    long left = TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime());
                    if (n == BATCH_ROWS || left <= 0) {
                        break;
                    }
                    item = take(rows, Math.min(LINGER_MS, left));
                }
                if (item != null && item.values == null) {
                    more = false;
                    ended = item.error;
                }
                if (n > 0) {
                    root.setRowCount(n);
                    writer.writeBatch();
                    out.flush();
                    count += n;
                }
            }
            writer.end();
            out.flush();
            return new Written(count, ended);
        }
    }

    /** The next item, waiting up to lingerMs (forever if negative); null when none came. */
    private static Item take(BlockingQueue<Item> rows, long lingerMs) throws IOException {
        try {
            return lingerMs < 0 ? rows.take() : rows.poll(lingerMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing the Arrow stream", e);
        }
    }

    private void read(ResultSet rs, BlockingQueue<Item> rows, AtomicLong rowsRead) {
        SQLException error = null;
        try {
            while (rs.next()) {
                Object[] values = new Object[columns.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = columns.get(i).get(rs, i + 1);
                }
                rows.put(new Item(values, null));
                rowsRead.incrementAndGet();
            }
        } catch (SQLException e) {
            error = e;
        } catch (RuntimeException | Error e) {
            // whatever ends the rows ends the writer's wait too
            error = new SQLException(e.getMessage(), e);
        } catch (InterruptedException e) {
            return;
        }
        try {
            rows.put(new Item(null, error));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void set(VectorSchemaRoot root, int row, Object[] values) {
        for (int i = 0; i < values.length; i++) {
            FieldVector v = root.getVector(i);
            if (values[i] == null) {
                if (v instanceof BaseFixedWidthVector f) {
                    f.setNull(row);
                } else {
                    ((BaseVariableWidthVector) v).setNull(row);
                }
            } else {
                columns.get(i).set(v, row, values[i]);
            }
        }
    }

    /**
     * One result column: its Arrow type, how its value is read from the row (a Boolean, a Number, byte[], a
     * timestamp's wall-clock microseconds as a Long, a date's epoch day or a time's millisecond of the day as an
     * Integer, else a String) and how it is set in a vector. {@link ParquetResultWriter} types its columns so too.
     */
    record Column(String name, int sqlType, ArrowType type, int scale) {
        static Column of(ResultSetMetaData md, int i) throws SQLException {
            String name = md.getColumnLabel(i);
            int sqlType = md.getColumnType(i);
            ArrowType type = switch (sqlType) {
                case Types.BOOLEAN, Types.BIT -> ArrowType.Bool.INSTANCE;
                case Types.TINYINT -> new ArrowType.Int(8, true);
                case Types.SMALLINT -> new ArrowType.Int(16, true);
                case Types.INTEGER -> new ArrowType.Int(32, true);
                case Types.BIGINT -> new ArrowType.Int(64, true);
                case Types.REAL -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
                case Types.FLOAT, Types.DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
                case Types.DECIMAL, Types.NUMERIC ->
                    md.getPrecision(i) >= 1 && md.getPrecision(i) <= 38 && md.getScale(i) >= 0
                            ? new ArrowType.Decimal(md.getPrecision(i), md.getScale(i), 128)
                            : new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
                case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> ArrowType.Binary.INSTANCE;
                case Types.TIMESTAMP ->
                    new ArrowType.Timestamp(
                            md.getPrecision(i) > 3
                                    ? org.apache.arrow.vector.types.TimeUnit.MICROSECOND
                                    : org.apache.arrow.vector.types.TimeUnit.MILLISECOND,
                            null);
                case Types.DATE -> new ArrowType.Date(DateUnit.DAY);
                case Types.TIME -> new ArrowType.Time(org.apache.arrow.vector.types.TimeUnit.MILLISECOND, 32);
                default -> ArrowType.Utf8.INSTANCE;
            };
            return new Column(name, sqlType, type, md.getScale(i));
        }

        /** The column's value in the current row, as set() takes it (null for SQL NULL). */
        Object get(ResultSet rs, int i) throws SQLException {
            Object v = switch (type.getTypeID()) {
                case Bool -> rs.getBoolean(i);
                case Int, FloatingPoint, Decimal -> rs.getObject(i);
                case Binary -> rs.getBytes(i);
                case Timestamp -> {
                    Timestamp t = rs.getTimestamp(i);
                    yield t == null ? null : micros(t.toLocalDateTime());
                }
                case Date -> {
                    java.sql.Date d = rs.getDate(i);
                    yield d == null ? null : (int) d.toLocalDate().toEpochDay();
                }
                case Time -> {
                    java.sql.Time t = rs.getTime(i);
                    yield t == null ? null : (int) (t.toLocalTime().toNanoOfDay() / 1_000_000);
                }
                default -> {
                    Object o = rs.getObject(i);
                    yield o == null ? null : o instanceof byte[] b ? ResultPrinter.hex(b) : o.toString();
                }
            };
            return rs.wasNull() ? null : v;
        }

        private static long micros(LocalDateTime wallClock) {
            return wallClock.toEpochSecond(ZoneOffset.UTC) * 1_000_000 + wallClock.getNano() / 1_000;
        }

        void set(FieldVector v, int row, Object value) {
            if (v instanceof BitVector b) {
                b.setSafe(row, (Boolean) value ? 1 : 0);
            } else if (v instanceof TinyIntVector t) {
                t.setSafe(row, ((Number) value).byteValue());
            } else if (v instanceof SmallIntVector t) {
                t.setSafe(row, ((Number) value).shortValue());
            } else if (v instanceof IntVector t) {
                t.setSafe(row, ((Number) value).intValue());
            } else if (v instanceof BigIntVector t) {
                t.setSafe(row, ((Number) value).longValue());
            } else if (v instanceof Float4Vector f) {
                f.setSafe(row, ((Number) value).floatValue());
            } else if (v instanceof Float8Vector f) {
                f.setSafe(row, ((Number) value).doubleValue());
            } else if (v instanceof DecimalVector d) {
                d.setSafe(row, decimal(value).setScale(scale, RoundingMode.HALF_UP));
            } else if (v instanceof VarBinaryVector b) {
                b.setSafe(row, (byte[]) value);
            } else if (v instanceof TimeStampMilliVector t) {
                t.setSafe(row, Math.floorDiv((Long) value, 1000L));
            } else if (v instanceof TimeStampMicroVector t) {
                t.setSafe(row, (Long) value);
            } else if (v instanceof DateDayVector d) {
                d.setSafe(row, (Integer) value);
            } else if (v instanceof TimeMilliVector t) {
                t.setSafe(row, (Integer) value);
            } else if (v instanceof VarCharVector t) {
                t.setSafe(row, value.toString().getBytes(StandardCharsets.UTF_8));
            } else {
                throw new IllegalStateException(
                        "no Arrow setter for " + v.getClass().getSimpleName());
            }
        }

        private static BigDecimal decimal(Object value) {
            return value instanceof BigDecimal d ? d : new BigDecimal(value.toString());
        }
    }
}
