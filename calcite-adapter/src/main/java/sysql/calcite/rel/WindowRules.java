package sysql.calcite.rel;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableLimit;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.plan.RelTrait;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableFunctionScan;
import org.apache.calcite.rel.stream.LogicalDelta;
import org.apache.calcite.rel.stream.Delta;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWindowTableFunction;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;
import sysql.capture.fields.Field;
import sysql.capture.fields.FieldType;

/**
 * The planner rules that turn a windowed GROUP BY over the event scan into a {@link WindowAggregateScan}:
 * the group-function form ({@code GROUP BY TUMBLE(evt.time, …)}, {@code HOP(…)}) and the table-function form
 * ({@code FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(evt.time), …))}); then its HAVING, its per-window top-N
 * (a stream's {@code ORDER BY <window end>, … LIMIT n}), and the stream.
 */
public final class WindowRules {
    private WindowRules() {}

    /** Aggregate(Project(EventsScan)) with $TUMBLE / $HOP among the group keys. */
    public static final RelOptRule GROUP_FUNCTION = RuleConfig.of("WindowGroupFunctionRule",
            b -> b.operand(Aggregate.class).oneInput(b1 -> b1.operand(Project.class)
                    .oneInput(b2 -> b2.operand(EventsScan.class).noInputs())),
            GroupFunctionRule::new).toRule();

    /**
     * Delta(Aggregate(Project(EventsScan))): the group-function form of a stream, converted at once (Calcite
     * pushes a Delta below an aggregate only in some of the forms it rewrites the aggregate into).
     */
    public static final RelOptRule STREAM_GROUP_FUNCTION = RuleConfig.of("WindowStreamGroupFunctionRule",
            b -> b.operand(Delta.class).oneInput(b0 -> b0.operand(Aggregate.class).oneInput(b1 -> b1.operand(Project.class)
                    .oneInput(b2 -> b2.operand(EventsScan.class).noInputs()))),
            GroupFunctionRule::new).toRule();

    /** Aggregate(Project(TableFunctionScan TUMBLE/HOP (EventsScan))). */
    public static final RelOptRule TABLE_FUNCTION_PROJECT = RuleConfig.of("WindowTableFunctionProjectRule",
            b -> b.operand(Aggregate.class).oneInput(b1 -> b1.operand(Project.class)
                    .oneInput(b2 -> b2.operand(TableFunctionScan.class).predicate(WindowRules::isWindowFunction)
                            .oneInput(b3 -> b3.operand(EventsScan.class).noInputs()))),
            TableFunctionProjectRule::new).toRule();

    /** Aggregate(TableFunctionScan TUMBLE/HOP (EventsScan)). */
    public static final RelOptRule TABLE_FUNCTION = RuleConfig.of("WindowTableFunctionRule",
            b -> b.operand(Aggregate.class).oneInput(b1 -> b1.operand(TableFunctionScan.class)
                    .predicate(WindowRules::isWindowFunction).oneInput(b2 -> b2.operand(EventsScan.class).noInputs())),
            TableFunctionRule::new).toRule();

    /** Filter(WindowAggregateScan) → the aggregate with its HAVING. */
    public static final RelOptRule HAVING = RuleConfig.of("WindowHavingRule",
            b -> b.operand(Filter.class).oneInput(b1 -> b1.operand(WindowAggregateScan.class)
                    .predicate(w -> w.having() == null && !w.hasTopN()).noInputs()),
            HavingRule::new).toRule();

    /** Sort(WindowAggregateScan of a stream) → the aggregate with its per-window order and limit. */
    public static final RelOptRule TOP_N = RuleConfig.of("WindowTopNRule",
            b -> b.operand(Sort.class).oneInput(b1 -> b1.operand(WindowAggregateScan.class)
                    .predicate(WindowRules::isStreamWithoutTopN).noInputs()),
            TopNRule::new).toRule();

    /** Sort(Project(WindowAggregateScan of a stream)) → Project(the aggregate with its per-window order and limit). */
    public static final RelOptRule TOP_N_PROJECT = RuleConfig.of("WindowTopNProjectRule",
            b -> b.operand(Sort.class).oneInput(b1 -> b1.operand(Project.class).oneInput(
                    b2 -> b2.operand(WindowAggregateScan.class).predicate(WindowRules::isStreamWithoutTopN).noInputs())),
            TopNRule::new).toRule();

