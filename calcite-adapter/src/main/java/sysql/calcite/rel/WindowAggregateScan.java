// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.adapter.enumerable.RexToLixTranslator;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.function.Function1;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Blocks;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.ParameterExpression;
import org.apache.calcite.linq4j.tree.Primitive;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexProgram;
import org.apache.calcite.rex.RexProgramBuilder;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlExplainLevel;
import sysql.capture.CaptureException;
import sysql.capture.columnar.EventColumns;
import sysql.capture.engine.BatchCursor;
import sysql.capture.fields.Field;
import sysql.capture.fields.FieldType;

/**
 * A windowed aggregate computed on the event scan's columnar batches as they arrive: the GROUP BY of a
 * {@code TUMBLE} or {@code HOP} window (either form: the group function or the table function) and keys,
 * COUNT / COUNT(DISTINCT) / SUM / MIN / MAX / AVG of arguments, an optional HAVING, and, for a stream, an
 * optional top-N per window ({@code ORDER BY … LIMIT n}). Each window is emitted when the source's watermark
 * passes its end (see {@link WindowAggregator}); on a finite source (history, a file) every window is emitted
 * by the end.
 *
 * <p>Keys and arguments are columns of the scan, read in place from its batches, or expressions over the row
 * (any scalar SQL over the scan's columns, from the query's own expressions and from the subqueries in FROM
 * between the aggregate and the table), and the WHERE conditions the scan cannot evaluate are tested per row
 * before the aggregate: that per-row part is {@link #program()}, a Calcite {@link RexProgram} over the scan's
 * row whose outputs are the computed columns (numbered after the scan's) and whose condition is the rest of
 * the WHERE. It is compiled into the plan's generated code as a {@link RowProgram} (see {@link #implement}).
 *
 * <p>Calcite has no incremental aggregation: its own aggregate over a stream would wait forever. This node
 * replaces it, with the scan inside (so it reads the batches and the watermark directly).
 */
public final class WindowAggregateScan extends AbstractRelNode implements EnumerableRel, PerWindowTopN {
    private final EventsScan scan;
    /** The computed columns and the residual condition, over the scan's row; null when there are none. */
    private final RexProgram program;

    private final WindowSpec window;
    private final int timeColumn;
    private final int[] keyColumns;
    private final List<WindowAggregator.Aggregate> aggregates;
    private final List<WindowAggregator.Output> outputs;
    private final RelDataType rowType;
    private final RexNode having;
    private final RelCollation order;
    private final long limit;

    /**
     * {@code timeColumn} is a column of the scan; key and argument columns number the scan's columns, then
     * {@code program}'s outputs.
     */
    WindowAggregateScan(
            RelOptCluster cluster,
            RelTraitSet traits,
            EventsScan scan,
            RexProgram program,
            WindowSpec window,
            int timeColumn,
            int[] keyColumns,
            List<WindowAggregator.Aggregate> aggregates,
            List<WindowAggregator.Output> outputs,
            RelDataType rowType,
            RexNode having,
            RelCollation order,
            long limit) {
        super(cluster, traits);
        this.scan = scan;
        this.program = program;
        this.window = window;
        this.timeColumn = timeColumn;
        this.keyColumns = keyColumns.clone();
        this.aggregates = List.copyOf(aggregates);
        this.outputs = List.copyOf(outputs);
        this.rowType = rowType;
        this.having = having;
        this.order = order;
        this.limit = limit;
    }

    EventsScan scan() {
        return scan;
    }

    RexProgram program() {
        return program;
    }

    RexNode having() {
        return having;
    }

    @Override
    public boolean isStream() {
        return scan.source() == EventsScan.Source.LIVE;
    }

    @Override
    public RelCollation order() {
        return order;
    }

    @Override
    public long limit() {
        return limit;
    }

    @Override
    public List<WindowAggregator.Output> outputs() {
        return outputs;
    }

    WindowAggregateScan withScan(EventsScan newScan) {
        return new WindowAggregateScan(
                getCluster(),
                getTraitSet(),
                newScan,
                program,
                window,
                timeColumn,
                keyColumns,
                aggregates,
                outputs,
                rowType,
                having,
                order,
                limit);
    }

    WindowAggregateScan withHaving(RexNode newHaving) {
        return new WindowAggregateScan(
                getCluster(),
                getTraitSet(),
                scan,
                program,
                window,
                timeColumn,
                keyColumns,
                aggregates,
                outputs,
                rowType,
                newHaving,
                order,
                limit);
    }

    @Override
    public WindowAggregateScan withTopN(RelCollation newOrder, long newLimit) {
        return new WindowAggregateScan(
                getCluster(),
                getTraitSet(),
                scan,
                program,
                window,
                timeColumn,
                keyColumns,
                aggregates,
                outputs,
                rowType,
                having,
                newOrder,
                newLimit);
    }

