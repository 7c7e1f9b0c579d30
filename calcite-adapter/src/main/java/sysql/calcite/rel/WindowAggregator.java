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
import java.util.function.Predicate;
import org.apache.calcite.sql.type.SqlTypeName;
import sysql.calcite.SysqlException;
import sysql.capture.fields.FieldType;

/**
 * The state of one windowed streaming aggregate: per open window a hash of groups, each with its aggregates'
 * accumulators. Rows are added as they arrive; {@link #close} emits every window that ended before the
 * watermark (HAVING applied, then, for top-N, the rows sorted and cut) and forgets it. Only the open windows
 * are held, each at most {@code maxGroups} groups: one more is a clear error, not an OutOfMemoryError.
 *
 * <p>Input rows are read from a {@link BatchRows} by column: the time column (milliseconds), the key
 * columns, the aggregates' argument columns. A group lookup reuses one probe key, so a row of a known group
 * allocates nothing.
 */
final class WindowAggregator {
    /** What an output column of the aggregate is. */
    enum Role { WINDOW_START, WINDOW_END, KEY, AGGREGATE }

    /** One output column: its role, the key or aggregate it shows (by index), and its SQL type. */
    record Output(Role role, int index, SqlTypeName type) {}

    /** One aggregate: its kind, its argument column (-1: none, COUNT(*)), DISTINCT, and the result type. */
    record Aggregate(Kind kind, int argColumn, FieldType argType, boolean distinct, SqlTypeName resultType) {
        enum Kind { COUNT, SUM, SUM0, MIN, MAX, AVG }
    }

    private final WindowSpec window;
    private final int timeColumn;
    private final int[] keyColumns;
    private final boolean[] keyIsText;
    private final FieldType[] keyTypes;
    private final Aggregate[] aggregates;
    private final Output[] outputs;
    private final Predicate<Object[]> having;
    private final Comparator<Object[]> order;
    private final long limit;
    private final int maxGroups;
    private final TreeMap<Long, Map<GroupKey, Group>> windows = new TreeMap<>();
    private final GroupKey probe;
    private long closedUpTo = Long.MIN_VALUE; // windows ending at or before this are emitted
    private long lateRows;

    WindowAggregator(WindowSpec window, int timeColumn, int[] keyColumns, FieldType[] keyTypes, List<Aggregate> aggregates,
            List<Output> outputs, Predicate<Object[]> having, Comparator<Object[]> order, long limit, int maxGroups) {
        this.window = window;
        this.timeColumn = timeColumn;
        this.keyColumns = keyColumns.clone();
        this.keyTypes = keyTypes.clone();
        this.keyIsText = new boolean[keyColumns.length];
        int texts = 0;
        for (int i = 0; i < keyColumns.length; i++) {
            keyIsText[i] = keyTypes[i] == FieldType.VARCHAR;
            texts += keyIsText[i] ? 1 : 0;
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
    void add(BatchRows rows, int r) {
        if (rows.isNull(timeColumn, r)) {
            return;
        }
        long t = rows.getLong(timeColumn, r);
        long start = window.lastStart(t);
        if (start + window.sizeMillis() <= closedUpTo) {
            lateRows++;
            return;
        }
        probe.fill(rows, r, keyColumns, keyIsText);
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
        for (Iterator<Map.Entry<Long, Map<GroupKey, Group>>> it = windows.entrySet().iterator(); it.hasNext(); ) {
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

    /** The key of a group: numeric key columns as longs, text ones as strings (null for NULL). */
    static final class GroupKey {
        final long[] longs;
        final Object[] texts;
        int hash;

        GroupKey(long[] longs, Object[] texts) {
            this.longs = longs;
            this.texts = texts;
        }

        void fill(BatchRows rows, int r, int[] columns, boolean[] isText) {
            int h = 1;
            for (int i = 0; i < columns.length; i++) {
                if (rows.isNull(columns[i], r)) {
                    texts[i] = null;
                    longs[i] = 0;
                    h = h * 31 + 7;
                } else if (isText[i]) {
                    Object s = rows.get(columns[i], r);
                    texts[i] = s;
                    longs[i] = 0;
                    h = h * 31 + s.hashCode();
                } else {
                    long v = rows.getLong(columns[i], r);
                    longs[i] = v;
                    texts[i] = Boolean.TRUE; // not null
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
            return o instanceof GroupKey k && k.hash == hash && Arrays.equals(longs, k.longs)
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
        void add(BatchRows rows, int r, Aggregate[] aggregates) {
            for (int i = 0; i < aggregates.length; i++) {
                Aggregate a = aggregates[i];
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
                boolean text = a.argType() == FieldType.VARCHAR;
                switch (a.kind()) {
                    case COUNT -> longs[2 * i]++;
                    case SUM, SUM0, AVG -> {
                        longs[2 * i] += rows.getLong(c, r);
                        longs[2 * i + 1]++;
                    }
                    case MIN, MAX -> {
                        if (text) {
                            String v = (String) rows.get(c, r);
                            String cur = (String) objects[i];
                            if (cur == null || (a.kind() == Aggregate.Kind.MIN ? v.compareTo(cur) < 0 : v.compareTo(cur) > 0)) {
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
                if (a.argType() == FieldType.VARCHAR) {
                    return a.kind() == Aggregate.Kind.MIN ? set.stream().map(String.class::cast).min(String::compareTo).get()
                            : set.stream().map(String.class::cast).max(String::compareTo).get();
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
                if ((a.kind() == Aggregate.Kind.MIN || a.kind() == Aggregate.Kind.MAX) && a.argType() == FieldType.VARCHAR) {
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
                    case DECIMAL -> BigDecimal.valueOf(value).divide(BigDecimal.valueOf(count), 10,
                            java.math.RoundingMode.HALF_EVEN);
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
