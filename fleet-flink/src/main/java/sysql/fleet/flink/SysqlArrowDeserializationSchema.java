// SPDX-License-Identifier: Apache-2.0
package sysql.fleet.flink;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.Collector;

/**
 * The runtime decoder of the {@code sysql-arrow} format: one Kafka record value is one Arrow IPC stream (a schema,
 * record batches, end-of-stream), and every row of every batch becomes one {@link RowData} of the table's (possibly
 * projected) physical row type. Arrow vectors are matched to the Flink columns by name; a column the record does
 * not have is NULL. The plan (which vector feeds which column, and how) is made once per distinct Arrow schema.
 *
 * <p>The object is serialized and shipped to the tasks; its Arrow allocator is made in {@link #open} (or on first
 * use) and every record's reader and vectors are closed before {@link #deserialize(byte[], Collector)} returns. A
 * record's rows are emitted only once the whole stream was read, so a corrupt record emits none of them.
 */
public final class SysqlArrowDeserializationSchema implements DeserializationSchema<RowData> {
    private static final long serialVersionUID = 1L;

    /** The counter of skipped records, in the source's metric group. */
    public static final String SKIPPED_RECORDS_METRIC = "sysqlArrowSkippedRecords";

    private final RowType rowType;
    private final TypeInformation<RowData> producedType;
    private final boolean ignoreParseErrors;

    private transient BufferAllocator allocator;
    private transient Counter skippedCounter;
    private transient long skipped;
    private transient Plan plan;
    /** The current record's rows, emitted once it was read whole (reused). */
    private transient List<RowData> pending;

    /**
     * @param rowType the rows to produce (column names are matched to the Arrow vectors' names)
     * @param producedType their type information (a {@code DynamicTableSource.Context} makes it)
     * @param ignoreParseErrors skip (and count) records that are not Arrow IPC streams instead of failing
     */
    public SysqlArrowDeserializationSchema(
            RowType rowType, TypeInformation<RowData> producedType, boolean ignoreParseErrors) {
        for (RowType.RowField f : rowType.getFields()) {
            ArrowColumnReaders.checkSupported(f.getName(), f.getType());
        }
        this.rowType = rowType;
        this.producedType = producedType;
        this.ignoreParseErrors = ignoreParseErrors;
    }

    @Override
    public void open(InitializationContext context) {
        init();
        if (context != null && context.getMetricGroup() != null) {
            skippedCounter = context.getMetricGroup().counter(SKIPPED_RECORDS_METRIC);
        }
    }

    private void init() {
        if (allocator == null) {
            allocator = new RootAllocator();
            pending = new ArrayList<>();
        }
    }

    /** Single-row path, for callers that do not pass a collector: the record must hold at most one row. */
    @Override
    public RowData deserialize(byte[] message) throws IOException {
        List<RowData> rows = new ArrayList<>(1);
        deserialize(message, new Collector<RowData>() {
            @Override
            public void collect(RowData record) {
                rows.add(record);
            }

            @Override
            public void close() {}
        });
        if (rows.size() > 1) {
            throw new IOException("sysql-arrow: a record of " + rows.size()
                    + " rows read through deserialize(byte[]); use deserialize(byte[], Collector)");
        }
        return rows.isEmpty() ? null : rows.get(0);
    }

    @Override
    public void deserialize(byte[] message, Collector<RowData> out) throws IOException {
        if (message == null) {
            return; // a tombstone
        }
        init();
        pending.clear();
        try {
            read(message);
        } catch (SysqlArrowFormatException e) {
            if (e.isParseError() && ignoreParseErrors) {
                skip();
                return;
            }
            throw e;
        }
        for (RowData r : pending) {
            out.collect(r);
        }
        pending.clear();
    }

    private void skip() {
        pending.clear();
        skipped++;
        if (skippedCounter != null) {
            skippedCounter.inc();
        }
    }

    private void read(byte[] message) throws SysqlArrowFormatException {
        String problem = ArrowStreamCheck.problem(message);
        if (problem != null) {
            throw notArrow(message, problem);
        }
        try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(message), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            Plan p = plan(root.getSchema());
            FieldVector[] vectors = p.vectors;
            int n = vectors.length;
            while (reader.loadNextBatch()) {
                List<FieldVector> all = root.getFieldVectors();
                for (int i = 0; i < n; i++) {
                    int at = p.index[i];
                    vectors[i] = at < 0 ? null : all.get(at);
                }
                int rows = root.getRowCount();
                for (int row = 0; row < rows; row++) {
                    GenericRowData g = new GenericRowData(n);
                    for (int i = 0; i < n; i++) {
                        FieldVector v = vectors[i];
                        if (v != null && !v.isNull(row)) {
                            g.setField(i, p.readers[i].read(v, row));
                        }
                    }
                    pending.add(g);
                }
            }
            java.util.Arrays.fill(vectors, null);
        } catch (SysqlArrowFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw notArrow(message, e.getClass().getSimpleName() + ": " + oneLine(e.getMessage()));
        }
    }

    private static SysqlArrowFormatException notArrow(byte[] message, String why) {
        return new SysqlArrowFormatException(
                "sysql-arrow: a Kafka record of " + message.length + " bytes is not an Arrow IPC stream (" + why
                        + "); the topic must hold only sysql export's Arrow records, or set"
                        + " 'sysql-arrow.ignore-parse-errors' = 'true' to skip such records",
                true);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }

    /** The plan for this Arrow schema: the last one's if the schema is the same. */
    private Plan plan(Schema schema) throws SysqlArrowFormatException {
        Plan p = plan;
        if (p != null && p.schema.equals(schema)) {
            return p;
        }
        List<Field> fields = schema.getFields();
        Map<String, Integer> byName = new HashMap<>();
        for (int i = fields.size() - 1; i >= 0; i--) {
            byName.put(fields.get(i).getName(), i);
        }
        int n = rowType.getFieldCount();
        int[] index = new int[n];
        ArrowColumnReaders.ColumnReader[] readers = new ArrowColumnReaders.ColumnReader[n];
        List<String> names = rowType.getFieldNames();
        for (int i = 0; i < n; i++) {
            Integer at = byName.get(names.get(i));
            index[i] = at == null ? -1 : at;
            if (at != null) {
                readers[i] =
                        ArrowColumnReaders.reader(names.get(i), fields.get(at).getType(), rowType.getTypeAt(i));
            }
        }
        p = new Plan(schema, index, readers);
        plan = p;
        return p;
    }

    /** Records skipped as not Arrow IPC streams (with {@code ignore-parse-errors}) by this instance. */
    public long skippedRecords() {
        return skipped;
    }

    /** Bytes the allocator holds now: 0 between records. */
    long allocatedMemory() {
        return allocator == null ? 0 : allocator.getAllocatedMemory();
    }

    @Override
    public boolean isEndOfStream(RowData nextElement) {
        return false;
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }

    /** Which Arrow vector (by position in the schema, or -1) feeds each column, and its reader. */
    private static final class Plan {
        final Schema schema;
        final int[] index;
        final ArrowColumnReaders.ColumnReader[] readers;
        final FieldVector[] vectors;

        Plan(Schema schema, int[] index, ArrowColumnReaders.ColumnReader[] readers) {
            this.schema = schema;
            this.index = index;
            this.readers = readers;
            this.vectors = new FieldVector[index.length];
        }
    }
}