    @Override
    protected RelDataType deriveRowType() {
        return rowType;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new WindowAggregateScan(
                getCluster(),
                traitSet,
                scan,
                program,
                window,
                timeColumn,
                keyColumns,
                aggregates,
                outputs,
                rowType,
                having,
                order,
                limit);
    }

    /** The names of the input columns: the scan's fields, then the computed expressions as SQL-like text. */
    private List<String> inputNames() {
        List<String> names = new ArrayList<>();
        for (Field f : scan.outputFields()) {
            names.add(f.name());
        }
        List<String> scanNames = List.copyOf(names);
        if (program != null) {
            for (var p : program.getProjectList()) {
                names.add(RexText.expression(program.expandLocalRef(p), scanNames));
            }
        }
        return names;
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        List<String> names = inputNames();
        List<String> keys = new ArrayList<>();
        for (int k : keyColumns) {
            keys.add(names.get(k));
        }
        List<String> aggs = new ArrayList<>();
        for (WindowAggregator.Aggregate a : aggregates) {
            aggs.add(a.kind() + "(" + (a.distinct() ? "DISTINCT " : "")
                    + (a.argColumn() < 0 ? "*" : names.get(a.argColumn())) + ")"
                    + (a.filterColumn() < 0 ? "" : " FILTER (WHERE " + names.get(a.filterColumn()) + ")"));
        }
        boolean where = program != null && program.getCondition() != null;
        return scan.explainTerms(super.explainTerms(pw))
                .itemIf(
                        "where",
                        where
                                ? RexText.expression(
                                        program.expandLocalRef(program.getCondition()),
                                        names.subList(0, scan.getRowType().getFieldCount()))
                                : "",
                        where)
                .item("window", window + " of " + names.get(timeColumn))
                .item("keys", keys)
                .item("aggregates", aggs)
                .itemIf("program", program, program != null && pw.getDetailLevel() == SqlExplainLevel.DIGEST_ATTRIBUTES)
                .itemIf("having", having == null ? "" : RexText.text(having, outputNames()), having != null)
                .itemIf("perWindow", order + (limit >= 0 ? " limit " + limit : ""), hasTopN());
    }

    private List<String> outputNames() {
        return rowType.getFieldNames();
    }

    @Override
    public double estimateRowCount(RelMetadataQuery mq) {
        return 1;
    }

