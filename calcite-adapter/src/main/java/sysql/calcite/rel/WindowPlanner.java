// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableFunctionScan;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rel.stream.Delta;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexProgram;
import org.apache.calcite.rex.RexProgramBuilder;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.rex.RexVisitorImpl;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;
import sysql.calcite.schema.FieldColumns;
import sysql.capture.fields.Field;
import sysql.capture.fields.FieldType;

/**
 * Plans a windowed GROUP BY on {@link WindowAggregateScan}, or says why it cannot: for the rule, which plans
 * every Aggregate it can, and for {@link StreamChecks}, which names what a windowed query uses that the
 * operator does not support (instead of refusing it as a GROUP BY without a window).
 *
 * <p>Under the Aggregate, anything that works row by row is allowed: projections, filters and calcs (the query's
 * own expressions and its subqueries in FROM), a Delta (a stream), and one TUMBLE/HOP table function, down to the
 * event scan. That part is composed into expressions over the scan's row: the aggregate's input columns and the
 * conditions a row must pass. The conditions the capture layer evaluates go into the scan (and from there, for a
 * stream, into the kernel), the rest stay per row; keys and arguments that are plain columns are read from the
 * batches in place, the others become the outputs of the aggregate's {@link RexProgram}; the scan is narrowed to
 * the columns all of that reads.
 *
 * <p>It runs in a Hep phase before the cost-based planner ({@link WindowRules#PHASE}): an aggregate's input is one
 * tree of logical nodes then, walked once from the top (and in a finished plan, for {@link StreamChecks}).
 */
final class WindowPlanner {
    private WindowPlanner() {}

    /** What planning an aggregate gives: the window aggregate, or no window at all, or what is not supported. */
    sealed interface Outcome permits Planned, NotWindowed, Unsupported {}

    record Planned(WindowAggregateScan rel) implements Outcome {}

    /** The aggregate has no TUMBLE/HOP window among its keys (or no event scan under it). */
    record NotWindowed() implements Outcome {}

    /** The aggregate is windowed, but uses {@code what}, which sysql's window aggregate does not support. */
    record Unsupported(String what) implements Outcome {}

    /** Why a node's rows cannot be composed (internal: caught per alternative). */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean windowed;

