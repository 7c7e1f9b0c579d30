// SPDX-License-Identifier: Apache-2.0
package sysql.capture.columnar;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.FieldType;
import sysql.capture.fields.EventContext;
import sysql.capture.fields.Field;

/**
 * One columnar batch of events: an Arrow vector per requested catalog field, and nothing for the fields no
 * consumer asked for — so a query that needs 5 of 200 fields pays for 5. Low-cardinality text fields
 * (event type, process name, fd type...) are dictionary-encoded: an int32 index column plus a per-batch
 * dictionary of the distinct strings. A VARBINARY field (raw buffer bytes) is copied from the event into its
 * vector as it is.
 *
 * <p>Fill with {@link #append(EventContext)} until {@link #isFull()}, hand {@link #root()} (and
 * {@link #dictionaries()}) to the consumer, then {@link #clear()} and reuse; the vectors' memory is reused.
 */
public final class EventColumns implements AutoCloseable {
    /** Text fields with few distinct values, dictionary-encoded. */
    public static final Set<String> DICTIONARY_FIELDS = Set.of(
            "evt.type",
            "evt.dir",
            "evt.res",
            "evt.category",
            "proc.name",
            "proc.exe",
            "proc.exepath",
            "proc.pname",
            "fd.type",
            "fd.typechar",
            "fd.l4proto",
            "fd.sockfamily",
            "user.name",
            "user.homedir",
            "user.shell",
            "group.name",
            "container.id",
            "container.name");

    private final List<Field> fields;
    private final List<FieldVector> vectors = new ArrayList<>();
    private final Column[] columns;
    /**
     * The vectors as Arrow's VectorSchemaRoot, made by the first {@link #root()}: its Schema's class initialiser
     * sets up Jackson (about 60 ms of a process's start), which a consumer reading {@link #vector} never needs.
     */
    private VectorSchemaRoot root; // null until the first root()

    private final DictionaryProvider.MapDictionaryProvider dictionaries =
            new DictionaryProvider.MapDictionaryProvider();
    private final int capacity;
    private int rows;

    /** How one field reaches its vector. */
    private interface Column {
        void append(EventContext c, int row);

        default void finish(int rows) {}

        default void clear() {}
    }