    /** Much cheaper than any plan of Calcite's own aggregate over the same scan (which could not run on a stream). */
    @Override
    public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
        double work = scan.computeSelfCost(planner, mq).getRows() / 1000
                + (having == null ? 1 : 0)
                + (hasTopN() ? 0 : 1)
                + (program == null ? 0 : 1);
        return planner.getCostFactory().makeCost(work, work, 0);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        PhysType physType =
                PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY.optimize(rowType));
        int scanColumns = scan.getRowType().getFieldCount();
        FieldType[] keyTypes = new FieldType[keyColumns.length];
        List<Field> fields = scan.outputFields();
        for (int i = 0; i < keyColumns.length; i++) {
            keyTypes[i] =
                    keyColumns[i] < scanColumns ? fields.get(keyColumns[i]).type() : null;
            if (keyTypes[i] == FieldType.DOUBLE) {
                keyTypes[i] = null; // kept as the object it is, as a computed key
            }
        }
        int[] programInputs = program == null
                ? new int[0]
                : RelOptUtil.InputFinder.bits(program.getExprList(), null).toArray();
        Spec spec = new Spec(
                scan.spec(),
                window,
                timeColumn,
                keyColumns,
                keyTypes,
                aggregates,
                outputs,
                order == null ? null : comparator(order),
                limit,
                maxGroups(),
                programInputs,
                program == null ? 0 : program.getProjectList().size());
        Expression stashed = implementor.stash(spec, Spec.class);
        Expression enumerable = Expressions.call(
                stashed,
                "enumerable",
                implementor.getRootExpression(),
                program == null ? Expressions.constant(null, RowProgram.class) : rowProgram(implementor),
                having == null ? Expressions.constant(null, RowCondition.class) : havingCondition(implementor));
        return implementor.result(physType, Blocks.toBlock(enumerable));
    }

    /**
     * The HAVING as generated code, translated by Calcite as EnumerableFilter translates its condition:
     * {@code new RowCondition() { public boolean test(Object[] row) { return condition; } }} over the rows this
     * node emits (UNKNOWN is false). Compiled once with the rest of the plan, like {@link #rowProgram}.
     */
    private Expression havingCondition(EnumerableRelImplementor implementor) {
        JavaTypeFactory typeFactory = implementor.getTypeFactory();
        ParameterExpression row = Expressions.parameter(0, Object[].class, "sysqlRow");
        RexProgramBuilder builder =
                new RexProgramBuilder(getRowType(), getCluster().getRexBuilder());
        builder.addCondition(having);
        BlockBuilder body = new BlockBuilder();
        Expression condition = RexToLixTranslator.translateCondition(
                builder.getProgram(),
                typeFactory,
                body,
                new RexToLixTranslator.InputGetterImpl(
                        row, PhysTypeImpl.of(typeFactory, getRowType(), JavaRowFormat.ARRAY)),
                noCorrelation(),
                implementor.getConformance());
        body.add(Expressions.return_(null, condition));
        return Expressions.new_(
                RowCondition.class,
                List.of(),
                List.of(Expressions.methodDecl(
                        java.lang.reflect.Modifier.PUBLIC, boolean.class, "test", List.of(row), body.toBlock())));
    }

    /** Whether {@code condition}, over this node's rows, can be its HAVING: what Calcite compiles for a filter. */
    static boolean canBeHaving(RexNode condition) {
        return RexUtil.isDeterministic(condition)
                && !RexUtil.containsCorrelation(condition)
                && RexUtil.SubQueryFinder.find(List.of(condition)) == null;
    }

    private static Function1<String, RexToLixTranslator.InputGetter> noCorrelation() {
        return name -> {
            throw new IllegalStateException("a correlation variable (" + name + ") in a window aggregate's row");
        };
    }

    /**
     * The program as generated code, translated by Calcite as EnumerableCalc translates its program:
     * {@code new RowProgram() { public boolean apply(Object[] in, Object[] out) { if (!condition) return false;
     * out[0] = …; return true; } }}, reading the scan's values from {@code in} as Calcite's runtime values (what
     * {@link BatchRows#get} gives). Compiled once with the rest of the plan; Calcite's own functions (SUBSTRING,
     * POSITION, LIKE, CASE, casts…) run as they do in any Calcite plan. Chosen over Calcite's RexExecutor (one
     * new result array per row) and over an interpreter of our own (a second implementation of SQL's functions
     * to keep equal to Calcite's). The condition is translated before the outputs, so a row that fails it
     * computes no key; a subexpression shared by the condition and an output is computed twice for the rows
     * that pass (each translation has its own common-subexpression cache).
     */
    private Expression rowProgram(EnumerableRelImplementor implementor) {
        JavaTypeFactory typeFactory = implementor.getTypeFactory();
        ParameterExpression in = Expressions.parameter(0, Object[].class, "sysqlIn");
        ParameterExpression out = Expressions.parameter(0, Object[].class, "sysqlOut");
        RexToLixTranslator.InputGetter input = new RexToLixTranslator.InputGetterImpl(
                in, PhysTypeImpl.of(typeFactory, scan.getRowType(), JavaRowFormat.ARRAY));
        Function1<String, RexToLixTranslator.InputGetter> noCorrelation = noCorrelation();
        BlockBuilder body = new BlockBuilder();
        if (program.getCondition() != null) {
            Expression condition = RexToLixTranslator.translateCondition(
                    program, typeFactory, body, input, noCorrelation, implementor.getConformance());
            body.add(Expressions.ifThen(
                    Expressions.not(condition), Expressions.return_(null, Expressions.constant(false))));
        }
        List<Expression> values = RexToLixTranslator.translateProjects(
                program,
                typeFactory,
                implementor.getConformance(),
                body,
                null,
                PhysTypeImpl.of(typeFactory, program.getOutputRowType(), JavaRowFormat.ARRAY),
                implementor.getRootExpression(),
                input,
                noCorrelation);
        for (int i = 0; i < values.size(); i++) {
            Expression v = values.get(i);
            body.add(Expressions.statement(Expressions.assign(
                    Expressions.arrayIndex(out, Expressions.constant(i)),
                    Primitive.is(v.getType()) ? Expressions.box(v) : v)));
        }
        body.add(Expressions.return_(null, Expressions.constant(true)));
        return Expressions.new_(
                RowProgram.class,
                List.of(),
                List.of(Expressions.methodDecl(
                        java.lang.reflect.Modifier.PUBLIC, boolean.class, "apply", List.of(in, out), body.toBlock())));
    }

    private int maxGroups() {
        return scan.settings().windowGroups();
    }

    /** An order over output rows (values Calcite's runtime types: Comparable or null). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Comparator<Object[]> comparator(RelCollation collation) {
        Comparator<Object[]> c = (unusedA, unusedB) -> 0; // every row equal, until a key orders them
        for (RelFieldCollation f : collation.getFieldCollations()) {
            int i = f.getFieldIndex();
            boolean desc = f.getDirection() == RelFieldCollation.Direction.DESCENDING;
            boolean nullsFirst = f.nullDirection == RelFieldCollation.NullDirection.FIRST
                    || (f.nullDirection == RelFieldCollation.NullDirection.UNSPECIFIED && desc);
            Comparator<Object[]> field = (a, b) -> {
                Comparable x = (Comparable) a[i];
                Comparable y = (Comparable) b[i];
                if (x == null || y == null) {
                    return x == y ? 0 : (x == null) == nullsFirst ? -1 : 1;
                }
                int cmp = x.compareTo(y);
                return desc ? -cmp : cmp;
            };
            c = c.thenComparing(field);
        }
        return c;
    }

    /** What the plan runs: the scan's spec and the aggregate's definition. */
    public static final class Spec {
        private final EventsScanSpec scan;
        private final WindowSpec window;
        private final int timeColumn;
        private final int[] keyColumns;
        private final FieldType[] keyTypes;
        private final List<WindowAggregator.Aggregate> aggregates;
        private final List<WindowAggregator.Output> outputs;
        private final Comparator<Object[]> order;
        private final long limit;
        private final int maxGroups;
        private final int[] programInputs;
        private final int computedColumns;

        Spec(
                EventsScanSpec scan,
                WindowSpec window,
                int timeColumn,
                int[] keyColumns,
                FieldType[] keyTypes,
                List<WindowAggregator.Aggregate> aggregates,
                List<WindowAggregator.Output> outputs,
                Comparator<Object[]> order,
                long limit,
                int maxGroups,
                int[] programInputs,
                int computedColumns) {
            this.scan = scan;
            this.window = window;
            this.timeColumn = timeColumn;
            this.keyColumns = keyColumns.clone();
            this.keyTypes = keyTypes.clone();
            this.programInputs = programInputs.clone();
            this.computedColumns = computedColumns;
            this.aggregates = aggregates;
            this.outputs = outputs;
            this.order = order;
            this.limit = limit;
            this.maxGroups = maxGroups;
        }

        /**
         * Called by the generated code, with the row program and the HAVING (each null when the aggregate has
         * none).
         */
        public Enumerable<Object> enumerable(DataContext root, RowProgram program, RowCondition having) {
            boolean scalar = outputs.size() == 1;
            return new AbstractEnumerable<>() {
                @Override
                public Enumerator<Object> enumerator() {
                    WindowAggregator aggregator = new WindowAggregator(
                            window,
                            timeColumn,
                            keyColumns,
                            keyTypes,
                            aggregates,
                            outputs,
                            having,
                            order,
                            limit,
                            maxGroups);
                    return new WindowEnumerator(root, aggregator, scalar, program);
                }
            };
        }

        /** The windows' rows, as each window closes. */
        private final class WindowEnumerator extends CursorEnumerator {
            private final WindowAggregator aggregator;
            private final boolean scalar;
            private final BatchRows rows = new BatchRows(scan.fields());
            /** The rows with the computed columns, or null when every column is the scan's. */
            private final ComputedRows computed;

            private final ArrayDeque<Object[]> ready = new ArrayDeque<>();

            WindowEnumerator(DataContext root, WindowAggregator aggregator, boolean scalar, RowProgram program) {
                super(root);
                this.aggregator = aggregator;
                this.scalar = scalar;
                this.computed = program == null
                        ? null
                        : new ComputedRows(rows, scan.fields().size(), program, programInputs, computedColumns);
            }

            @Override
            BatchCursor open() throws CaptureException {
                return scan.open();
            }

            @Override
            Object poll() {
                Object[] row = ready.poll();
                if (row == null) {
                    return NO_ROW;
                }
                return scalar ? row[0] : row;
            }

            /** Adds the next batch's rows, then emits the windows the cursor's watermark has closed. */
            @Override
            boolean read(BatchCursor cursor) throws CaptureException {
                EventColumns batch = cursor.next(POLL_MILLIS);
                if (batch != null) {
                    int n = rows.bind(batch);
                    if (computed == null) {
                        for (int r = 0; r < n; r++) {
                            aggregator.add(rows, r);
                        }
                    } else {
                        for (int r = 0; r < n; r++) {
                            if (computed.evaluate(r)) {
                                aggregator.add(computed, r);
                            }
                        }
                    }
                } else if (cursor.ended()) {
                    aggregator.close(Long.MAX_VALUE, ready);
                    return false;
                }
                aggregator.close(millis(cursor.watermark()), ready);
                return true;
            }

            private long millis(long nanos) {
                return nanos == Long.MAX_VALUE || nanos == Long.MIN_VALUE ? nanos : Math.floorDiv(nanos, 1_000_000L);
            }

            @Override
            void release() {
                ready.clear();
            }
        }
    }
}
