// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.stream.Delta;
import org.apache.calcite.rel.stream.LogicalDelta;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.sql.type.SqlTypeName;
import sysql.calcite.QuerySettings;
import sysql.capture.fields.FieldType;

/**
 * Stream rules Calcite's {@code StreamRules} lacks: they push a Delta (the stream of a relation) down through
 * operators that work row by row (a correlate that reads no table), and put sysql's own streaming operators
 * where Calcite's need their whole input (window functions: {@link StreamWindow}; a windowed GROUP BY over their
 * rows: {@link RowsWindowAggregate}), so a {@code SELECT STREAM} can use them over the live events.
 */
public final class StreamRules {
    private StreamRules() {}

    /**
     * Delta(Correlate(left, right)) → Correlate(Delta(left), right) when the right side reads no table: it is
     * computed from each left row alone ({@code CROSS JOIN UNNEST(…)}, {@code LATERAL (VALUES …)}), so the stream
     * of the correlate is the correlate of the stream. A right side that reads a table stays unstreamed (Calcite
     * then finds no plan, as for any other join a stream cannot run).
     */
    public static final RelOptRule DELTA_CORRELATE = RuleConfig.of(
                    "DeltaCorrelateTransposeRule",
                    b -> b.operand(Delta.class)
                            .oneInput(b1 -> b1.operand(Correlate.class)
                                    .predicate(c -> !readsATable(c.getRight()))
                                    .anyInputs()),
                    DeltaCorrelateRule::new)
            .toRule();

    /**
     * Delta(Window(x)) → StreamWindow(Delta(x)): window functions over a stream, row by row in arrival order
     * (Calcite's own Window needs its whole input). The window must be one the stream can answer at once; else
     * the query is refused, naming what it uses.
     */
    public static final RelOptRule DELTA_WINDOW = RuleConfig.of(
                    "DeltaWindowRule",
                    b -> b.operand(Delta.class)
                            .oneInput(b1 -> b1.operand(Window.class).anyInputs()),
                    DeltaWindowRule::new)
            .toRule();

    /**
     * Delta(Aggregate grouped by TUMBLE/HOP over rows of window functions) → RowsWindowAggregate(Delta(its
     * input, the window key as its time)): a windowed GROUP BY of a stream whose rows {@link WindowAggregateScan}
     * cannot compose down to its scan (httptop's transactions).
     */
    public static final RelOptRule DELTA_AGGREGATE_OF_WINDOWS = RuleConfig.of(
                    "DeltaAggregateOfWindowsRule",
                    b -> b.operand(Delta.class)
                            .oneInput(b1 -> b1.operand(Aggregate.class).anyInputs()),
                    DeltaAggregateOfWindowsRule::new)
            .toRule();

    public static final List<RelOptRule> ALL = List.of(DELTA_CORRELATE, DELTA_WINDOW, DELTA_AGGREGATE_OF_WINDOWS);

    private static boolean readsATable(RelNode n) {
        if (n instanceof RelSubset s) {
            n = s.getOriginal();
            if (n == null) {
                return true; // unknown: as if it did
            }
        }
        if (n instanceof TableScan || n instanceof EventsScan) {
            return true;
        }
        for (RelNode i : n.getInputs()) {
            if (readsATable(i)) {
                return true;
            }
        }
        return false;
    }

