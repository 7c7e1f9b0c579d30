package sysql.calcite.rel;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import sysql.capture.columnar.EventColumns;
import sysql.capture.fields.Field;
import sysql.capture.fields.FieldType;

/**
 * Reads the rows of one columnar batch as the values Calcite's generated code expects: Long for BIGINT and
 * TIMESTAMP (milliseconds), Integer, Boolean, String. A dictionary-encoded column decodes each distinct string
 * once per batch.
 */
final class BatchRows {
    private interface Column {
        Object get(int row);
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
        VectorSchemaRoot root = batch.root();
        for (int i = 0; i < columns.length; i++) {
            columns[i] = column(fields.get(i).type(), root.getVector(i), batch);
        }
        rows = root.getRowCount();
        return rows;
    }

    int rows() {
        return rows;
    }

    Object get(int column, int row) {
        return columns[column].get(row);
    }

    private static Column column(FieldType type, FieldVector v, EventColumns batch) {
        DictionaryEncoding encoding = v.getField().getDictionary();
        if (encoding != null) {
            IntVector indices = (IntVector) v;
            Dictionary d = batch.dictionaries().lookup(encoding.getId());
            VarCharVector values = (VarCharVector) d.getVector();
            String[] decoded = new String[values.getValueCount()];
            return row -> {
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
            };
        }
        switch (type) {
            case TIMESTAMP: {
                BigIntVector b = (BigIntVector) v;
                return row -> b.isNull(row) ? null : Math.floorDiv(b.get(row), 1_000_000L);
            }
            case BIGINT: {
                BigIntVector b = (BigIntVector) v;
                return row -> b.isNull(row) ? null : b.get(row);
            }
            case INTEGER: {
                IntVector b = (IntVector) v;
                return row -> b.isNull(row) ? null : b.get(row);
            }
            case BOOLEAN: {
                BitVector b = (BitVector) v;
                return row -> b.isNull(row) ? null : b.get(row) != 0;
            }
            default: {
                VarCharVector b = (VarCharVector) v;
                return row -> b.isNull(row) ? null : new String(b.get(row), StandardCharsets.UTF_8);
            }
        }
    }
}