        Refusal(String message, boolean windowed) {
            super(message, null, false, false);
            this.windowed = windowed;
        }
    }

    /** A window's start or end among a table function's columns: placeholders after the scan's columns. */
    private record TableWindow(WindowSpec spec, int timeColumn, int startRef, RelDataType type) {}

    /**
     * The rows of a node, as expressions over the bottom scan's row: its columns, and the conditions every row
     * passed. A table function's window_start and window_end are refs {@code n} and {@code n + 1} of a scan of
     * {@code n} columns ({@link TableWindow}).
     */
    private record Rows(
            EventsScan scan, boolean live, List<RexNode> columns, List<RexNode> conditions, TableWindow window) {
        int scanColumns() {
            return scan.getRowType().getFieldCount();
        }
    }

    /**
     * Plans {@code aggregate}: over the history, or over the stream when a Delta is under it. (A Delta above it is
     * the cost-based planner's to push down, onto the window aggregate: {@link WindowRules#STREAM}.)
     */
    static Outcome plan(Aggregate aggregate) {
        Rows rows;
        try {
            rows = rows(aggregate.getInput());
        } catch (Refusal r) {
            return r.windowed || hasWindowKey(aggregate) ? new Unsupported(r.getMessage()) : new NotWindowed();
        }
        try {
            WindowAggregateScan w = plan(aggregate, rows);
            return w == null ? new NotWindowed() : new Planned(w);
        } catch (Refusal r) {
            return new Unsupported(r.getMessage());
        }
    }

    /** True when a group key of {@code aggregate} is a $TUMBLE/$HOP/$SESSION call right below it. */
    private static boolean hasWindowKey(Aggregate aggregate) {
        RelNode input = aggregate.getInput().stripped();
        List<RexNode> exprs = input instanceof Project p
                ? p.getProjects()
                : input instanceof Calc c
                        ? c.getProgram().expandList(c.getProgram().getProjectList())
                        : List.of();
        for (int g : aggregate.getGroupSet()) {
            if (g < exprs.size() && groupWindowKind(exprs.get(g)) != null) {
                return true;
            }
        }
        return input instanceof TableFunctionScan t
                && t.getCall() instanceof RexCall c
                && c.getOperator().getName().matches("TUMBLE|HOP|SESSION");
    }

    /** The windows of a group window function call ($TUMBLE, $HOP) of interval literals, else null. */
    static WindowSpec windowOf(RexNode e) {
        String kind = groupWindowKind(e);
        if (kind == null || kind.equals("SESSION")) {
            return null;
        }
        List<RexNode> operands = ((RexCall) e).getOperands();
        try {
            return spec(SqlKind.valueOf(kind), operands.subList(1, operands.size()));
        } catch (Refusal r) {
            return null;
        }
    }

    /** TUMBLE, HOP or SESSION for a group window function call ($TUMBLE…), else null. */
    private static String groupWindowKind(RexNode e) {
        if (e instanceof RexCall call) {
            return switch (call.getOperator().getName()) {
                case "$TUMBLE" -> "TUMBLE";
                case "$HOP" -> "HOP";
                case "$SESSION" -> "SESSION";
                default -> null;
            };
        }
        return null;
    }

    // ---- the rows under the aggregate

    /** What the rows of {@code n} are (a Hep vertex or a finished plan's node: one tree, walked once). */
    private static Rows rows(RelNode input) throws Refusal {
        RelNode n = input.stripped();
        if (n instanceof EventsScan scan) {
            List<RexNode> refs = new ArrayList<>();
            for (int i = 0; i < scan.getRowType().getFieldCount(); i++) {
                refs.add(RexInputRef.of(i, scan.getRowType()));
            }
            return new Rows(scan, scan.source() == EventsScan.Source.LIVE, refs, List.of(), null);
        }
        if (n instanceof Delta d) {
            Rows in = rows(d.getInput());
            return new Rows(in.scan(), true, in.columns(), in.conditions(), in.window());
        }
        if (n instanceof Project p) {
            return project(rows(p.getInput()), p.getProjects());
        }
        if (n instanceof Filter f) {
            return filter(rows(f.getInput()), f.getCondition());
        }
        if (n instanceof Calc c) {
            Rows in = rows(c.getInput());
            RexProgram p = c.getProgram();
            if (p.getCondition() != null) {
                in = filter(in, p.expandLocalRef(p.getCondition()));
            }
            return project(in, p.expandList(p.getProjectList()));
        }
        if (n instanceof TableFunctionScan t) {
            return tableFunction(t);
        }
        throw new Refusal(what(n), false);
    }

    private static Rows tableFunction(TableFunctionScan t) throws Refusal {
        if (!(t.getCall() instanceof RexCall call) || t.getInputs().size() != 1) {
            throw new Refusal("a table function", false);
        }
        SqlKind kind = WindowRules.windowKind(call.getOperator());
        if (kind == null) {
            boolean session = call.getOperator().getName().equals("SESSION");
            throw new Refusal(
                    session
                            ? "SESSION windows (it has TUMBLE and HOP)"
                            : "the table function " + call.getOperator().getName(),
                    session);
        }
        Rows in;
        try {
            in = rows(t.getInput(0));
        } catch (Refusal r) {
            throw r.windowed ? r : new Refusal(r.getMessage(), true);
        }
        if (in.window() != null) {
            throw new Refusal("a window table function over another", true);
        }
        RexNode descriptor = call.getOperands().get(0);
        if (descriptor.getKind() != SqlKind.DESCRIPTOR
                || !(((RexCall) descriptor).getOperands().get(0) instanceof RexInputRef timeRef)) {
            throw new Refusal("a window table function without a DESCRIPTOR of its time column", true);
        }
        int time = timeColumn(in.columns().get(timeRef.getIndex()), in);
        WindowSpec spec =
                spec(kind, call.getOperands().subList(1, call.getOperands().size()));
        List<RexNode> columns = new ArrayList<>(in.columns());
        int n = in.scanColumns();
        RelDataType type = t.getRowType().getFieldList().get(columns.size()).getType();
        columns.add(new RexInputRef(n, type));
        columns.add(new RexInputRef(n + 1, type));
        return new Rows(in.scan(), in.live(), columns, in.conditions(), new TableWindow(spec, time, n, type));
    }

    /** The refusal's words for a node that does not work row by row. */
    private static String what(RelNode n) {
        String kind;
        if (n instanceof Join) {
            kind = "a join";
        } else if (n instanceof Aggregate) {
            kind = "an aggregate";
        } else if (n instanceof Window) {
            kind = "a window function (OVER)";
        } else if (n instanceof SetOp) {
            kind = "a UNION, INTERSECT or MINUS";
        } else if (n instanceof Sort) {
            kind = "an ORDER BY, LIMIT or OFFSET";
        } else if (n instanceof Values) {
            kind = "VALUES";
        } else if (n.getClass().getSimpleName().contains("Limit")) {
            kind = "a LIMIT or OFFSET";
        } else {
            kind = "another table";
        }
        return kind + " under the windowed GROUP BY (it reads the events table through projections, filters and "
                + "subqueries in FROM only)";
    }

    private static Rows project(Rows in, List<RexNode> exprs) throws Refusal {
        List<RexNode> columns = new ArrayList<>(exprs.size());
        for (RexNode e : exprs) {
            columns.add(over(e, in));
        }
        return new Rows(in.scan(), in.live(), columns, in.conditions(), in.window());
    }

    private static Rows filter(Rows in, RexNode condition) throws Refusal {
        List<RexNode> conditions = new ArrayList<>(in.conditions());
        for (RexNode c : RelOptUtil.conjunctions(condition)) {
            conditions.add(over(c, in));
        }
        return new Rows(in.scan(), in.live(), in.columns(), conditions, in.window());
    }

    /** {@code e} (over a node's input) over the scan's row. */
    private static RexNode over(RexNode e, Rows in) throws Refusal {
        if (RexOver.containsOver(e)) {
            throw new Refusal("a window function (OVER) under the windowed GROUP BY", false);
        }
        if (RexUtil.containsCorrelation(e) || containsSubQuery(e)) {
            throw new Refusal("a subquery in an expression under the windowed GROUP BY", false);
        }
        return e.accept(new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                return in.columns().get(ref.getIndex());
            }
        });
    }

    private static boolean containsSubQuery(RexNode e) {
        boolean[] found = {false};
        e.accept(new RexVisitorImpl<Void>(true) {
            @Override
            public Void visitSubQuery(RexSubQuery subQuery) {
                found[0] = true;
                return null;
            }
        });
        return found[0];
    }

    /** The scan column a window's time is: it must be a TIMESTAMP column of the events as it is. */
    private static int timeColumn(RexNode time, Rows in) throws Refusal {
        if (!(time instanceof RexInputRef ref)
                || ref.getIndex() >= in.scanColumns()
                || in.scan().outputFields().get(ref.getIndex()).type() != FieldType.TIMESTAMP) {
            throw new Refusal(
                    "a window over " + RexText.expression(time, names(in)) + " (the window's time must be "
                            + "a time column of the events as it is: evt.time)",
                    true);
        }
        return ref.getIndex();
    }

    /** Names for the expressions over the scan's row (and the placeholders of a table function's window). */
    private static List<String> names(Rows in) {
        List<String> names = new ArrayList<>();
        for (Field f : in.scan().outputFields()) {
            names.add(f.name());
        }
        names.add("window_start");
        names.add("window_end");
        return names;
    }

    /** A window spec from interval literals (milliseconds): tumble (size[, offset]) or hop (slide, size[, offset]). */
    private static WindowSpec spec(SqlKind kind, List<RexNode> intervals) throws Refusal {
        List<Long> ms = new ArrayList<>();
        for (RexNode n : intervals) {
            if (!(n instanceof RexLiteral lit) || !SqlTypeName.INTERVAL_TYPES.contains(lit.getTypeName())) {
                throw new Refusal(
                        "a " + kind + " window whose size, slide or offset is not an INTERVAL literal " + "(a "
                                + n.getType().getSqlTypeName() + ")",
                        true);
            }
            BigDecimal v = lit.getValueAs(BigDecimal.class);
            if (v == null || v.signum() < 0 || SqlTypeName.YEAR_INTERVAL_TYPES.contains(lit.getTypeName())) {
                throw new Refusal(
                        "a " + kind + " window of " + lit + " (windows are positive day-time intervals)", true);
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
            throw new Refusal("a " + kind + " window of size or slide 0", true);
        }
        throw new Refusal("a " + kind + " window with " + ms.size() + " intervals", true);
    }

    // ---- the aggregate

    /** The window aggregate over {@code rows}, or null when no group key is a window. */
    private static WindowAggregateScan plan(Aggregate aggregate, Rows rows) throws Refusal {
        if (aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
            if (!hasWindow(aggregate, rows)) {
                return null;
            }
            throw new Refusal("GROUPING SETS, ROLLUP or CUBE", true);
        }
        int n = rows.scanColumns();
        WindowSpec spec = null;
        int time = -1;
        List<String> names = names(rows);
        Builder b = new Builder(rows);
        List<WindowAggregator.Output> outputs = new ArrayList<>();
        List<Integer> keys = new ArrayList<>();
        for (int g : aggregate.getGroupSet()) {
            RexNode e = rows.columns().get(g);
            SqlTypeName type = aggregate
                    .getRowType()
                    .getFieldList()
                    .get(outputs.size())
                    .getType()
                    .getSqlTypeName();
            WindowSpec keySpec = null;
            int keyTime = -1;
            boolean end = false;
            String kind = groupWindowKind(e);
            if (kind != null) {
                if (kind.equals("SESSION")) {
                    throw new Refusal("SESSION windows (it has TUMBLE and HOP)", true);
                }
                RexCall call = (RexCall) e;
                keyTime = timeColumn(call.getOperands().get(0), rows);
                keySpec = spec(
                        SqlKind.valueOf(kind),
                        call.getOperands().subList(1, call.getOperands().size()));
            } else if (e instanceof RexInputRef ref && rows.window() != null && ref.getIndex() >= n) {
                keySpec = rows.window().spec();
                keyTime = rows.window().timeColumn();
                end = ref.getIndex() == n + 1;
            }
            if (keySpec != null) {
                if (spec != null && (!spec.equals(keySpec) || time != keyTime)) {
                    throw new Refusal("two different windows in one GROUP BY", true);
                }
                spec = keySpec;
                time = keyTime;
                outputs.add(new WindowAggregator.Output(
                        end ? WindowAggregator.Role.WINDOW_END : WindowAggregator.Role.WINDOW_START, -1, type));
            } else {
                keys.add(b.column(e, names, "a GROUP BY key"));
                outputs.add(new WindowAggregator.Output(WindowAggregator.Role.KEY, keys.size() - 1, type));
            }
        }
        if (spec == null) {
            if (rows.window() != null) {
                throw new Refusal(
                        "a window table function whose window_start or window_end is not a GROUP BY key", true);
            }
            return null;
        }
        List<WindowAggregator.Aggregate> aggregates = new ArrayList<>();
        for (AggregateCall call : aggregate.getAggCallList()) {
            aggregates.add(aggregate(call, rows, b, names));
            outputs.add(new WindowAggregator.Output(
                    WindowAggregator.Role.AGGREGATE,
                    aggregates.size() - 1,
                    call.getType().getSqlTypeName()));
        }
        return b.build(aggregate, spec, time, keys, aggregates, outputs);
    }

    private static boolean hasWindow(Aggregate aggregate, Rows rows) {
        for (int g : aggregate.getGroupSet()) {
            RexNode e = rows.columns().get(g);
            if (groupWindowKind(e) != null
                    || (rows.window() != null
                            && e instanceof RexInputRef ref
                            && ref.getIndex() >= rows.scanColumns())) {
                return true;
            }
        }
        return false;
    }

    private static final Set<SqlTypeName> WHOLE =
            Set.of(SqlTypeName.TINYINT, SqlTypeName.SMALLINT, SqlTypeName.INTEGER, SqlTypeName.BIGINT);

    private static WindowAggregator.Aggregate aggregate(AggregateCall call, Rows rows, Builder b, List<String> names)
            throws Refusal {
        String shown = call.getAggregation().getName() + (call.isDistinct() ? "(DISTINCT …)" : "(…)");
        WindowAggregator.Aggregate.Kind kind =
                WindowAggregator.Aggregate.Kind.of(call.getAggregation().getKind());
        if (kind == null) {
            throw new Refusal(
                    "the aggregate function " + call.getAggregation().getName() + " (it has COUNT, "
                            + "COUNT(DISTINCT …), SUM, MIN, MAX and AVG)",
                    true);
        }
        if (!call.getCollation().getFieldCollations().isEmpty()) {
            throw new Refusal(shown + " WITHIN GROUP (ORDER BY …)", true);
        }
        if (call.getArgList().size() > 1
                || (call.getArgList().isEmpty() && kind != WindowAggregator.Aggregate.Kind.COUNT)) {
            throw new Refusal(shown + " of " + call.getArgList().size() + " arguments", true);
        }
        int filter =
                call.filterArg < 0 ? -1 : b.column(rows.columns().get(call.filterArg), names, "a FILTER condition");
        if (call.getArgList().isEmpty()) {
            return new WindowAggregator.Aggregate(
                    kind, -1, null, call.isDistinct(), call.getType().getSqlTypeName(), filter);
        }
        RexNode arg = rows.columns().get(call.getArgList().get(0));
        SqlTypeName argSql = arg.getType().getSqlTypeName();
        boolean whole = WHOLE.contains(argSql);
        boolean ok = switch (kind) {
            case COUNT -> true;
            case MIN, MAX ->
                whole
                        || argSql == SqlTypeName.BOOLEAN
                        || SqlTypeName.CHAR_TYPES.contains(argSql)
                        || SqlTypeName.DATETIME_TYPES.contains(argSql)
                        || SqlTypeName.APPROX_TYPES.contains(argSql)
                        || argSql == SqlTypeName.DECIMAL;
            default -> whole || argSql == SqlTypeName.BOOLEAN;
        };
        if (!ok) {
            throw new Refusal(
                    call.getAggregation().getName() + " of a " + argSql + " value (it sums and averages "
                            + "whole numbers only)",
                    true);
        }
        int column = b.column(arg, names, "an aggregate's argument");
        FieldType argType = b.typeOf(arg);
        return new WindowAggregator.Aggregate(
                kind, column, argType, call.isDistinct(), call.getType().getSqlTypeName(), filter);
    }

    /** The window aggregate's input being built: the scan columns it reads, the computed ones, the conditions. */
    private static final class Builder {
        private final Rows rows;
        private final List<Object> columns = new ArrayList<>(); // Integer scan column, or RexNode

        Builder(Rows rows) {
            this.rows = rows;
        }

        /** The column for a key or argument (the same expression twice is one column). */
        int column(RexNode e, List<String> names, String role) throws Refusal {
            ImmutableBitSet uses = RelOptUtil.InputFinder.bits(e);
            if (rows.window() != null
                    && (uses.get(rows.window().startRef())
                            || uses.get(rows.window().startRef() + 1))) {
                throw new Refusal(
                        role + " computed from window_start or window_end (" + RexText.expression(e, names) + ")",
                        true);
            }
            if (groupWindowKind(e) != null) {
                throw new Refusal("a window function call as " + role, true);
            }
            Object key = e instanceof RexInputRef ref ? (Object) ref.getIndex() : e;
            int at = columns.indexOf(key);
            if (at < 0) {
                columns.add(key);
                at = columns.size() - 1;
            }
            return at; // renumbered in build()
        }

        /** The catalog type an argument is read as, null for a computed value that is not a long. */
        FieldType typeOf(RexNode e) {
            if (e instanceof RexInputRef ref) {
                FieldType f = rows.scan().outputFields().get(ref.getIndex()).type();
                return f == FieldType.DOUBLE ? null : f; // held as the object it is, as a computed DOUBLE
            }
            SqlTypeName t = e.getType().getSqlTypeName();
            if (WHOLE.contains(t)) {
                return FieldType.BIGINT;
            }
            return switch (t) {
                case BOOLEAN -> FieldType.BOOLEAN;
                case TIMESTAMP -> FieldType.TIMESTAMP;
                case CHAR, VARCHAR -> FieldType.VARCHAR;
                default -> null;
            };
        }

        WindowAggregateScan build(
                Aggregate aggregate,
                WindowSpec spec,
                int time,
                List<Integer> keys,
                List<WindowAggregator.Aggregate> aggregates,
                List<WindowAggregator.Output> outputs)
                throws Refusal {
            EventsScan scan = rows.scan();
            int n = rows.scanColumns();
            RexBuilder rex = aggregate.getCluster().getRexBuilder();
            // The conditions: into the scan when the capture layer evaluates them, else per row.
            EventPredicates predicates = new EventPredicates(FieldColumns.eventFields());
            List<RexNode> pushed = new ArrayList<>();
            List<RexNode> residual = new ArrayList<>();
            for (RexNode c : rows.conditions()) {
                if (RelOptUtil.InputFinder.bits(c).asList().stream().anyMatch(i -> i >= n)) {
                    throw new Refusal("a WHERE on window_start or window_end (put it in HAVING)", true);
                }
                RexNode onTable = toTableColumns(c, scan);
                if (predicates.supports(onTable)) {
                    pushed.add(onTable);
                } else {
                    residual.add(c);
                }
            }
            // The scan columns read, in order of first use: the time, plain keys and arguments, the program's.
            Map<Integer, Integer> read = new LinkedHashMap<>();
            read.put(time, 0);
            for (Object c : columns) {
                if (c instanceof Integer i) {
                    read.putIfAbsent(i, read.size());
                }
            }
            for (Object c : columns) {
                if (c instanceof RexNode e) {
                    for (int i : RelOptUtil.InputFinder.bits(e)) {
                        read.putIfAbsent(i, read.size());
                    }
                }
            }
            for (RexNode c : residual) {
                for (int i : RelOptUtil.InputFinder.bits(c)) {
                    read.putIfAbsent(i, read.size());
                }
            }
            int[] tableColumns = new int[read.size()];
            read.forEach((from, to) -> tableColumns[to] = scan.columnAt(from));
            EventsScan narrowed = scan.withColumns(tableColumns);
            if (!pushed.isEmpty()) {
                if (scan.condition() != null) {
                    pushed.add(0, scan.condition());
                }
                narrowed = narrowed.withCondition(RexUtil.composeConjunction(rex, pushed));
            }
            if (rows.live()) {
                narrowed = narrowed.withSource(EventsScan.Source.LIVE);
            }
            RelDataType narrowedRow = narrowed.getRowType();
            RexShuttle renumber = new RexShuttle() {
                @Override
                public RexNode visitInputRef(RexInputRef ref) {
                    return RexInputRef.of(read.get(ref.getIndex()), narrowedRow);
                }
            };
            // The aggregate's columns: the scan's (narrowed), then the computed ones in the program.
            int[] position = new int[columns.size()];
            RexProgramBuilder program = new RexProgramBuilder(narrowedRow, rex);
            int computedCount = 0;
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i) instanceof Integer c) {
                    position[i] = read.get(c);
                } else {
                    program.addProject(((RexNode) columns.get(i)).accept(renumber), "$c" + computedCount);
                    position[i] = read.size() + computedCount++;
                }
            }
            if (!residual.isEmpty()) {
                program.addCondition(RexUtil.composeConjunction(rex, residual).accept(renumber));
            }
            RexProgram p = computedCount == 0 && residual.isEmpty() ? null : program.getProgram();
            int[] keyColumns = keys.stream().mapToInt(k -> position[k]).toArray();
            List<WindowAggregator.Aggregate> renumbered = new ArrayList<>();
            for (WindowAggregator.Aggregate a : aggregates) {
                renumbered.add(new WindowAggregator.Aggregate(
                        a.kind(),
                        a.argColumn() < 0 ? -1 : position[a.argColumn()],
                        a.argType(),
                        a.distinct(),
                        a.resultType(),
                        a.filterColumn() < 0 ? -1 : position[a.filterColumn()]));
            }
            return new WindowAggregateScan(
                    aggregate.getCluster(),
                    aggregate.getCluster().traitSetOf(Convention.NONE), // made ENUMERABLE by WindowRules.ENUMERABLE
                    narrowed,
                    p,
                    spec,
                    read.get(time),
                    keyColumns,
                    renumbered,
                    outputs,
                    aggregate.getRowType(),
                    null,
                    null,
                    -1);
        }
    }

    /** Maps refs to the scan's output onto the table's full row (what the scan's condition is over). */
    private static RexNode toTableColumns(RexNode n, EventsScan scan) {
        return n.accept(new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                return new RexInputRef(scan.columnAt(ref.getIndex()), ref.getType());
            }
        });
    }
}