    /**
     * EnumerableLimit(WindowAggregateScan of a stream) → the aggregate with its per-window limit: Calcite turns
     * {@code ORDER BY … LIMIT n} into a limit over a sort, and the sort alone becomes the per-window order.
     */
    public static final RelOptRule LIMIT = RuleConfig.of("WindowLimitRule",
            b -> b.operand(EnumerableLimit.class).oneInput(b1 -> b1.operand(WindowAggregateScan.class)
                    .predicate(WindowRules::isStreamWithoutLimit).noInputs()),
            LimitRule::new).toRule();

    /** EnumerableLimit(Project(WindowAggregateScan of a stream)) → Project(the aggregate with its per-window limit). */
    public static final RelOptRule LIMIT_PROJECT = RuleConfig.of("WindowLimitProjectRule",
            b -> b.operand(EnumerableLimit.class).oneInput(b1 -> b1.operand(Project.class).oneInput(
                    b2 -> b2.operand(WindowAggregateScan.class).predicate(WindowRules::isStreamWithoutLimit).noInputs())),
            LimitRule::new).toRule();

    /** Delta(WindowAggregateScan of the history) → the aggregate over the live stream. */
    public static final RelOptRule STREAM = RuleConfig.of("WindowStreamRule",
            b -> b.operand(Delta.class).oneInput(b1 -> b1.operand(WindowAggregateScan.class)
                    .predicate(w -> w.scan().source() == EventsScan.Source.HISTORY).noInputs()),
            StreamRule::new).toRule();

    /** Delta(TableFunctionScan TUMBLE/HOP (x)) → TableFunctionScan(Delta(x)): a window function is per row. */
    public static final RelOptRule DELTA_TABLE_FUNCTION = RuleConfig.of("DeltaWindowTableFunctionRule",
            b -> b.operand(Delta.class).oneInput(b1 -> b1.operand(TableFunctionScan.class)
                    .predicate(WindowRules::isWindowFunction).anyInputs()),
            DeltaTableFunctionRule::new).toRule();

    public static final List<RelOptRule> ALL = List.of(GROUP_FUNCTION, STREAM_GROUP_FUNCTION, TABLE_FUNCTION_PROJECT, TABLE_FUNCTION, HAVING,
            TOP_N, TOP_N_PROJECT, LIMIT, LIMIT_PROJECT, STREAM, DELTA_TABLE_FUNCTION);

