// SPDX-License-Identifier: Apache-2.0
package sysql.fleet.flink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
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
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Test helper: Kafka record values as sysql export writes them, one Arrow IPC stream of n batches each. */
final class ArrowRecords {
    private ArrowRecords() {}

    static Field field(String name, ArrowType type) {
        return new Field(name, FieldType.nullable(type), null);
    }

    /**
     * One Arrow IPC stream: the schema, then one batch per list of rows (a row's values in field order; null is
     * NULL), then the end-of-stream marker.
     */
    static byte[] stream(Schema schema, List<List<Object[]>> batches) throws IOException {
        try (BufferAllocator alloc = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (ArrowStreamWriter w = new ArrowStreamWriter(root, null, bos)) {
                w.start();
                for (List<Object[]> rows : batches) {
                    root.allocateNew();
                    for (int r = 0; r < rows.size(); r++) {
                        for (int c = 0; c < schema.getFields().size(); c++) {
                            Object value = rows.get(r)[c];
                            if (value != null) {
                                set(root.getVector(c), r, value);
                            }
                        }
                    }
                    root.setRowCount(rows.size());
                    w.writeBatch();
                }
                w.end();
            }
            return bos.toByteArray();
        }
    }

    private static void set(FieldVector v, int i, Object value) {
        if (v instanceof BitVector b) {
            b.setSafe(i, (Boolean) value ? 1 : 0);
        } else if (v instanceof TinyIntVector t) {
            t.setSafe(i, (Byte) value);
        } else if (v instanceof SmallIntVector s) {
            s.setSafe(i, (Short) value);
        } else if (v instanceof IntVector n) {
            n.setSafe(i, (Integer) value);
        } else if (v instanceof BigIntVector n) {
            n.setSafe(i, (Long) value);
        } else if (v instanceof Float4Vector f) {
            f.setSafe(i, (Float) value);
        } else if (v instanceof Float8Vector f) {
            f.setSafe(i, (Double) value);
        } else if (v instanceof DecimalVector d) {
            d.setSafe(i, (BigDecimal) value);
        } else if (v instanceof VarCharVector s) {
            s.setSafe(i, ((String) value).getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof VarBinaryVector b) {
            b.setSafe(i, (byte[]) value);
        } else if (v instanceof TimeStampVector t) {
            t.setSafe(i, (Long) value);
        } else if (v instanceof DateDayVector d) {
            d.setSafe(i, (Integer) value);
        } else if (v instanceof TimeMilliVector t) {
            t.setSafe(i, (Integer) value);
        } else {
            throw new IllegalArgumentException(
                    "test helper: no setter for " + v.getClass().getSimpleName());
        }
    }
}