    public EventColumns(BufferAllocator allocator, List<Field> fields, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("a batch holds at least one row, not " + capacity);
        }
        this.fields = List.copyOf(fields);
        this.capacity = capacity;
        this.columns = new Column[fields.size()];
        long dictionaryId = 0;
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            switch (f.type()) {
                case BIGINT, TIMESTAMP -> {
                    BigIntVector v = new BigIntVector(f.name(), allocator);
                    v.allocateNew(capacity);
                    vectors.add(v);
                    columns[i] = (c, row) -> {
                        if (f.isNull(c)) {
                            v.setNull(row);
                        } else {
                            v.set(row, f.getLong(c));
                        }
                    };
                }
                case INTEGER -> {
                    IntVector v = new IntVector(f.name(), allocator);
                    v.allocateNew(capacity);
                    vectors.add(v);
                    columns[i] = (c, row) -> {
                        if (f.isNull(c)) {
                            v.setNull(row);
                        } else {
                            v.set(row, (int) f.getLong(c));
                        }
                    };
                }
                case BOOLEAN -> {
                    BitVector v = new BitVector(f.name(), allocator);
                    v.allocateNew(capacity);
                    vectors.add(v);
                    columns[i] = (c, row) -> {
                        if (f.isNull(c)) {
                            v.setNull(row);
                        } else {
                            v.set(row, f.getLong(c) != 0 ? 1 : 0);
                        }
                    };
                }
                case DOUBLE -> {
                    Float8Vector v = new Float8Vector(f.name(), allocator);
                    v.allocateNew(capacity);
                    vectors.add(v);
                    columns[i] = (c, row) -> {
                        if (f.isNull(c)) {
                            v.setNull(row);
                        } else {
                            v.set(row, f.getDouble(c));
                        }
                    };
                }
                case VARBINARY -> {
                    VarBinaryVector v = new VarBinaryVector(f.name(), allocator);
                    v.allocateNew((long) capacity * 32, capacity);
                    vectors.add(v);
                    columns[i] = new BinaryColumn(f, v);
                }
                default -> {
                    if (DICTIONARY_FIELDS.contains(f.name())) {
                        DictionaryColumn d = new DictionaryColumn(allocator, f, ++dictionaryId, capacity);
                        vectors.add(d.indices);
                        dictionaries.put(d.dictionary);
                        columns[i] = d;
                    } else {
                        VarCharVector v = new VarCharVector(f.name(), allocator);
                        v.allocateNew((long) capacity * 32, capacity);
                        vectors.add(v);
                        columns[i] = (c, row) -> {
                            String s = f.getString(c);
                            if (s == null) {
                                v.setNull(row);
                            } else {
                                v.setSafe(row, s.getBytes(StandardCharsets.UTF_8));
                            }
                        };
                    }
                }
            }
        }
    }

    /**
     * A VARBINARY column: the bytes go from the event buffer into the vector through one scratch array that grows
     * to the largest buffer seen (at most 64 KiB), so no event allocates. (Arrow's copy from a direct ByteBuffer
     * needs its address, which takes an {@code --add-opens} of java.nio.)
     */
    private static final class BinaryColumn implements Column {
        final Field field;
        final VarBinaryVector vector;
        byte[] scratch = new byte[256];

        BinaryColumn(Field field, VarBinaryVector vector) {
            this.field = field;
            this.vector = vector;
        }

        @Override
        public void append(EventContext c, int row) {
            long slice = field.getSlice(c);
            if (slice < 0) {
                vector.setNull(row);
                return;
            }
            int len = (int) slice;
            if (len > scratch.length) {
                scratch = new byte[Math.max(len, 2 * scratch.length)];
            }
            c.event().buffer().get((int) (slice >>> 32), scratch, 0, len);
            vector.setSafe(row, scratch, 0, len);
        }
    }

    /** A dictionary-encoded text column: int32 indices into a per-batch dictionary of distinct strings. */
    private static final class DictionaryColumn implements Column {
        final Field field;
        final IntVector indices;
        final VarCharVector values;
        final Dictionary dictionary;
        final Map<String, Integer> ids = new HashMap<>();

        DictionaryColumn(BufferAllocator allocator, Field f, long id, int capacity) {
            this.field = f;
            DictionaryEncoding encoding = new DictionaryEncoding(id, false, new ArrowType.Int(32, true));
            this.indices =
                    new IntVector(f.name(), new FieldType(true, new ArrowType.Int(32, true), encoding), allocator);
            indices.allocateNew(capacity);
            this.values = new VarCharVector(f.name() + ".dictionary", allocator);
            values.allocateNew(1024, 64);
            this.dictionary = new Dictionary(values, encoding);
        }

        @Override
        public void append(EventContext c, int row) {
            String s = field.getString(c);
            if (s == null) {
                indices.setNull(row);
                return;
            }
            Integer id = ids.get(s);
            if (id == null) {
                id = ids.size();
                ids.put(s, id);
                values.setSafe(id, s.getBytes(StandardCharsets.UTF_8));
            }
            indices.set(row, id);
        }

        @Override
        public void finish(int rows) {
            values.setValueCount(ids.size());
        }

        @Override
        public void clear() {
            ids.clear();
            values.reset();
        }
    }

    /** Appends the current event's values of every requested field; false (and nothing appended) when full. */
    public boolean append(EventContext c) {
        if (rows >= capacity) {
            return false;
        }
        for (Column col : columns) {
            col.append(c, rows);
        }
        rows++;
        return true;
    }

    public boolean isFull() {
        return rows >= capacity;
    }

    /** Bytes the rows take in the batch's vectors (data, offsets, validity; not the small dictionaries). */
    public long bufferBytes() {
        long n = 0;
        for (FieldVector v : vectors) {
            n += v.getBufferSizeFor(rows);
        }
        return n;
    }

    public int rowCount() {
        return rows;
    }

    public List<Field> fields() {
        return fields;
    }

    /** The batch as Arrow vectors, row count set. */
    public VectorSchemaRoot root() {
        finish();
        if (root == null) {
            root = new VectorSchemaRoot(vectors);
        }
        root.setRowCount(rows);
        return root;
    }

    /** Completes the vectors of the rows appended so far ({@link #vector} reads them). */
    public void finish() {
        for (Column col : columns) {
            col.finish(rows);
        }
    }

    /** The vector of the {@code i}th field (complete after {@link #finish}); {@link #rowCount} rows. */
    public FieldVector vector(int i) {
        return vectors.get(i);
    }

    /** Dictionaries of the dictionary-encoded columns (by the encoding id in each column's Arrow field). */
    public DictionaryProvider dictionaries() {
        return dictionaries;
    }

    /** Empties the batch for reuse (memory kept). */
    public void clear() {
        for (FieldVector v : vectors) {
            v.reset();
        }
        for (Column col : columns) {
            col.clear();
        }
        rows = 0;
        if (root != null) {
            root.setRowCount(0);
        }
    }

    @Override
    public void close() {
        for (FieldVector v : vectors) {
            v.close();
        }
        for (long id : dictionaries.getDictionaryIds()) {
            dictionaries.lookup(id).getVector().close();
        }
    }
}
