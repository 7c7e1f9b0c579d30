// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.LongSupplier;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.stream.Delta;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexWindowBound;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import sysql.calcite.SysqlException;

/**
 * Window functions ({@code OVER}) over a stream, row by row in arrival order: each partition keeps its running
 * state and every input row leaves at once with its values. It runs what a stream can answer without waiting:
 * frames from {@code UNBOUNDED PRECEDING} to {@code CURRENT ROW} or {@code 1 PRECEDING}, ordered by the order the
 * events come in ({@code evt.num}, {@code evt.rawtime}, {@code evt.time}), with COUNT, SUM, MIN, MAX,
 * FIRST_VALUE, LAST_VALUE and ROW_NUMBER. {@link StreamRules#DELTA_WINDOW} puts it where a
 * Delta sits on a Window; anything else it is given is refused by name. A partition without rows for 10
 * minutes is forgotten (a stream's partitions come and go: threads, connections, httplog's turns), and at most
 * {@code maxPartitions} are kept: one more is a clear error, so that a stream's memory is bounded.
 */
public final class StreamWindow extends SingleRel implements EnumerableRel {
    private final Window window;
    private final Spec spec;

    StreamWindow(RelOptCluster cluster, RelTraitSet traits, RelNode input, Window window, int maxPartitions) {
        super(cluster, traits, input);
        this.window = window;
        this.rowType = window.getRowType();
        this.spec = spec(window, maxPartitions);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new StreamWindow(getCluster(), traitSet, sole(inputs), window, spec.maxPartitions);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw).item("window", window.groups);
    }

    /** Cheap: one pass without sorting, the plan a stream can run (chosen over Calcite's Window, which sorts). */
    @Override
    public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
        double work = mq.getRowCount(getInput()) / 1000;
        return planner.getCostFactory().makeCost(work, work, 0);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        BlockBuilder builder = new BlockBuilder();
        Expression rows = inputRows(implementor, this, builder);
        Expression stashed = implementor.stash(spec, Spec.class);
        builder.add(Expressions.return_(null, Expressions.call(stashed, "apply", rows)));
        PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY);
        return implementor.result(physType, builder.toBlock());
    }

    /**
     * The rows of {@code rel}'s single input, as an {@code Enumerable<Object[]>} expression added to {@code builder}:
     * for sysql's stream operators that take their input row by row ({@code StreamWindow},
     * {@code RowsWindowAggregate}).
     */
    static <R extends SingleRel & EnumerableRel> Expression inputRows(
            EnumerableRelImplementor implementor, R rel, BlockBuilder builder) {
        Result child = implementor.visitChild(rel, 0, (EnumerableRel) rel.getInput(), Prefer.ARRAY);
        Expression input = builder.append("streamInput", child.block, false);
        return Expressions.convert_(child.physType.convertTo(input, JavaRowFormat.ARRAY), Enumerable.class);
    }

    /** The window's groups as the operator runs them; a SysqlException names what a stream cannot run. */
    private static Spec spec(Window window, int maxPartitions) {
        int inputColumns = window.getInput().getRowType().getFieldCount();
        List<Group> groups = new ArrayList<>();
        for (Window.Group g : window.groups) {
            for (RelFieldCollation f : g.orderKeys.getFieldCollations()) {
                String origin = origin(window, f.getFieldIndex());
                boolean arrival = "evt.num".equals(origin)
                        || (g.isRows && ("evt.rawtime".equals(origin) || "evt.time".equals(origin)));
                if (!arrival || f.getDirection() != RelFieldCollation.Direction.ASCENDING) {
                    throw refused("ORDER BY " + (origin != null ? origin : "an expression")
                            + (f.getDirection() == RelFieldCollation.Direction.ASCENDING ? "" : " DESC")
                            + " (a stream's rows come in evt.num order; with ROWS, evt.rawtime and evt.time too)");
                }
            }
            if (!g.lowerBound.isUnboundedPreceding()) {
                throw refused("a frame that does not start at UNBOUNDED PRECEDING");
            }
            int upper;
            if (g.upperBound.isCurrentRow()) {
                upper = 0;
            } else if (g.upperBound.isPreceding() && offset(g.upperBound, window, inputColumns) == 1) {
                upper = -1;
            } else {
                throw refused("a frame that ends after the current row or more than 1 row before it");
            }
            List<Agg> aggs = new ArrayList<>();
            for (Window.RexWinAggCall call : g.aggCalls) {
                if (call.distinct) {
                    throw refused(call.getOperator().getName() + "(DISTINCT …)");
                }
                if (call.ignoreNulls) {
                    throw refused(call.getOperator().getName() + " … IGNORE NULLS (nor does a query of the history)");
                }
                int arg = -1;
                if (!call.getOperands().isEmpty()) {
                    if (!(call.getOperands().get(0) instanceof RexInputRef ref) || ref.getIndex() >= inputColumns) {
                        throw refused(call.getOperator().getName() + " of something other than a column");
                    }
                    arg = ref.getIndex();
                }
                SqlKind kind = call.getKind();
                switch (kind) {
                    case COUNT, SUM, SUM0, MIN, MAX, FIRST_VALUE, LAST_VALUE, ROW_NUMBER -> {}
                    default -> throw refused(call.getOperator().getName());
                }
                if (call.getOperands().size() > 1) {
                    throw refused(call.getOperator().getName() + " with more than one argument");
                }
                aggs.add(new Agg(kind, arg, zero(call.getType().getSqlTypeName())));
            }
            groups.add(new Group(g.keys.toArray(), upper, aggs));
        }
        return new Spec(inputColumns, groups, maxPartitions);
    }

    /** The events column that window input column {@code i} is, unchanged, or null. */
    private static String origin(Window window, int i) {
        return origin(window.getInput(), i);
    }

    /**
     * The scan column that column {@code i} of {@code n} passes on unchanged (through projections, filters,
     * calcs, a Delta, a window's own input columns), or null. Calcite's column origins stop at sysql's scan,
     * which is no TableScan.
     */
    private static String origin(RelNode n, int i) {
        if (n instanceof RelSubset s) {
            n = s.getOriginal();
            if (n == null) {
                return null;
            }
        }
        if (n instanceof EventsScan || n instanceof TableScan) {
            return n.getRowType().getFieldNames().get(i);
        }
        if (n instanceof Project p) {
            return p.getProjects().get(i) instanceof RexInputRef r ? origin(p.getInput(), r.getIndex()) : null;
        }
        if (n instanceof Calc c) {
            RexNode e = c.getProgram()
                    .expandLocalRef(c.getProgram().getProjectList().get(i));
            return e instanceof RexInputRef r ? origin(c.getInput(), r.getIndex()) : null;
        }
        if (n instanceof Filter || n instanceof Delta || n instanceof StreamWindow) {
            return origin(n.getInput(0), i);
        }
        if (n instanceof Window w) {
            return i < w.getInput().getRowType().getFieldCount() ? origin(w.getInput(), i) : null;
        }
        return null;
    }

    /** The SUM of no rows ($SUM0, which Calcite makes of a windowed SUM) as the column's Java value. */
    private static Object zero(SqlTypeName type) {
        return switch (type) {
            case TINYINT -> (byte) 0;
            case SMALLINT -> (short) 0;
            case INTEGER -> 0;
            case FLOAT, REAL -> 0f;
            case DOUBLE -> 0d;
            case DECIMAL -> java.math.BigDecimal.ZERO;
            default -> 0L;
        };
    }

    private static long offset(RexWindowBound bound, Window window, int inputColumns) {
        RexNode o = bound.getOffset();
        if (o instanceof RexInputRef ref && ref.getIndex() >= inputColumns) {
            o = window.constants.get(ref.getIndex() - inputColumns);
        }
        if (o instanceof RexLiteral lit && lit.getValueAs(Long.class) != null) {
            return lit.getValueAs(Long.class);
        }
        return -1;
    }

    private static SysqlException refused(String what) {
        return new SysqlException("this streaming query cannot run: sysql's window functions over a stream (OVER) "
                + "do not support " + what + "; they take frames from UNBOUNDED PRECEDING to CURRENT ROW or 1 "
                + "PRECEDING in the order events come (ORDER BY evt.num) with COUNT, SUM, MIN, MAX, FIRST_VALUE, "
                + "LAST_VALUE and ROW_NUMBER");
    }

    record Agg(SqlKind kind, int arg, Object zero) {}

    record Group(int[] keys, int upper, List<Agg> aggs) {}

    /** What the plan runs (stashed into the generated code). */
    public static final class Spec {
        private final int inputColumns;
        private final List<Group> groups;
        private final int maxPartitions;
        private final int outputColumns;
        private final LongSupplier clock;

        Spec(int inputColumns, List<Group> groups, int maxPartitions) {
            this(inputColumns, groups, maxPartitions, System::nanoTime);
        }

        /** {@code clock}: nanoseconds, for when a partition last had a row. */
        Spec(int inputColumns, List<Group> groups, int maxPartitions, LongSupplier clock) {
            this.clock = clock;
            this.inputColumns = inputColumns;
            this.groups = groups;
            this.maxPartitions = maxPartitions;
            int n = inputColumns;
            for (Group g : groups) {
                n += g.aggs().size();
            }
            this.outputColumns = n;
        }

        /** The input rows, each with its window values after it, as they come. */
        public Enumerable<Object[]> apply(Enumerable<Object[]> input) {
            return new AbstractEnumerable<>() {
                @Override
                public Enumerator<Object[]> enumerator() {
                    return new RowEnumerator(input.enumerator());
                }
            };
        }

        private final class RowEnumerator implements Enumerator<Object[]> {
            private final Enumerator<Object[]> in;
            /** Per group, its partitions, least recently used first. */
            private final List<LinkedHashMap<List<Object>, Partition>> states = new ArrayList<>();

            private Object[] current;

            RowEnumerator(Enumerator<Object[]> in) {
                this.in = in;
                for (int i = 0; i < groups.size(); i++) {
                    states.add(new LinkedHashMap<>(16, 0.75f, true));
                }
            }

            @Override
            public Object[] current() {
                if (current == null) {
                    throw new NoSuchElementException();
                }
                return current;
            }

            @Override
            public boolean moveNext() {
                if (!in.moveNext()) {
                    return false;
                }
                Object[] row = in.current();
                Object[] out = Arrays.copyOf(row, outputColumns);
                long now = clock.getAsLong();
                int o = inputColumns;
                for (int gi = 0; gi < groups.size(); gi++) {
                    Group g = groups.get(gi);
                    Object[] key = new Object[g.keys().length];
                    for (int k = 0; k < key.length; k++) {
                        key[k] = row[g.keys()[k]];
                    }
                    LinkedHashMap<List<Object>, Partition> partitions = states.get(gi);
                    forgetIdle(partitions, now);
                    Partition p = partitions.get(Arrays.asList(key));
                    if (p == null) {
                        if (partitions.size() >= maxPartitions) {
                            throw new SysqlException("this streaming query keeps more than " + maxPartitions
                                    + " partitions of its window (OVER (PARTITION BY …)) that had rows in the last "
                                    + IDLE_NANOS / 60_000_000_000L + " minutes; partition by fewer values, or "
                                    + "raise the limit with the connection property windowGroups");
                        }
                        p = new Partition(new Object[g.aggs().size() * 2]);
                        partitions.put(Arrays.asList(key), p);
                    }
                    p.touched = now;
                    Object[] state = p.state;
                    for (int a = 0; a < g.aggs().size(); a++) {
                        Agg agg = g.aggs().get(a);
                        Object v = agg.arg() < 0 ? null : row[agg.arg()];
                        if (g.upper() < 0) {
                            out[o++] = value(agg, state, a);
                            add(agg, state, a, v);
                        } else {
                            add(agg, state, a, v);
                            out[o++] = value(agg, state, a);
                        }
                    }
                }
                current = out;
                return true;
            }

            @Override
            public void reset() {
                throw new UnsupportedOperationException("a stream cannot be read again");
            }

            @Override
            public void close() {
                in.close();
            }
        }
    }

    /** A partition silent this long is forgotten (its next row starts it anew), so that a stream's state ends. */
    static final long IDLE_NANOS = 10 * 60_000_000_000L;

    /** One partition's state and when it last had a row. */
    private static final class Partition {
        final Object[] state;
        long touched;

        Partition(Object[] state) {
            this.state = state;
        }
    }

    /** Forgets the partitions that had no row for {@link #IDLE_NANOS}: they come first in access order. */
    private static void forgetIdle(LinkedHashMap<List<Object>, Partition> partitions, long now) {
        Iterator<Partition> it = partitions.values().iterator();
        while (it.hasNext()) {
            if (now - it.next().touched <= IDLE_NANOS) {
                return;
            }
            it.remove();
        }
    }

    /** Adds a row's argument {@code v} to aggregate {@code a}'s state: state[2a] its value, state[2a+1] its count. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void add(Agg agg, Object[] state, int a, Object v) {
        int s = 2 * a;
        long n = state[s + 1] == null ? 0 : (Long) state[s + 1];
        switch (agg.kind()) {
            case ROW_NUMBER -> state[s] = n + 1;
            case COUNT -> state[s] = (state[s] == null ? 0L : (Long) state[s]) + (agg.arg() < 0 || v != null ? 1 : 0);
            case SUM, SUM0 -> {
                if (v != null) {
                    state[s] = state[s] == null ? v : plus((Number) state[s], (Number) v);
                }
            }
            case MIN, MAX -> {
                if (v != null) {
                    int cmp = state[s] == null ? 0 : ((Comparable) v).compareTo(state[s]);
                    if (state[s] == null || (agg.kind() == SqlKind.MIN ? cmp < 0 : cmp > 0)) {
                        state[s] = v;
                    }
                }
            }
            case FIRST_VALUE -> {
                if (n == 0) {
                    state[s] = v;
                }
            }
            case LAST_VALUE -> state[s] = v;
            default -> throw new IllegalStateException(agg.kind().toString());
        }
        state[s + 1] = n + 1;
    }

    private static Object value(Agg agg, Object[] state, int a) {
        Object v = state[2 * a];
        return switch (agg.kind()) {
            case COUNT, ROW_NUMBER -> v == null ? 0L : v;
            case SUM0 -> v == null ? agg.zero() : v;
            default -> v;
        };
    }

    private static Number plus(Number x, Number y) {
        if (x instanceof Double || y instanceof Double || x instanceof Float || y instanceof Float) {
            return x.doubleValue() + y.doubleValue();
        }
        if (x instanceof java.math.BigDecimal || y instanceof java.math.BigDecimal) {
            return new java.math.BigDecimal(x.toString()).add(new java.math.BigDecimal(y.toString()));
        }
        if (x instanceof Integer && y instanceof Integer) {
            return x.intValue() + y.intValue();
        }
        return x.longValue() + y.longValue();
    }
}
