// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.calcite.sql.type.SqlTypeName;
import sysql.calcite.SysqlException;
import sysql.capture.fields.FieldType;

/**
 * The state of one windowed streaming aggregate: per open window a hash of groups, each with its aggregates'
 * accumulators. Rows are added as they arrive; {@link #close} emits every window that ended before the
 * watermark (HAVING applied, then, for top-N, the rows sorted and cut) and forgets it. Only the open windows
 * are held, each at most {@code maxGroups} groups: one more is a clear error, not an OutOfMemoryError.
 *
 * <p>Input rows are read from an {@link Input} by column: the time column (milliseconds), the key columns, the
 * aggregates' argument columns. The columns are the scan's ({@link BatchRows}, read in place from the batch),
 * then the values computed per row from them ({@link ComputedRows}: keys and arguments that are expressions).
 * A group lookup reuses one probe key, so a row of a known group allocates nothing.
 */
final class WindowAggregator {
    /** What an output column of the aggregate is. */
    enum Role {
        WINDOW_START,
        WINDOW_END,
        KEY,
        AGGREGATE
    }

    /** One output column: its role, the key or aggregate it shows (by index), and its SQL type. */
    record Output(Role role, int index, SqlTypeName type) {}

    /**
     * One aggregate: its kind, its argument column (-1: none, COUNT(*)), the argument's type, DISTINCT, and the
     * result type. The argument's type is a catalog type (numbers, booleans and times read as longs, VARCHAR as
     * text), or null for a computed value of another SQL type (DECIMAL, DOUBLE, DATE…), held as the object it is
     * and compared as a {@link Comparable} (COUNT, MIN and MAX only). {@code filterColumn}: the BOOLEAN column
     * of {@code FILTER (WHERE …)} (a row counts when it is TRUE), or -1.
     */
    record Aggregate(
            Kind kind, int argColumn, FieldType argType, boolean distinct, SqlTypeName resultType, int filterColumn) {
        enum Kind {
            COUNT,
            SUM,
            SUM0,
            MIN,
            MAX,
            AVG;

            /** The kind of an aggregate function of that SqlKind, or null for one the window aggregate lacks. */
            static Kind of(org.apache.calcite.sql.SqlKind kind) {
                return switch (kind) {
                    case COUNT -> COUNT;
                    case SUM -> SUM;
                    case SUM0 -> SUM0;
                    case MIN -> MIN;
                    case MAX -> MAX;
                    case AVG -> AVG;
                    default -> null;
                };
            }
        }

        /** Without a FILTER. */
        Aggregate(Kind kind, int argColumn, FieldType argType, boolean distinct, SqlTypeName resultType) {
            this(kind, argColumn, argType, distinct, resultType, -1);
        }

        /** True when the argument is read as an object (text, or a computed value of another type). */
        boolean objectArg() {
            return argType == null || argType == FieldType.VARCHAR;
        }
    }

    /**
     * The rows the aggregate reads, by column and row of the current batch. {@code getLong} is for the columns
     * of a type read as a long (numbers, BOOLEAN as 0/1, TIMESTAMP in milliseconds).
     */
    interface Input {
        boolean isNull(int column, int row);

        long getLong(int column, int row);

        Object get(int column, int row);
    }

    private final WindowSpec window;
    private final int timeColumn;
    private final int[] keyColumns;
    private final boolean[] keyIsObject;
    private final FieldType[] keyTypes;
    private final Aggregate[] aggregates;
    private final Output[] outputs;
    private final RowCondition having;
    private final Comparator<Object[]> order;
    private final long limit;
    private final int maxGroups;
    private final TreeMap<Long, Map<GroupKey, Group>> windows = new TreeMap<>();
    private final GroupKey probe;
    private long closedUpTo = Long.MIN_VALUE; // windows ending at or before this are emitted
    private long lateRows;

    /**
     * {@code keyTypes}: per key column its catalog type, or null for a computed key (its value is kept as the
     * object the expression gave, which is already Calcite's runtime value of the key's type).
     */
    WindowAggregator(
            WindowSpec window,
            int timeColumn,
            int[] keyColumns,
            FieldType[] keyTypes,
            List<Aggregate> aggregates,
            List<Output> outputs,
            RowCondition having,
            Comparator<Object[]> order,
            long limit,
            int maxGroups) {
        this.window = window;
        this.timeColumn = timeColumn;
        this.keyColumns = keyColumns.clone();
        this.keyTypes = keyTypes.clone();
        this.keyIsObject = new boolean[keyColumns.length];
        for (int i = 0; i < keyColumns.length; i++) {
            keyIsObject[i] = keyTypes[i] == null || keyTypes[i] == FieldType.VARCHAR;
        }
        this.aggregates = aggregates.toArray(Aggregate[]::new);
        this.outputs = outputs.toArray(Output[]::new);
        this.having = having;
        this.order = order;
        this.limit = limit;
        this.maxGroups = maxGroups;
        this.probe = new GroupKey(new long[keyColumns.length], new Object[keyColumns.length]);
    }

