package probe;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Set;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.*;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.*;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.Collector;

/** Minimal 'format'='sysql-arrow': one Kafka record = one Arrow IPC stream (n batches) -> n rows. Columns matched by name;
 *  supports STRING/BIGINT/INT/DOUBLE/BOOLEAN only (probe). */
public class ArrowFormatFactory implements DeserializationFormatFactory {
    @Override public String factoryIdentifier() { return "sysql-arrow"; }
    @Override public Set<ConfigOption<?>> requiredOptions() { return Set.of(); }
    @Override public Set<ConfigOption<?>> optionalOptions() { return Set.of(); }

    @Override
    public DecodingFormat<DeserializationSchema<RowData>> createDecodingFormat(DynamicTableFactory.Context ctx, ReadableConfig options) {
        return new DecodingFormat<>() {
            @Override public DeserializationSchema<RowData> createRuntimeDecoder(DynamicTableSource.Context c, DataType physical) {
                RowType rowType = (RowType) physical.getLogicalType();
                TypeInformation<RowData> ti = c.createTypeInformation(physical);
                return new Decoder(rowType, ti);
            }
            @Override public ChangelogMode getChangelogMode() { return ChangelogMode.insertOnly(); }
        };
    }

    static final class Decoder implements DeserializationSchema<RowData> {
        private final RowType rowType;
        private final TypeInformation<RowData> typeInfo;
        private transient BufferAllocator allocator;
        Decoder(RowType rowType, TypeInformation<RowData> ti) { this.rowType = rowType; this.typeInfo = ti; }

        @Override public void open(InitializationContext context) { allocator = new RootAllocator(); }

        @Override public RowData deserialize(byte[] message) { throw new UnsupportedOperationException("use the Collector variant"); }

        @Override public void deserialize(byte[] message, Collector<RowData> out) throws IOException {
            if (message == null) return;
            if (allocator == null) allocator = new RootAllocator();
            List<String> names = rowType.getFieldNames();
            try (ArrowStreamReader r = new ArrowStreamReader(new ByteArrayInputStream(message), allocator)) {
                VectorSchemaRoot root = r.getVectorSchemaRoot();
                while (r.loadNextBatch()) {
                    FieldVector[] vs = new FieldVector[names.size()];
                    for (int i = 0; i < vs.length; i++) vs[i] = root.getVector(names.get(i)); // null if absent -> NULL column
                    for (int row = 0; row < root.getRowCount(); row++) {
                        GenericRowData g = new GenericRowData(vs.length);
                        for (int i = 0; i < vs.length; i++) {
                            FieldVector v = vs[i];
                            if (v == null || v.isNull(row)) continue;
                            g.setField(i, convert(v, row, rowType.getTypeAt(i)));
                        }
                        out.collect(g);
                    }
                }
            }
        }

        private static Object convert(FieldVector v, int row, LogicalType t) {
            if (v instanceof VarCharVector s) return StringData.fromBytes(s.get(row));
            if (v instanceof BigIntVector b) return b.get(row);
            if (v instanceof IntVector i) return i.get(row);
            if (v instanceof Float8Vector d) return d.get(row);
            if (v instanceof BitVector b) return b.get(row) != 0;
            throw new IllegalArgumentException("probe: unsupported vector " + v.getClass().getSimpleName() + " for " + t);
        }

        @Override public boolean isEndOfStream(RowData nextElement) { return false; }
        @Override public TypeInformation<RowData> getProducedType() { return typeInfo; }
    }
}
