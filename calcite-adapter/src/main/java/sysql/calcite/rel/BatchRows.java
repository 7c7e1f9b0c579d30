// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.calcite.avatica.util.ByteString;
import sysql.capture.columnar.EventColumns;
import sysql.capture.fields.Field;
import sysql.capture.fields.FieldType;

/**
 * Reads the rows of one columnar batch as the values Calcite's generated code expects: Long for BIGINT and
 * TIMESTAMP (milliseconds), Integer, Boolean, String, ByteString for VARBINARY; or, for numeric columns, as primitive longs (what the
 * window aggregates read, without boxing). A dictionary-encoded column decodes each distinct string once per
 * batch.
 */
final class BatchRows implements WindowAggregator.Input {
    /** One column of the bound batch. */
    private interface Column {
        Object get(int row);

        boolean isNull(int row);

        /** The value as a long (TIMESTAMP in milliseconds, BOOLEAN 0/1); text columns do not have one. */
        default long getLong(int row) {
            throw new IllegalStateException("not a numeric column");
        }
    }

    private final List<Field> fields;
    private final Column[] columns;
    private int rows;

    BatchRows(List<Field> fields) {
        this.fields = fields;
        this.columns = new Column[fields.size()];
    }

    /** Binds to {@code batch} (same fields, in the same order); returns its row count. */
    int bind(EventColumns batch) {
        batch.finish();
        for (int i = 0; i < columns.length; i++) {
            columns[i] = column(fields.get(i).type(), batch.vector(i), batch);
        }
        rows = batch.rowCount();
        return rows;
    }

    int rows() {
        return rows;
    }

    @Override
    public Object get(int column, int row) {
        return columns[column].get(row);
    }

    @Override
    public boolean isNull(int column, int row) {
        return columns[column].isNull(row);
    }

    @Override
    public long getLong(int column, int row) {
        return columns[column].getLong(row);
    }

    private static Column column(FieldType type, FieldVector v, EventColumns batch) {
        DictionaryEncoding encoding = v.getField().getDictionary();
        if (encoding != null) {
            IntVector indices = (IntVector) v;
            Dictionary d = batch.dictionaries().lookup(encoding.getId());
            return new DictionaryColumn(indices, (VarCharVector) d.getVector());
        }
        return switch (type) {
            case TIMESTAMP -> new LongColumn((BigIntVector) v, true);
            case BIGINT -> new LongColumn((BigIntVector) v, false);
            case INTEGER -> new IntColumn((IntVector) v);
            case BOOLEAN -> new BooleanColumn((BitVector) v);
            case DOUBLE -> new DoubleColumn((Float8Vector) v);
            case VARBINARY -> new BinaryColumn((VarBinaryVector) v);
            default -> new TextColumn((VarCharVector) v);
        };
    }

    private record DictionaryColumn(IntVector indices, VarCharVector values, String[] decoded) implements Column {
        DictionaryColumn(IntVector indices, VarCharVector values) {
            this(indices, values, new String[values.getValueCount()]);
        }

        @Override
        public Object get(int row) {
            if (indices.isNull(row)) {
                return null;
            }
            int k = indices.get(row);
            String s = decoded[k];
            if (s == null) {
                s = new String(values.get(k), StandardCharsets.UTF_8);
                decoded[k] = s;
            }
            return s;
        }

        @Override
        public boolean isNull(int row) {
            return indices.isNull(row);
        }
    }

    /** BIGINT, or TIMESTAMP held in nanoseconds and read in milliseconds. */
    private record LongColumn(BigIntVector v, boolean millis) implements Column {
        @Override
        public Object get(int row) {
            return v.isNull(row) ? null : getLong(row);
        }

        @Override
        public boolean isNull(int row) {
            return v.isNull(row);
        }

        @Override
        public long getLong(int row) {
            return millis ? Math.floorDiv(v.get(row), 1_000_000L) : v.get(row);
        }
    }

    private record IntColumn(IntVector v) implements Column {
        @Override
        public Object get(int row) {
            return v.isNull(row) ? null : v.get(row);
        }

        @Override
        public boolean isNull(int row) {
            return v.isNull(row);
        }

        @Override
        public long getLong(int row) {
            return v.get(row);
        }
    }

    private record BooleanColumn(BitVector v) implements Column {
        @Override
        public Object get(int row) {
            return v.isNull(row) ? null : v.get(row) != 0;
        }

        @Override
        public boolean isNull(int row) {
            return v.isNull(row);
        }

        @Override
        public long getLong(int row) {
            return v.get(row);
        }
    }

    /** DOUBLE: read as an object only (window aggregates take it as a computed value, not a long). */
    private record DoubleColumn(Float8Vector v) implements Column {
        @Override
        public Object get(int row) {
            return v.isNull(row) ? null : v.get(row);
        }

        @Override
        public boolean isNull(int row) {
            return v.isNull(row);
        }
    }

    private record TextColumn(VarCharVector v) implements Column {
        @Override
        public Object get(int row) {
            return v.isNull(row) ? null : new String(v.get(row), StandardCharsets.UTF_8);
        }

        @Override
        public boolean isNull(int row) {
            return v.isNull(row);
        }
    }

    /** VARBINARY: Calcite's ByteString (the bytes copied out of the vector once, on reading). */
    private record BinaryColumn(VarBinaryVector v) implements Column {
        @Override
        public Object get(int row) {
            return v.isNull(row) ? null : new ByteString(v.get(row));
        }

        @Override
        public boolean isNull(int row) {
            return v.isNull(row);
        }
    }
}