    long lateRows() {
        return lateRows;
    }

    int openWindows() {
        return windows.size();
    }

    /** Adds row {@code r} of {@code rows} to every window that holds its time. */
    void add(Input rows, int r) {
        if (rows.isNull(timeColumn, r)) {
            return;
        }
        long t = rows.getLong(timeColumn, r);
        long start = window.lastStart(t);
        if (start + window.sizeMillis() <= closedUpTo) {
            lateRows++;
            return;
        }
        probe.fill(rows, r, keyColumns, keyIsObject);
        for (long s = start; s + window.sizeMillis() > t; s -= window.slideMillis()) {
            if (s + window.sizeMillis() <= closedUpTo) {
                lateRows++;
                continue;
            }
            Map<GroupKey, Group> groups = windows.computeIfAbsent(s, k -> new HashMap<>());
            Group g = groups.get(probe);
            if (g == null) {
                if (groups.size() >= maxGroups) {
                    throw new SysqlException("a window of this streaming query holds more than " + maxGroups
                            + " groups: group by fewer or coarser keys, filter more in WHERE, or raise the connection "
                            + "property windowGroups");
                }
                g = new Group(probe.copy(), aggregates);
                groups.put(g.key, g);
            }
            g.add(rows, r, aggregates);
        }
    }

    /** Emits into {@code out} every window that ends at or before {@code watermarkMillis}, oldest first. */
    void close(long watermarkMillis, ArrayDeque<Object[]> out) {
        for (Iterator<Map.Entry<Long, Map<GroupKey, Group>>> it =
                        windows.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<Long, Map<GroupKey, Group>> w = it.next();
            long start = w.getKey();
            long end = start + window.sizeMillis();
            if (end > watermarkMillis) {
                break; // the map is ordered by start, and every window has the same size
            }
            emit(start, end, w.getValue().values(), out);
            it.remove();
        }
        // Every window ending by the watermark is done, also one that never got a row: a row for it is late.
        closedUpTo = Math.max(closedUpTo, watermarkMillis);
    }

    private void emit(long start, long end, Iterable<Group> groups, ArrayDeque<Object[]> out) {
        List<Object[]> rows = new ArrayList<>();
        for (Group g : groups) {
            Object[] row = new Object[outputs.length];
            for (int i = 0; i < outputs.length; i++) {
                Output o = outputs[i];
                row[i] = switch (o.role()) {
                    case WINDOW_START -> start;
                    case WINDOW_END -> end;
                    case KEY -> g.key.value(o.index(), keyTypes[o.index()]);
                    case AGGREGATE -> g.result(o.index(), aggregates[o.index()]);
                };
            }
            if (having == null || having.test(row)) {
                rows.add(row);
            }
        }
        if (order != null) {
            rows.sort(order);
        }
        long n = limit < 0 ? rows.size() : Math.min(limit, rows.size());
        for (int i = 0; i < n; i++) {
            out.add(rows.get(i));
        }
    }

    /** The key of a group: numeric key columns as longs, text and computed ones as objects (null for NULL). */
    static final class GroupKey {
        final long[] longs;
        final Object[] texts;
        int hash;

        GroupKey(long[] longs, Object[] texts) {
            this.longs = longs;
            this.texts = texts;
        }

        void fill(Input rows, int r, int[] columns, boolean[] isObject) {
            int h = 1;
            for (int i = 0; i < columns.length; i++) {
                if (rows.isNull(columns[i], r)) {
                    texts[i] = null;
                    longs[i] = 0;
                    h = h * 31 + 7;
                } else if (isObject[i]) {
                    Object s = rows.get(columns[i], r);
                    texts[i] = s;
                    longs[i] = 0;
                    h = h * 31 + s.hashCode();
                } else {
                    long v = rows.getLong(columns[i], r);
                    longs[i] = v;
                    texts[i] = true; // not null
                    h = h * 31 + Long.hashCode(v);
                }
            }
            hash = h;
        }

        GroupKey copy() {
            GroupKey k = new GroupKey(longs.clone(), texts.clone());
            k.hash = hash;
            return k;
        }

        /** Key column {@code i} as Calcite's runtime value. */
        Object value(int i, FieldType type) {
            if (texts[i] == null) {
                return null;
            }
            if (type == null) {
                return texts[i];
            }
            return switch (type) {
                case VARCHAR -> texts[i];
                case INTEGER -> (int) longs[i];
                case BOOLEAN -> longs[i] != 0;
                default -> longs[i];
            };
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof GroupKey k
                    && k.hash == hash
                    && Arrays.equals(longs, k.longs)
                    && Arrays.equals(texts, k.texts);
        }
    }

