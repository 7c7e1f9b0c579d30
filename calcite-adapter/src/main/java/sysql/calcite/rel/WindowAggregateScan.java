package sysql.calcite.rel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.tree.Blocks;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexNode;
import sysql.capture.CaptureException;
import sysql.capture.columnar.EventColumns;
import sysql.capture.engine.BatchCursor;
import sysql.capture.fields.Field;
import sysql.capture.fields.FieldType;

/**
 * A windowed aggregate computed on the event scan's columnar batches as they arrive: the GROUP BY of a
 * {@code TUMBLE} or {@code HOP} window (either form: the group function or the table function) and columns
 * of the scan, COUNT / COUNT(DISTINCT) / SUM / MIN / MAX / AVG of columns, an optional HAVING, and, for a
 * stream, an optional top-N per window ({@code ORDER BY … LIMIT n}). Each window is emitted when the
 * source's watermark passes its end (see {@link WindowAggregator}); on a finite source (history, a file)
 * every window is emitted by the end.
 *
 * <p>Calcite has no incremental aggregation: its own aggregate over a stream would wait forever. This node
 * replaces it, with the scan inside (so it reads the batches and the watermark directly).
 */
public final class WindowAggregateScan extends AbstractRelNode implements EnumerableRel {
    private final EventsScan scan;
    private final WindowSpec window;
    private final int timeColumn;
    private final int[] keyColumns;
    private final List<WindowAggregator.Aggregate> aggregates;
    private final List<WindowAggregator.Output> outputs;
    private final RelDataType rowType;
    private final RexNode having;
    private final RelCollation order;
    private final long limit;

    WindowAggregateScan(RelOptCluster cluster, RelTraitSet traits, EventsScan scan, WindowSpec window, int timeColumn,
            int[] keyColumns, List<WindowAggregator.Aggregate> aggregates, List<WindowAggregator.Output> outputs,
            RelDataType rowType, RexNode having, RelCollation order, long limit) {
        super(cluster, traits);
        this.scan = scan;
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

    RexNode having() {
        return having;
    }

    boolean hasTopN() {
        return order != null || limit >= 0;
    }

    boolean hasLimit() {
        return limit >= 0;
    }

    RelCollation order() {
        return order;
    }

    WindowAggregateScan withScan(EventsScan newScan) {
        return new WindowAggregateScan(getCluster(), getTraitSet(), newScan, window, timeColumn, keyColumns, aggregates,
                outputs, rowType, having, order, limit);
    }

    WindowAggregateScan withHaving(RexNode newHaving) {
        return new WindowAggregateScan(getCluster(), getTraitSet(), scan, window, timeColumn, keyColumns, aggregates,
                outputs, rowType, newHaving, order, limit);
    }

    WindowAggregateScan withTopN(RelCollation newOrder, long newLimit) {
        return new WindowAggregateScan(getCluster(), getTraitSet(), scan, window, timeColumn, keyColumns, aggregates,
                outputs, rowType, having, newOrder, newLimit);
    }

    /** True when output column {@code i} is the window's start or end. */
    boolean isWindowColumn(int i) {
        WindowAggregator.Role r = outputs.get(i).role();
        return r == WindowAggregator.Role.WINDOW_START || r == WindowAggregator.Role.WINDOW_END;
    }

    @Override
    protected RelDataType deriveRowType() {
        return rowType;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new WindowAggregateScan(getCluster(), traitSet, scan, window, timeColumn, keyColumns, aggregates, outputs,
                rowType, having, order, limit);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        List<String> keys = new ArrayList<>();
        List<Field> fields = scan.outputFields();
        for (int k : keyColumns) {
            keys.add(fields.get(k).name());
        }
        List<String> aggs = new ArrayList<>();
        for (WindowAggregator.Aggregate a : aggregates) {
            aggs.add(a.kind() + "(" + (a.distinct() ? "DISTINCT " : "") + (a.argColumn() < 0 ? "*"
                    : fields.get(a.argColumn()).name()) + ")");
        }
        return scan.explainTerms(super.explainTerms(pw))
                .item("window", window + " of " + fields.get(timeColumn).name())
                .item("keys", keys)
                .item("aggregates", aggs)
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
        double work = scan.computeSelfCost(planner, mq).getRows() / 1000 + (having == null ? 1 : 0) + (hasTopN() ? 0 : 1);
        return planner.getCostFactory().makeCost(work, work, 0);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(),
                rowType.getFieldCount() == 1 ? JavaRowFormat.SCALAR : JavaRowFormat.ARRAY);
        Predicate<Object[]> havingTest = having == null ? null : java.util.Objects.requireNonNull(RowPredicates.compile(having));
        Spec spec = new Spec(scan.spec(), window, timeColumn, keyColumns, aggregates, outputs, havingTest,
                order == null ? null : comparator(order), limit, maxGroups());
        Expression stashed = implementor.stash(spec, Spec.class);
        return implementor.result(physType,
                Blocks.toBlock(Expressions.call(stashed, "enumerable", implementor.getRootExpression())));
    }

    private int maxGroups() {
        return scan.settings().windowGroups();
    }

    /** An order over output rows (values Calcite's runtime types: Comparable or null). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Comparator<Object[]> comparator(RelCollation collation) {
        Comparator<Object[]> c = (a, b) -> 0;
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
        private final Predicate<Object[]> having;
        private final Comparator<Object[]> order;
        private final long limit;
        private final int maxGroups;

        Spec(EventsScanSpec scan, WindowSpec window, int timeColumn, int[] keyColumns,
                List<WindowAggregator.Aggregate> aggregates, List<WindowAggregator.Output> outputs,
                Predicate<Object[]> having, Comparator<Object[]> order, long limit, int maxGroups) {
            this.scan = scan;
            this.window = window;
            this.timeColumn = timeColumn;
            this.keyColumns = keyColumns.clone();
            this.keyTypes = new FieldType[keyColumns.length];
            for (int i = 0; i < keyColumns.length; i++) {
                keyTypes[i] = scan.fields().get(keyColumns[i]).type();
            }
            this.aggregates = aggregates;
            this.outputs = outputs;
            this.having = having;
            this.order = order;
            this.limit = limit;
            this.maxGroups = maxGroups;
        }

        /** Called by the generated code. */
        public Enumerable<Object> enumerable(DataContext root) {
            AtomicBoolean cancel = DataContext.Variable.CANCEL_FLAG.get(root);
            boolean scalar = outputs.size() == 1;
            return new AbstractEnumerable<>() {
                @Override
                public Enumerator<Object> enumerator() {
                    WindowAggregator aggregator = new WindowAggregator(window, timeColumn, keyColumns, keyTypes,
                            aggregates, outputs, having, order, limit, maxGroups);
                    return new WindowEnumerator(cancel, aggregator, scalar);
                }
            };
        }

        /** The windows' rows, as each window closes. */
        private final class WindowEnumerator extends CursorEnumerator {
            private final WindowAggregator aggregator;
            private final boolean scalar;
            private final BatchRows rows = new BatchRows(scan.fields());
            private final ArrayDeque<Object[]> ready = new ArrayDeque<>();

            WindowEnumerator(AtomicBoolean cancel, WindowAggregator aggregator, boolean scalar) {
                super(cancel);
                this.aggregator = aggregator;
                this.scalar = scalar;
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
                    for (int r = 0; r < n; r++) {
                        aggregator.add(rows, r);
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
