// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import org.apache.arrow.flight.sql.FlightSqlColumnMetadata;
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
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.util.DateTimeUtils;

/**
 * Rows as Flight SQL (and {@code sysql export}, into Kafka) sends them: a result's columns as an Arrow schema (integers keep their width, TIMESTAMP an Arrow
 * timestamp in milliseconds, VARCHAR Utf8, BOOLEAN, DOUBLE, REAL, DECIMAL, DATE, TIME, VARBINARY; anything else as
 * its text), and a writer per column that puts a result set's values into a batch's vectors ({@link ArrowRows}).
 */
public final class FlightBatches {
    private FlightBatches() {}

    /** The Arrow type of a column of JDBC type {@code type}. */
    public static ArrowType arrowType(int type, int precision, int scale) {
        return switch (type) {
            case Types.BIGINT -> new ArrowType.Int(64, true);
            case Types.INTEGER -> new ArrowType.Int(32, true);
            case Types.SMALLINT -> new ArrowType.Int(16, true);
            case Types.TINYINT -> new ArrowType.Int(8, true);
            case Types.BOOLEAN, Types.BIT -> ArrowType.Bool.INSTANCE;
            case Types.DOUBLE, Types.FLOAT -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case Types.REAL -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case Types.DECIMAL, Types.NUMERIC ->
                precision > 0 && precision <= 38 && scale >= 0 && scale <= precision
                        ? new ArrowType.Decimal(precision, scale, 128)
                        : ArrowType.Utf8.INSTANCE;
            case Types.DATE -> new ArrowType.Date(DateUnit.DAY);
            case Types.TIME -> new ArrowType.Time(TimeUnit.MILLISECOND, 32);
            case Types.TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MILLISECOND, null);
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> ArrowType.Binary.INSTANCE;
            default -> ArrowType.Utf8.INSTANCE;
        };
    }

    /** The field of one column, with Flight SQL's column metadata (the SQL type's name, precision, scale). */
    static Field field(String name, int type, String typeName, int precision, int scale, boolean nullable) {
        FlightSqlColumnMetadata.Builder m = new FlightSqlColumnMetadata.Builder().isReadOnly(true);
        if (typeName != null) {
            m.typeName(typeName);
        }
        if (precision > 0) {
            m.precision(precision);
        }
        if (scale > 0) {
            m.scale(scale);
        }
        return new Field(
                name,
                new FieldType(
                        nullable,
                        arrowType(type, precision, scale),
                        null,
                        m.build().getMetadataMap()),
                null);
    }

    /** The schema of a statement's result, from its Avatica signature's columns. */
    static Schema schema(List<ColumnMetaData> columns) {
        List<Field> fields = new ArrayList<>();
        for (ColumnMetaData c : columns) {
            fields.add(field(
                    c.label != null ? c.label : c.columnName,
                    c.type.id,
                    c.type.name,
                    c.precision,
                    c.scale,
                    c.nullable != java.sql.DatabaseMetaData.columnNoNulls));
        }
        return new Schema(fields);
    }

    /**
     * The schema of a result, from its metadata, without Flight SQL's column metadata: the columns as {@code sysql
     * export} sends them (each named by its label).
     */
    public static Schema schema(java.sql.ResultSetMetaData md) throws SQLException {
        List<Field> fields = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            fields.add(new Field(
                    md.getColumnLabel(i),
                    new FieldType(
                            md.isNullable(i) != java.sql.ResultSetMetaData.columnNoNulls,
                            arrowType(md.getColumnType(i), md.getPrecision(i), md.getScale(i)),
                            null),
                    null));
        }
        return new Schema(fields);
    }

    /** Writes column {@code c} of a result set's current row into its vector at row {@code i}. */
    interface ColumnWriter {
        /** Writes the value; returns about how many bytes it takes in the batch. */
        long write(ResultSet rs, int i) throws SQLException;
    }

    /**
     * The writer of column {@code c} (1-based) into {@code v}, a vector of {@link #arrowType}'s type for the column:
     * each value read with the result set's typed getter and set as it is (no boxing; a TIMESTAMP in milliseconds, a
     * DATE in days, a TIME in milliseconds of the day, as {@code calendar} reads them; text written as UTF-8 through a
     * buffer of the writer's own).
     */
    static ColumnWriter writer(FieldVector v, int c, Calendar calendar) {
        if (v instanceof BigIntVector x) {
            return (rs, i) -> {
                long value = rs.getLong(c);
                if (value == 0 && rs.wasNull()) {
                    x.setNull(i);
                } else {
                    x.setSafe(i, value);
                }
                return 8;
            };
        }
        if (v instanceof IntVector x) {
            return (rs, i) -> {
                int value = rs.getInt(c);
                if (value == 0 && rs.wasNull()) {
                    x.setNull(i);
                } else {
                    x.setSafe(i, value);
                }
                return 4;
            };
        }
        if (v instanceof SmallIntVector x) {
            return (rs, i) -> {
                short value = rs.getShort(c);
                if (value == 0 && rs.wasNull()) {
                    x.setNull(i);
                } else {
                    x.setSafe(i, value);
                }
                return 2;
            };
        }
        if (v instanceof TinyIntVector x) {
            return (rs, i) -> {
                byte value = rs.getByte(c);
                if (value == 0 && rs.wasNull()) {
                    x.setNull(i);
                } else {
                    x.setSafe(i, value);
                }
                return 1;
            };
        }
        if (v instanceof BitVector x) {
            return (rs, i) -> {
                boolean value = rs.getBoolean(c);
                if (!value && rs.wasNull()) {
                    x.setNull(i);
                } else {
                    x.setSafe(i, value ? 1 : 0);
                }
                return 1;
            };
        }
        if (v instanceof Float8Vector x) {
            return (rs, i) -> {
                double value = rs.getDouble(c);
                if (value == 0 && rs.wasNull()) {
                    x.setNull(i);
                } else {
                    x.setSafe(i, value);
                }
                return 8;
            };
        }
        if (v instanceof Float4Vector x) {
            return (rs, i) -> {
                float value = rs.getFloat(c);
                if (value == 0 && rs.wasNull()) {
                    x.setNull(i);
                } else {
                    x.setSafe(i, value);
                }
                return 4;
            };
        }
        if (v instanceof DecimalVector x) {
            return (rs, i) -> {
                BigDecimal value = rs.getBigDecimal(c);
                if (value == null) {
                    x.setNull(i);
                } else {
                    x.setSafe(i, value.setScale(x.getScale(), RoundingMode.HALF_UP));
                }
                return 16;
            };
        }
        if (v instanceof TimeStampMilliVector x) {
            return new TimestampWriter(x, c, calendar);
        }
        if (v instanceof DateDayVector x) {
            return (rs, i) -> {
                Date value = rs.getDate(c, calendar);
                if (value == null) {
                    x.setNull(i);
                } else {
                    x.setSafe(i, (int) Math.floorDiv(value.getTime(), DateTimeUtils.MILLIS_PER_DAY));
                }
                return 4;
            };
        }
        if (v instanceof TimeMilliVector x) {
            return (rs, i) -> {
                Time value = rs.getTime(c, calendar);
                if (value == null) {
                    x.setNull(i);
                } else {
                    x.setSafe(i, (int) Math.floorMod(value.getTime(), DateTimeUtils.MILLIS_PER_DAY));
                }
                return 4;
            };
        }
        if (v instanceof VarBinaryVector x) {
            return (rs, i) -> {
                byte[] value = rs.getBytes(c);
                if (value == null) {
                    x.setNull(i);
                    return 4;
                }
                x.setSafe(i, value);
                return 4L + value.length;
            };
        }
        if (v instanceof VarCharVector x) {
            return new Utf8Writer(x, c);
        }
        throw new IllegalStateException("no Arrow writer for " + v.getClass().getSimpleName());
    }

    /**
     * A TIMESTAMP in milliseconds: as the long Calcite holds it (its milliseconds of the wall clock, what {@code
     * getTimestamp} with a UTC calendar gives, without a Timestamp per value), or through {@code getTimestamp} for a
     * column whose values are objects (their accessor has no long).
     */
    private static final class TimestampWriter implements ColumnWriter {
        private final TimeStampMilliVector v;
        private final int c;
        private final Calendar calendar;
        private boolean asLong = true;

        TimestampWriter(TimeStampMilliVector v, int c, Calendar calendar) {
            this.v = v;
            this.c = c;
            this.calendar = calendar;
        }

        @Override
        public long write(ResultSet rs, int i) throws SQLException {
            if (asLong) {
                try {
                    long value = rs.getLong(c);
                    if (value == 0 && rs.wasNull()) {
                        v.setNull(i);
                    } else {
                        v.setSafe(i, value);
                    }
                    return 8;
                } catch (SQLException e) {
                    asLong = false;
                }
            }
            Timestamp value = rs.getTimestamp(c, calendar);
            if (value == null) {
                v.setNull(i);
            } else {
                v.setSafe(i, value.getTime());
            }
            return 8;
        }
    }

    /** Text as UTF-8: ASCII (most of sysql's text) through a buffer of its own, other text through String's encoder. */
    private static final class Utf8Writer implements ColumnWriter {
        private final VarCharVector v;
        private final int c;
        private byte[] scratch = new byte[256];

        Utf8Writer(VarCharVector v, int c) {
            this.v = v;
            this.c = c;
        }

        @Override
        public long write(ResultSet rs, int i) throws SQLException {
            String value = rs.getString(c);
            if (value == null) {
                v.setNull(i);
                return 4;
            }
            int n = value.length();
            if (scratch.length < n) {
                scratch = new byte[Math.max(n, 2 * scratch.length)];
            }
            int k = 0;
            while (k < n) {
                char ch = value.charAt(k);
                if (ch >= 0x80) {
                    break;
                }
                scratch[k++] = (byte) ch;
            }
            if (k == n) {
                v.setSafe(i, scratch, 0, n);
                return 4L + n;
            }
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            v.setSafe(i, utf8, 0, utf8.length);
            return 4L + utf8.length;
        }
    }

    /** Writes one row of strings (null: null) into the Utf8 columns of {@code root} at {@code i}. */
    static void setText(VectorSchemaRoot root, int i, String... values) {
        for (int j = 0; j < values.length; j++) {
            VarCharVector v = (VarCharVector) root.getVector(j);
            if (values[j] == null) {
                v.setNull(i);
            } else {
                v.setSafe(i, values[j].getBytes(StandardCharsets.UTF_8));
            }
        }
    }
}
