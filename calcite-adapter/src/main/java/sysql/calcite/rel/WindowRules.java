// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableLimit;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptPredicateList;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.plan.RelTrait;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableFunctionScan;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.rel.stream.Delta;
import org.apache.calcite.rel.stream.LogicalDelta;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexSimplify;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWindowTableFunction;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * The planner rules that turn a windowed GROUP BY over the event scan into a {@link WindowAggregateScan}:
 * the group-function form ({@code GROUP BY TUMBLE(evt.time, …)}, {@code HOP(…)}) and the table-function form
 * ({@code FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(evt.time), …))}), with keys, arguments and WHERE
 * conditions that are any expressions over the row, through subqueries in FROM (see {@link WindowPlanner});
 * then its HAVING, its per-window top-N (a stream's {@code ORDER BY <window end>, … LIMIT n}), and the stream.
 */
public final class WindowRules {
    private WindowRules() {}

    /**
     * Aggregate(…(EventsScan)) with a TUMBLE/HOP window among the group keys (either form) and only per-row work
     * between (projections, filters, calcs, the window table function): see {@link WindowPlanner}. Run in
     * {@link #PHASE}, where the aggregate's input is one tree.
     */
    public static final RelOptRule AGGREGATE = RuleConfig.of(
                    "WindowAggregateRule", b -> b.operand(Aggregate.class).anyInputs(), AggregateRule::new)
            .toRule();

    /**
     * The phase that plans windowed aggregates, before Calcite's own program (subqueries, decorrelation, field
     * trimming, the cost-based planner): each aggregate over the events becomes a {@link WindowAggregateScan} of
     * the history, once, from the logical plan as the query wrote it. A stream's Delta, at the top of the plan,
     * is pushed down by the cost-based planner onto it ({@link #STREAM}), which then reads the live events.
     */
    public static final Program PHASE = Programs.hep(List.of(AGGREGATE), true, DefaultRelMetadataProvider.INSTANCE);

    /** Filter(WindowAggregateScan) → the aggregate with its HAVING. */
    public static final RelOptRule HAVING = RuleConfig.of(
                    "WindowHavingRule",
                    b -> b.operand(Filter.class)
                            .oneInput(b1 -> b1.operand(WindowAggregateScan.class)
                                    .predicate(w -> w.having() == null && !w.hasTopN())
                                    .noInputs()),
                    HavingRule::new)
            .toRule();

    /** Sort(a windowed aggregate of a stream: WindowAggregateScan, RowsWindowAggregate) → it with its per-window order and limit. */
    public static final RelOptRule TOP_N = RuleConfig.of(
                    "WindowTopNRule",
                    b -> b.operand(Sort.class)
                            .oneInput(b1 -> b1.operand(RelNode.class)
                                    .predicate(WindowRules::isStreamWithoutTopN)
                                    .anyInputs()),
                    TopNRule::new)
            .toRule();

    /** Sort(Project(WindowAggregateScan of a stream)) → Project(the aggregate with its per-window order and limit). */
    public static final RelOptRule TOP_N_PROJECT = RuleConfig.of(
                    "WindowTopNProjectRule",
                    b -> b.operand(Sort.class)
                            .oneInput(b1 -> b1.operand(Project.class)
                                    .oneInput(b2 -> b2.operand(RelNode.class)
                                            .predicate(WindowRules::isStreamWithoutTopN)
                                            .anyInputs())),
                    TopNRule::new)
            .toRule();

    /**
     * EnumerableLimit(WindowAggregateScan of a stream) → the aggregate with its per-window limit: Calcite turns
     * {@code ORDER BY … LIMIT n} into a limit over a sort, and the sort alone becomes the per-window order.
     */
    public static final RelOptRule LIMIT = RuleConfig.of(
                    "WindowLimitRule",
                    b -> b.operand(EnumerableLimit.class)
                            .oneInput(b1 -> b1.operand(RelNode.class)
                                    .predicate(WindowRules::isStreamWithoutLimit)
                                    .anyInputs()),
                    LimitRule::new)
            .toRule();

    /** EnumerableLimit(Project(WindowAggregateScan of a stream)) → Project(the aggregate with its per-window limit). */
    public static final RelOptRule LIMIT_PROJECT = RuleConfig.of(
                    "WindowLimitProjectRule",
                    b -> b.operand(EnumerableLimit.class)
                            .oneInput(b1 -> b1.operand(Project.class)
                                    .oneInput(b2 -> b2.operand(RelNode.class)
                                            .predicate(WindowRules::isStreamWithoutLimit)
                                            .anyInputs())),
                    LimitRule::new)
            .toRule();

    /** Delta(WindowAggregateScan of the history) → the aggregate over the live stream. */
    public static final RelOptRule STREAM = RuleConfig.of(
                    "WindowStreamRule",
                    b -> b.operand(Delta.class)
                            .oneInput(b1 -> b1.operand(WindowAggregateScan.class)
                                    .predicate(w -> w.scan().source() == EventsScan.Source.HISTORY)
                                    .noInputs()),
                    StreamRule::new)
            .toRule();

    /** Delta(TableFunctionScan TUMBLE/HOP (x)) → TableFunctionScan(Delta(x)): a window function is per row. */
    public static final RelOptRule DELTA_TABLE_FUNCTION = RuleConfig.of(
                    "DeltaWindowTableFunctionRule",
                    b -> b.operand(Delta.class)
                            .oneInput(b1 -> b1.operand(TableFunctionScan.class)
                                    .predicate(WindowRules::isWindowFunction)
                                    .anyInputs()),
                    DeltaTableFunctionRule::new)
            .toRule();

    /**
     * The window aggregate {@link #PHASE} made (logical, so that the cost-based planner implements it like any
     * other node) → the same node in the enumerable convention, which runs it.
     */
    public static final RelOptRule ENUMERABLE = ConverterRule.Config.INSTANCE
            .withConversion(
                    WindowAggregateScan.class,
                    Convention.NONE,
                    EnumerableConvention.INSTANCE,
                    "WindowAggregateScanEnumerableRule")
            .withRuleFactory(EnumerableRule::new)
            .toRule();

    /** The rules of the cost-based planner (the aggregate's own is in {@link #PHASE}). */
    public static final List<RelOptRule> ALL =
            List.of(ENUMERABLE, HAVING, TOP_N, TOP_N_PROJECT, LIMIT, LIMIT_PROJECT, STREAM, DELTA_TABLE_FUNCTION);

    private static boolean isWindowFunction(TableFunctionScan s) {
        return s.getCall() instanceof RexCall c
                && windowKind(c.getOperator()) != null
                && s.getInputs().size() == 1;
    }

    /** TUMBLE or HOP for Calcite's window table functions (their SqlKind is OTHER_FUNCTION), else null. */
    public static SqlKind windowKind(SqlOperator op) {
        if (!(op instanceof SqlWindowTableFunction)) {
            return null;
        }
        return switch (op.getName()) {
            case "TUMBLE" -> SqlKind.TUMBLE;
            case "HOP" -> SqlKind.HOP;
            default -> null;
        };
    }

    private static boolean isStreamWithoutTopN(RelNode n) {
        return n instanceof PerWindowTopN w && w.isStream() && !w.hasTopN();
    }

    private static boolean isStreamWithoutLimit(RelNode n) {
        return n instanceof PerWindowTopN w && w.isStream() && !w.hasLimit();
    }

    private static final class AggregateRule extends RelRule<RuleConfig> {
        AggregateRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Aggregate aggregate = call.rel(0);
            if (WindowPlanner.plan(aggregate) instanceof WindowPlanner.Planned p) {
                call.transformTo(p.rel());
            }
        }
    }

    /**
     * Why a windowed aggregate in a finished plan is not sysql's window aggregate: what it uses that the
     * operator does not support; null when the aggregate has no window (or nothing is found missing).
     */
    public static String unsupported(Aggregate aggregate) {
        return WindowPlanner.plan(aggregate) instanceof WindowPlanner.Unsupported u ? u.what() : null;
    }

    private static final class HavingRule extends RelRule<RuleConfig> {
        HavingRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Filter filter = call.rel(0);
            WindowAggregateScan w = call.rel(1);
            if (WindowAggregateScan.canBeHaving(filter.getCondition())) {
                call.transformTo(w.withHaving(filter.getCondition()));
            }
        }
    }

    /**
     * A stream's ORDER BY must start with the window (the validator sees to it: a stream is ordered by time);
     * the rest orders each window's rows, and LIMIT keeps the first n of each window: sysdig's "top" chisels.
     */
    private static final class TopNRule extends RelRule<RuleConfig> {
        TopNRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Sort sort = call.rel(0);
            Project project = call.rels.length == 3 ? call.rel(1) : null;
            RelNode aggregate = call.rel(call.rels.length - 1);
            PerWindowTopN w = (PerWindowTopN) aggregate;
            if (sort.offset != null) {
                return;
            }
            List<RelFieldCollation> perWindow = new ArrayList<>();
            for (RelFieldCollation f : sort.getCollation().getFieldCollations()) {
                // simplified: a chisel's CASE over its argument (CASE 'ncalls' WHEN 'ncalls' THEN COUNT(*) …)
                // is then the column it picks
                RexNode e = project == null
                        ? RexInputRef.of(f.getFieldIndex(), aggregate.getRowType())
                        : new RexSimplify(
                                        project.getCluster().getRexBuilder(),
                                        RelOptPredicateList.EMPTY,
                                        RexUtil.EXECUTOR)
                                .simplify(project.getProjects().get(f.getFieldIndex()));
                ImmutableBitSet uses = RelOptUtil.InputFinder.bits(e);
                boolean windowOnly = !uses.isEmpty() && uses.asList().stream().allMatch(w::isWindowColumn);
                if (windowOnly) {
                    if (f.getDirection() != RelFieldCollation.Direction.ASCENDING || !perWindow.isEmpty()) {
                        return; // the windows come in time order; a window key after others is not an order of theirs
                    }
                } else if (e instanceof RexInputRef ref) {
                    perWindow.add(f.withFieldIndex(ref.getIndex()));
                } else {
                    return;
                }
            }
            long limit = sort.fetch == null ? -1 : RexLiteral.intValue(sort.fetch);
            RelNode topN = perWindow.isEmpty() && limit < 0
                    ? aggregate
                    : w.withTopN(perWindow.isEmpty() ? null : RelCollations.of(perWindow), limit);
            // Its rows come in the sort's order (windows in time order, each window's rows in order): say so,
            // so that nothing sorts them again.
            RelNode sorted = project == null
                    ? topN.copy(topN.getTraitSet().replace(sort.getCollation()), topN.getInputs())
                    : project.copy(project.getTraitSet().replace(sort.getCollation()), List.of(topN));
            call.transformTo(sorted);
        }
    }

    private static final class LimitRule extends RelRule<RuleConfig> {
        LimitRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            EnumerableLimit limit = call.rel(0);
            Project project = call.rels.length == 3 ? call.rel(1) : null;
            PerWindowTopN w = (PerWindowTopN) call.rel(call.rels.length - 1);
            if (limit.offset != null || limit.fetch == null) {
                return;
            }
            RelNode limited = w.withTopN(w.order(), RexLiteral.intValue(limit.fetch));
            RelTrait collation = limit.getTraitSet().getCollation();
            call.transformTo(
                    project == null
                            ? limited.copy(limited.getTraitSet().replace(collation), limited.getInputs())
                            : project.copy(project.getTraitSet().replace(collation), List.of(limited)));
        }
    }

    private static final class EnumerableRule extends ConverterRule {
        EnumerableRule(Config config) {
            super(config);
        }

        @Override
        public RelNode convert(RelNode rel) {
            return rel.copy(rel.getTraitSet().replace(EnumerableConvention.INSTANCE), List.of());
        }
    }

    private static final class StreamRule extends RelRule<RuleConfig> {
        StreamRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            WindowAggregateScan w = call.rel(1);
            call.transformTo(w.withScan(w.scan().withSource(EventsScan.Source.LIVE)));
        }
    }

    private static final class DeltaTableFunctionRule extends RelRule<RuleConfig> {
        DeltaTableFunctionRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            TableFunctionScan tfs = call.rel(1);
            RelNode input = LogicalDelta.create(tfs.getInput(0));
            call.transformTo(tfs.copy(
                    tfs.getTraitSet(),
                    List.of(input),
                    tfs.getCall(),
                    tfs.getElementType(),
                    tfs.getRowType(),
                    tfs.getColumnMappings()));
        }
    }
}