    private static final class DeltaWindowRule extends RelRule<RuleConfig> {
        DeltaWindowRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Window w = call.rel(1);
            RelNode input = convert(LogicalDelta.create(w.getInput()), EnumerableConvention.INSTANCE);
            int maxPartitions = windowGroups(w.getInput());
            call.transformTo(new StreamWindow(
                    w.getCluster(), w.getTraitSet().replace(EnumerableConvention.INSTANCE), input, w, maxPartitions));
        }
    }

    private static final class DeltaAggregateOfWindowsRule extends RelRule<RuleConfig> {
        DeltaAggregateOfWindowsRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Aggregate agg = call.rel(1);
            if (agg.getGroupType() != Aggregate.Group.SIMPLE || !hasWindowFunctions(agg.getInput())) {
                return;
            }
            List<WindowAggregator.Output> outputs = new ArrayList<>();
            List<Integer> keys = new ArrayList<>();
            WindowSpec spec = null;
            RelNode rows = null;
            int time = -1;
            for (int g : agg.getGroupSet()) {
                SqlTypeName type = agg.getRowType()
                        .getFieldList()
                        .get(outputs.size())
                        .getType()
                        .getSqlTypeName();
                WindowSpec[] found = new WindowSpec[1];
                RelNode withTime = spec == null ? withTimeKey(agg.getInput(), g, found) : null;
                if (withTime != null) {
                    spec = found[0];
                    rows = withTime;
                    time = g;
                    outputs.add(new WindowAggregator.Output(WindowAggregator.Role.WINDOW_START, -1, type));
                } else {
                    keys.add(g);
                    outputs.add(new WindowAggregator.Output(WindowAggregator.Role.KEY, keys.size() - 1, type));
                }
            }
            if (spec == null) {
                return;
            }
            List<WindowAggregator.Aggregate> aggregates = new ArrayList<>();
            for (AggregateCall c : agg.getAggCallList()) {
                WindowAggregator.Aggregate a = aggregate(c, rows.getRowType());
                if (a == null) {
                    return;
                }
                aggregates.add(a);
                outputs.add(new WindowAggregator.Output(
                        WindowAggregator.Role.AGGREGATE,
                        aggregates.size() - 1,
                        c.getType().getSqlTypeName()));
            }
            RelNode input = convert(LogicalDelta.create(rows), EnumerableConvention.INSTANCE);
            call.transformTo(new RowsWindowAggregate(
                    agg.getCluster(),
                    agg.getTraitSet().replace(EnumerableConvention.INSTANCE),
                    input,
                    agg.getRowType(),
                    spec,
                    time,
                    keys.stream().mapToInt(Integer::intValue).toArray(),
                    aggregates,
                    outputs,
                    null,
                    -1,
                    windowGroups(agg.getInput())));
        }

        /**
         * {@code n} with its column {@code column} the time of a TUMBLE/HOP group window key instead of the key:
         * the $TUMBLE call, found through projections, filters and windows that pass the column on, replaced by
         * its time argument (its window spec into {@code found}); null when the column is no such key.
         */
        private static RelNode withTimeKey(RelNode n, int column, WindowSpec[] found) {
            if (n instanceof RelSubset s) {
                n = s.getOriginal();
            }
            if (n instanceof Project p) {
                RexNode e = p.getProjects().get(column);
                WindowSpec spec = WindowPlanner.windowOf(e);
                if (spec != null) {
                    found[0] = spec;
                    List<RexNode> exprs = new ArrayList<>(p.getProjects());
                    RexNode ts = ((RexCall) e).getOperands().get(0);
                    exprs.set(
                            column,
                            ts.getType().equals(e.getType())
                                    ? ts
                                    : p.getCluster().getRexBuilder().makeCast(e.getType(), ts, true, false));
                    return LogicalProject.create(
                            p.getInput(), List.of(), exprs, p.getRowType().getFieldNames(), Set.of());
                }
                if (e instanceof RexInputRef r) {
                    RelNode in = withTimeKey(p.getInput(), r.getIndex(), found);
                    return in == null ? null : p.copy(p.getTraitSet(), List.of(in));
                }
                return null;
            }
            if ((n instanceof Filter || n instanceof Window)
                    && column < n.getInput(0).getRowType().getFieldCount()) {
                RelNode in = withTimeKey(n.getInput(0), column, found);
                return in == null ? null : n.copy(n.getTraitSet(), List.of(in));
            }
            return null;
        }

        /** The window aggregate of {@code c} over rows of {@code rowType}, or null for what it does not run. */
        private static WindowAggregator.Aggregate aggregate(AggregateCall c, RelDataType rowType) {
            WindowAggregator.Aggregate.Kind kind =
                    WindowAggregator.Aggregate.Kind.of(c.getAggregation().getKind());
            if (kind == null
                    || c.getArgList().size() > 1
                    || !c.getCollation().getFieldCollations().isEmpty()) {
                return null;
            }
            SqlTypeName result = c.getType().getSqlTypeName();
            if (c.getArgList().isEmpty()) {
                return kind == WindowAggregator.Aggregate.Kind.COUNT
                        ? new WindowAggregator.Aggregate(kind, -1, null, c.isDistinct(), result, c.filterArg)
                        : null;
            }
            int arg = c.getArgList().get(0);
            SqlTypeName argType = rowType.getFieldList().get(arg).getType().getSqlTypeName();
            FieldType read = switch (argType) {
                case TINYINT, SMALLINT, INTEGER, BIGINT -> FieldType.BIGINT;
                case BOOLEAN -> FieldType.BOOLEAN;
                case TIMESTAMP -> FieldType.TIMESTAMP;
                case CHAR, VARCHAR -> FieldType.VARCHAR;
                default -> null;
            };
            boolean countsOrCompares = kind == WindowAggregator.Aggregate.Kind.COUNT
                    || kind == WindowAggregator.Aggregate.Kind.MIN
                    || kind == WindowAggregator.Aggregate.Kind.MAX;
            if (!countsOrCompares && (read == null || read == FieldType.VARCHAR)) {
                return null; // it sums and averages whole numbers only, as the scan's window aggregate
            }
            return new WindowAggregator.Aggregate(kind, arg, read, c.isDistinct(), result, c.filterArg);
        }
    }

    /** True when window functions (a Window, or a projection with OVER before it is one) compute rows under {@code n}. */
    private static boolean hasWindowFunctions(RelNode n) {
        if (n instanceof RelSubset s) {
            n = s.getOriginal();
            if (n == null) {
                return false;
            }
        }
        if (n instanceof Window
                || n instanceof StreamWindow
                || (n instanceof Project p && RexOver.containsOver(p.getProjects(), null))) {
            return true;
        }
        for (RelNode i : n.getInputs()) {
            if (hasWindowFunctions(i)) {
                return true;
            }
        }
        return false;
    }

    /** The connection's windowGroups (the most groups or partitions a stream keeps), from the scan under {@code n}. */
    private static int windowGroups(RelNode n) {
        EventsScan scan = scanBelow(n);
        return (scan != null ? scan.settings() : QuerySettings.DEFAULT).windowGroups();
    }

    /** The events scan under {@code n} (the first one met), or null. */
    private static EventsScan scanBelow(RelNode n) {
        if (n instanceof RelSubset s) {
            n = s.getOriginal();
            if (n == null) {
                return null;
            }
        }
        if (n instanceof EventsScan scan) {
            return scan;
        }
        for (RelNode i : n.getInputs()) {
            EventsScan scan = scanBelow(i);
            if (scan != null) {
                return scan;
            }
        }
        return null;
    }

    private static final class DeltaCorrelateRule extends RelRule<RuleConfig> {
        DeltaCorrelateRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Correlate c = call.rel(1);
            RelNode left = LogicalDelta.create(c.getLeft());
            call.transformTo(c.copy(c.getTraitSet(), List.of(left, c.getRight())));
        }
    }
}
