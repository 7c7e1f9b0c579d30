// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.util.ArrayList;
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

/**
 * Rows as Flight SQL sends them: a result's columns as an Arrow schema (integers keep their width, TIMESTAMP an Arrow
 * timestamp in milliseconds, VARCHAR Utf8, BOOLEAN, DOUBLE, REAL, DECIMAL, DATE, TIME, VARBINARY; anything else as
 * its text), and the rows {@link SysqlMeta} reads (Avatica's wire values: a TIMESTAMP in milliseconds, a DATE in days)
 * written into a batch.
 */
final class FlightBatches {
    private FlightBatches() {}

    /** The Arrow type of a column of JDBC type {@code type}. */
    static ArrowType arrowType(int type, int precision, int scale) {
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

    /** Writes {@code rows} (each an {@code Object[]} of wire values) into {@code root}, replacing what it held. */
    static void fill(VectorSchemaRoot root, List<Object> rows) {
        root.allocateNew();
        List<FieldVector> vectors = root.getFieldVectors();
        int i = 0;
        for (Object r : rows) {
            Object[] row = (Object[]) r;
            for (int j = 0; j < vectors.size(); j++) {
                set(vectors.get(j), i, j < row.length ? row[j] : null);
            }
            i++;
        }
        root.setRowCount(i);
    }

    private static void set(FieldVector v, int i, Object value) {
        if (value == null) {
            v.setNull(i);
            return;
        }
        if (v instanceof BigIntVector x) {
            x.setSafe(i, ((Number) value).longValue());
        } else if (v instanceof IntVector x) {
            x.setSafe(i, ((Number) value).intValue());
        } else if (v instanceof SmallIntVector x) {
            x.setSafe(i, ((Number) value).shortValue());
        } else if (v instanceof TinyIntVector x) {
            x.setSafe(i, ((Number) value).byteValue());
        } else if (v instanceof BitVector x) {
            x.setSafe(i, Boolean.TRUE.equals(value) ? 1 : 0);
        } else if (v instanceof Float8Vector x) {
            x.setSafe(i, ((Number) value).doubleValue());
        } else if (v instanceof Float4Vector x) {
            x.setSafe(i, ((Number) value).floatValue());
        } else if (v instanceof DecimalVector x) {
            BigDecimal d = value instanceof BigDecimal b ? b : new BigDecimal(value.toString());
            x.setSafe(i, d.setScale(x.getScale(), RoundingMode.HALF_UP));
        } else if (v instanceof DateDayVector x) {
            x.setSafe(i, ((Number) value).intValue());
        } else if (v instanceof TimeMilliVector x) {
            x.setSafe(i, ((Number) value).intValue());
        } else if (v instanceof TimeStampMilliVector x) {
            x.setSafe(i, ((Number) value).longValue());
        } else if (v instanceof VarBinaryVector x) {
            x.setSafe(i, value instanceof byte[] b ? b : value.toString().getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof VarCharVector x) {
            x.setSafe(i, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
        } else {
            throw new IllegalStateException(
                    "no Arrow writer for " + v.getClass().getSimpleName());
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