    private static boolean isWindowFunction(TableFunctionScan s) {
        return s.getCall() instanceof RexCall c && windowKind(c.getOperator()) != null && s.getInputs().size() == 1;
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

    private static boolean isStreamWithoutTopN(WindowAggregateScan w) {
        return w.scan().source() == EventsScan.Source.LIVE && !w.hasTopN();
    }

    private static boolean isStreamWithoutLimit(WindowAggregateScan w) {
        return w.scan().source() == EventsScan.Source.LIVE && !w.hasLimit();
    }

    /** Where an aggregate input column comes from: a scan column, or a window's start or end. */
    private sealed interface Resolved permits ScanColumn, WindowColumn {}

    private record ScanColumn(int column) implements Resolved {}

    private record WindowColumn(WindowSpec spec, int timeColumn, boolean end) implements Resolved {}

    /** A window spec from interval literals (milliseconds): tumble (size[, offset]) or hop (slide, size[, offset]). */
    private static WindowSpec spec(SqlKind kind, List<RexNode> intervals) {
        List<Long> ms = new ArrayList<>();
        for (RexNode n : intervals) {
            if (!(n instanceof RexLiteral lit) || !SqlTypeName.INTERVAL_TYPES.contains(lit.getTypeName())) {
                return null;
            }
            BigDecimal v = lit.getValueAs(BigDecimal.class);
            if (v == null || v.signum() < 0) {
                return null;
            }
            ms.add(v.longValue());
        }
        try {
            if (kind == SqlKind.TUMBLE && (ms.size() == 1 || ms.size() == 2)) {
                return WindowSpec.tumble(ms.get(0), ms.size() == 2 ? ms.get(1) : 0);
            }
            if (kind == SqlKind.HOP && (ms.size() == 2 || ms.size() == 3)) {
                return WindowSpec.hop(ms.get(0), ms.get(1), ms.size() == 3 ? ms.get(2) : 0);
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    /** A column of the project over the scan: a scan column, or the group function $TUMBLE/$HOP of one. */
    private static Resolved projected(RexNode e, EventsScan scan) {
        if (e instanceof RexInputRef ref) {
            return new ScanColumn(ref.getIndex());
        }
        if (e instanceof RexCall call && (call.getOperator().getName().equals("$TUMBLE")
                || call.getOperator().getName().equals("$HOP")) && call.getOperands().get(0) instanceof RexInputRef t
                && scan.outputFields().get(t.getIndex()).type() == FieldType.TIMESTAMP) {
            SqlKind kind = call.getOperator().getName().equals("$TUMBLE") ? SqlKind.TUMBLE : SqlKind.HOP;
            WindowSpec spec = spec(kind, call.getOperands().subList(1, call.getOperands().size()));
            return spec == null ? null : new WindowColumn(spec, t.getIndex(), false);
        }
        return null;
    }

    /** The columns of a window table function over the scan: the scan's, then window_start and window_end. */
    private static IntFunction<Resolved> tableFunction(TableFunctionScan tfs, EventsScan scan) {
        RexCall call = (RexCall) tfs.getCall();
        RexNode descriptor = call.getOperands().get(0);
        if (descriptor.getKind() != SqlKind.DESCRIPTOR
                || !(((RexCall) descriptor).getOperands().get(0) instanceof RexInputRef time)
                || scan.outputFields().get(time.getIndex()).type() != FieldType.TIMESTAMP) {
            return null;
        }
        WindowSpec spec = spec(windowKind(call.getOperator()), call.getOperands().subList(1, call.getOperands().size()));
        if (spec == null) {
            return null;
        }
        int n = scan.getRowType().getFieldCount();
        return i -> i < n ? new ScanColumn(i) : i <= n + 1 ? new WindowColumn(spec, time.getIndex(), i == n + 1) : null;
    }

    /** The window aggregate equivalent to {@code aggregate} over the scan, or null when it is not one. */
    private static RelNode windowAggregate(Aggregate aggregate, EventsScan scan, IntFunction<Resolved> input) {
        if (aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
            return null;
        }
        List<Integer> read = new ArrayList<>();        // scan columns read, in the aggregate's input order
        Map<Integer, Integer> position = new HashMap<>();
        List<WindowAggregator.Output> outputs = new ArrayList<>();
        List<Integer> keys = new ArrayList<>();
        WindowSpec spec = null;
        int time = -1;
        List<Field> fields = scan.outputFields();
        for (int g : aggregate.getGroupSet()) {
            Resolved r = input.apply(g);
            SqlTypeName type = aggregate.getRowType().getFieldList().get(outputs.size()).getType().getSqlTypeName();
            if (r instanceof WindowColumn w) {
                if (spec != null && (!spec.equals(w.spec()) || time != w.timeColumn())) {
                    return null;
                }
                spec = w.spec();
                time = w.timeColumn();
                outputs.add(new WindowAggregator.Output(w.end() ? WindowAggregator.Role.WINDOW_END
                        : WindowAggregator.Role.WINDOW_START, -1, type));
            } else if (r instanceof ScanColumn c) {
                keys.add(read(c.column(), read, position));
                outputs.add(new WindowAggregator.Output(WindowAggregator.Role.KEY, keys.size() - 1, type));
            } else {
                return null;
            }
        }
        if (spec == null) {
            return null;
        }
        List<WindowAggregator.Aggregate> aggregates = new ArrayList<>();
        for (AggregateCall call : aggregate.getAggCallList()) {
            WindowAggregator.Aggregate.Kind kind = switch (call.getAggregation().getKind()) {
                case COUNT -> WindowAggregator.Aggregate.Kind.COUNT;
                case SUM -> WindowAggregator.Aggregate.Kind.SUM;
                case SUM0 -> WindowAggregator.Aggregate.Kind.SUM0;
                case MIN -> WindowAggregator.Aggregate.Kind.MIN;
                case MAX -> WindowAggregator.Aggregate.Kind.MAX;
                case AVG -> WindowAggregator.Aggregate.Kind.AVG;
                default -> null;
            };
            if (kind == null || call.filterArg >= 0 || !call.getCollation().getFieldCollations().isEmpty()
                    || call.getArgList().size() > 1 || (call.getArgList().isEmpty() && kind != WindowAggregator.Aggregate.Kind.COUNT)) {
                return null;
            }
            int arg = -1;
            FieldType argType = null;
            if (!call.getArgList().isEmpty()) {
                if (!(input.apply(call.getArgList().get(0)) instanceof ScanColumn c)) {
                    return null;
                }
                argType = fields.get(c.column()).type();
                boolean numeric = argType == FieldType.BIGINT || argType == FieldType.INTEGER
                        || argType == FieldType.BOOLEAN || argType == FieldType.TIMESTAMP;
                boolean orderable = numeric || argType == FieldType.VARCHAR;
                boolean ok = switch (kind) {
                    case COUNT -> true;
                    case MIN, MAX -> orderable;
                    default -> numeric && argType != FieldType.TIMESTAMP;
                };
                if (!ok) {
                    return null;
                }
                arg = read(c.column(), read, position);
            }
            SqlTypeName type = call.getType().getSqlTypeName();
            aggregates.add(new WindowAggregator.Aggregate(kind, arg, argType, call.isDistinct(), type));
            outputs.add(new WindowAggregator.Output(WindowAggregator.Role.AGGREGATE, aggregates.size() - 1, type));
        }
        int timeInput = read(time, read, position);
        int[] columns = read.stream().mapToInt(scan::columnAt).toArray();
        return new WindowAggregateScan(aggregate.getCluster(),
                aggregate.getCluster().traitSetOf(EnumerableConvention.INSTANCE), scan.withColumns(columns), spec,
                timeInput, keys.stream().mapToInt(Integer::intValue).toArray(), aggregates, outputs,
                aggregate.getRowType(), null, null, -1);
    }

    /** The position of scan column {@code c} among the columns read, adding it when new. */
    private static int read(int c, List<Integer> read, Map<Integer, Integer> position) {
        return position.computeIfAbsent(c, k -> {
            read.add(k);
            return read.size() - 1;
        });
    }

    private static final class GroupFunctionRule extends RelRule<RuleConfig> {
        GroupFunctionRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            boolean delta = call.rel(0) instanceof Delta;
            int at = delta ? 1 : 0;
            Aggregate aggregate = call.rel(at);
            Project project = call.rel(at + 1);
            EventsScan scan = call.rel(at + 2);
            if (delta) {
                scan = scan.withSource(EventsScan.Source.LIVE);
            }
            EventsScan input = scan;
            RelNode w = windowAggregate(aggregate, input, i -> projected(project.getProjects().get(i), input));
            if (w != null) {
                call.transformTo(w);
            }
        }
    }

    private static final class TableFunctionProjectRule extends RelRule<RuleConfig> {
        TableFunctionProjectRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Aggregate aggregate = call.rel(0);
            Project project = call.rel(1);
            TableFunctionScan tfs = call.rel(2);
            EventsScan scan = call.rel(3);
            IntFunction<Resolved> columns = tableFunction(tfs, scan);
            if (columns == null) {
                return;
            }
            RelNode w = windowAggregate(aggregate, scan, i -> project.getProjects().get(i) instanceof RexInputRef ref
                    ? columns.apply(ref.getIndex()) : null);
            if (w != null) {
                call.transformTo(w);
            }
        }
    }

    private static final class TableFunctionRule extends RelRule<RuleConfig> {
        TableFunctionRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Aggregate aggregate = call.rel(0);
            TableFunctionScan tfs = call.rel(1);
            EventsScan scan = call.rel(2);
            IntFunction<Resolved> columns = tableFunction(tfs, scan);
            RelNode w = columns == null ? null : windowAggregate(aggregate, scan, columns);
            if (w != null) {
                call.transformTo(w);
            }
        }
    }

    private static final class HavingRule extends RelRule<RuleConfig> {
        HavingRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Filter filter = call.rel(0);
            WindowAggregateScan w = call.rel(1);
            if (RowPredicates.compile(filter.getCondition()) != null) {
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
            WindowAggregateScan w = call.rel(call.rels.length - 1);
            if (sort.offset != null) {
                return;
            }
            List<RelFieldCollation> perWindow = new ArrayList<>();
            for (RelFieldCollation f : sort.getCollation().getFieldCollations()) {
                RexNode e = project == null ? RexInputRef.of(f.getFieldIndex(), w.getRowType())
                        : project.getProjects().get(f.getFieldIndex());
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
            WindowAggregateScan topN = perWindow.isEmpty() && limit < 0 ? w
                    : w.withTopN(perWindow.isEmpty() ? null : RelCollations.of(perWindow), limit);
            // Its rows come in the sort's order (windows in time order, each window's rows in order): say so,
            // so that nothing sorts them again.
            RelNode sorted = project == null ? topN.copy(topN.getTraitSet().replace(sort.getCollation()), List.of())
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
            WindowAggregateScan w = call.rel(call.rels.length - 1);
            if (limit.offset != null || limit.fetch == null) {
                return;
            }
            WindowAggregateScan limited = w.withTopN(w.order(), RexLiteral.intValue(limit.fetch));
            RelTrait collation = limit.getTraitSet().getCollation();
            call.transformTo(project == null ? limited.copy(limited.getTraitSet().replace(collation), List.of())
                    : project.copy(project.getTraitSet().replace(collation), List.of(limited)));
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
            call.transformTo(tfs.copy(tfs.getTraitSet(), List.of(input), tfs.getCall(), tfs.getElementType(),
                    tfs.getRowType(), tfs.getColumnMappings()));
        }
    }
}