    /** One group's accumulators: two longs per aggregate (value, count), sets for DISTINCT, objects for text. */
    static final class Group {
        final GroupKey key;
        final long[] longs;
        final Object[] objects;

        Group(GroupKey key, Aggregate[] aggregates) {
            this.key = key;
            this.longs = new long[2 * aggregates.length];
            this.objects = new Object[aggregates.length];
            for (int i = 0; i < aggregates.length; i++) {
                if (aggregates[i].distinct()) {
                    objects[i] = new HashSet<>();
                }
            }
        }

        @SuppressWarnings("unchecked")
        void add(Input rows, int r, Aggregate[] aggregates) {
            for (int i = 0; i < aggregates.length; i++) {
                Aggregate a = aggregates[i];
                int f = a.filterColumn();
                if (f >= 0 && (rows.isNull(f, r) || rows.getLong(f, r) == 0)) {
                    continue; // FILTER (WHERE …) not TRUE
                }
                int c = a.argColumn();
                if (c < 0) {
                    longs[2 * i]++; // COUNT(*)
                    continue;
                }
                if (rows.isNull(c, r)) {
                    continue;
                }
                if (a.distinct()) {
                    ((Set<Object>) objects[i]).add(rows.get(c, r));
                    continue;
                }
                boolean object = a.objectArg();
                switch (a.kind()) {
                    case COUNT -> longs[2 * i]++;
                    case SUM, SUM0, AVG -> {
                        longs[2 * i] += rows.getLong(c, r);
                        longs[2 * i + 1]++;
                    }
                    case MIN, MAX -> {
                        if (object) {
                            Comparable<Object> v = (Comparable<Object>) rows.get(c, r);
                            Object cur = objects[i];
                            if (cur == null
                                    || (a.kind() == Aggregate.Kind.MIN ? v.compareTo(cur) < 0 : v.compareTo(cur) > 0)) {
                                objects[i] = v;
                            }
                        } else {
                            long v = rows.getLong(c, r);
                            boolean first = longs[2 * i + 1]++ == 0;
                            if (first || (a.kind() == Aggregate.Kind.MIN ? v < longs[2 * i] : v > longs[2 * i])) {
                                longs[2 * i] = v;
                            }
                        }
                    }
                }
            }
        }

        /** Aggregate {@code i}'s value, as Calcite's runtime value of its result type. */
        @SuppressWarnings("unchecked")
        Object result(int i, Aggregate a) {
            long value;
            long count;
            if (a.distinct()) {
                Set<Object> set = (Set<Object>) objects[i];
                if (a.kind() == Aggregate.Kind.COUNT) {
                    return typed(set.size(), a.resultType());
                }
                if (set.isEmpty()) {
                    return a.kind() == Aggregate.Kind.SUM0 ? typed(0, a.resultType()) : null;
                }
                if (a.objectArg()) {
                    Comparator<Object> natural = (x, y) -> ((Comparable<Object>) x).compareTo(y);
                    return a.kind() == Aggregate.Kind.MIN
                            ? set.stream().min(natural).get()
                            : set.stream().max(natural).get();
                }
                long sum = 0;
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                for (Object o : set) {
                    long v = o instanceof Boolean b ? (b ? 1 : 0) : ((Number) o).longValue();
                    sum += v;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                value = switch (a.kind()) {
                    case MIN -> min;
                    case MAX -> max;
                    default -> sum;
                };
                count = set.size();
            } else {
                if (a.kind() == Aggregate.Kind.COUNT) {
                    return typed(longs[2 * i], a.resultType());
                }
                if ((a.kind() == Aggregate.Kind.MIN || a.kind() == Aggregate.Kind.MAX) && a.objectArg()) {
                    return objects[i];
                }
                value = longs[2 * i];
                count = longs[2 * i + 1];
                if (count == 0) {
                    return a.kind() == Aggregate.Kind.SUM0 ? typed(0, a.resultType()) : null;
                }
            }
            if (a.kind() == Aggregate.Kind.AVG) {
                return switch (a.resultType()) {
                    case DOUBLE, FLOAT, REAL -> (double) value / count;
                    case DECIMAL ->
                        BigDecimal.valueOf(value)
                                .divide(BigDecimal.valueOf(count), 10, java.math.RoundingMode.HALF_EVEN);
                    default -> typed(value / count, a.resultType());
                };
            }
            return typed(value, a.resultType());
        }

        private static Object typed(long v, SqlTypeName type) {
            return switch (type) {
                case INTEGER -> (int) v;
                case SMALLINT -> (short) v;
                case TINYINT -> (byte) v;
                case BOOLEAN -> v != 0;
                case DOUBLE, FLOAT, REAL -> (double) v;
                case DECIMAL -> BigDecimal.valueOf(v);
                default -> v;
            };
        }
    }
}
