// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;
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
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import sysql.capture.fields.FieldType;

/**
 * A windowed GROUP BY (TUMBLE/HOP) of a stream whose rows a pipeline computes, for what {@link
 * WindowAggregateScan} does not compose into its scan: rows that come out of window functions ({@link
 * StreamWindow}). It reads the rows as they come and keeps the same per-window state ({@link WindowAggregator});
 * a window closes when a row of a later time arrives (the rows' own times are its watermark: it has no clock of
 * the capture), or at the end of a file.
 */
public final class RowsWindowAggregate extends SingleRel implements EnumerableRel, PerWindowTopN {
    private final WindowSpec window;
    private final int timeColumn;
    private final int[] keyColumns;
    private final List<WindowAggregator.Aggregate> aggregates;
    private final List<WindowAggregator.Output> outputs;
    private final RelCollation order;
    private final long limit;
    private final int maxGroups;

    RowsWindowAggregate(
            RelOptCluster cluster,
            RelTraitSet traits,
            RelNode input,
            RelDataType rowType,
            WindowSpec window,
            int timeColumn,
            int[] keyColumns,
            List<WindowAggregator.Aggregate> aggregates,
            List<WindowAggregator.Output> outputs,
            RelCollation order,
            long limit,
            int maxGroups) {
        super(cluster, traits, input);
        this.rowType = rowType;
        this.window = window;
        this.timeColumn = timeColumn;
        this.keyColumns = keyColumns.clone();
        this.aggregates = List.copyOf(aggregates);
        this.outputs = List.copyOf(outputs);
        this.order = order;
        this.limit = limit;
        this.maxGroups = maxGroups;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new RowsWindowAggregate(
                getCluster(),
                traitSet,
                sole(inputs),
                rowType,
                window,
                timeColumn,
                keyColumns,
                aggregates,
                outputs,
                order,
                limit,
                maxGroups);
    }

    @Override
    public boolean isStream() {
        return true;
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

    @Override
    public RelNode withTopN(RelCollation newOrder, long newLimit) {
        return new RowsWindowAggregate(
                getCluster(),
                getTraitSet(),
                getInput(),
                rowType,
                window,
                timeColumn,
                keyColumns,
                aggregates,
                outputs,
                newOrder,
                newLimit,
                maxGroups);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw)
                .item("window", window)
                .item("time", timeColumn)
                .item("keys", java.util.Arrays.toString(keyColumns))
                .item("aggregates", aggregates)
                .itemIf("order", order, order != null)
                .itemIf("limit", limit, limit >= 0);
    }

    /** Cheap, as WindowAggregateScan: the plan a stream can run, chosen over a sort of the whole input. */
    @Override
    public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
        double work = mq.getRowCount(getInput()) / 1000 + (hasTopN() ? 0 : 1);
        return planner.getCostFactory().makeCost(work, work, 0);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        BlockBuilder builder = new BlockBuilder();
        Expression rows = StreamWindow.inputRows(implementor, this, builder);
        Spec spec = new Spec(
                window,
                timeColumn,
                keyColumns,
                aggregates,
                outputs,
                order == null ? null : WindowAggregateScan.comparator(order),
                limit,
                maxGroups);
        Expression stashed = implementor.stash(spec, Spec.class);
        builder.add(
                Expressions.return_(null, Expressions.call(stashed, "apply", implementor.getRootExpression(), rows)));
        PhysType physType = PhysTypeImpl.of(
                implementor.getTypeFactory(),
                getRowType(),
                outputs.size() == 1 ? JavaRowFormat.SCALAR : JavaRowFormat.ARRAY);
        return implementor.result(physType, builder.toBlock());
    }

    /** What the plan runs (stashed into the generated code). */
    public static final class Spec {
        private final WindowSpec window;
        private final int timeColumn;
        private final int[] keyColumns;
        private final List<WindowAggregator.Aggregate> aggregates;
        private final List<WindowAggregator.Output> outputs;
        private final Comparator<Object[]> order;
        private final long limit;
        private final int maxGroups;

        Spec(
                WindowSpec window,
                int timeColumn,
                int[] keyColumns,
                List<WindowAggregator.Aggregate> aggregates,
                List<WindowAggregator.Output> outputs,
                Comparator<Object[]> order,
                long limit,
                int maxGroups) {
            this.window = window;
            this.timeColumn = timeColumn;
            this.keyColumns = keyColumns.clone();
            this.aggregates = aggregates;
            this.outputs = outputs;
            this.order = order;
            this.limit = limit;
            this.maxGroups = maxGroups;
        }

        /**
         * The windows' rows as each closes; at the end of the input the open ones too, unless the statement was
         * cancelled (a cancelled stream ends, it has not reached an end).
         */
        public Enumerable<Object> apply(DataContext root, Enumerable<Object[]> input) {
            AtomicBoolean cancel = DataContext.Variable.CANCEL_FLAG.get(root);
            boolean scalar = outputs.size() == 1;
            return new AbstractEnumerable<>() {
                @Override
                public Enumerator<Object> enumerator() {
                    WindowAggregator aggregator = new WindowAggregator(
                            window,
                            timeColumn,
                            keyColumns,
                            new FieldType[keyColumns.length], // every key as the object the row holds
                            aggregates,
                            outputs,
                            null,
                            order,
                            limit,
                            maxGroups);
                    return new WindowEnumerator(input.enumerator(), aggregator, timeColumn, scalar, cancel);
                }
            };
        }
    }

    /** One row as the aggregator's input (row 0). */
    private static final class OneRow implements WindowAggregator.Input {
        Object[] row;

        @Override
        public boolean isNull(int column, int r) {
            return row[column] == null;
        }

        @Override
        public long getLong(int column, int r) {
            Object v = row[column];
            return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).longValue();
        }

        @Override
        public Object get(int column, int r) {
            return row[column];
        }
    }

    private static final class WindowEnumerator implements Enumerator<Object> {
        private final Enumerator<Object[]> in;
        private final WindowAggregator aggregator;
        private final boolean scalar;
        private final int timeColumn;
        private final OneRow one = new OneRow();
        private final ArrayDeque<Object[]> ready = new ArrayDeque<>();
        private long watermark = Long.MIN_VALUE;
        private boolean ended;
        private Object current;

        private final AtomicBoolean cancel;

        WindowEnumerator(
                Enumerator<Object[]> in,
                WindowAggregator aggregator,
                int timeColumn,
                boolean scalar,
                AtomicBoolean cancel) {
            this.in = in;
            this.cancel = cancel;
            this.aggregator = aggregator;
            this.scalar = scalar;
            this.timeColumn = timeColumn;
        }

        @Override
        public Object current() {
            if (current == null) {
                throw new NoSuchElementException();
            }
            return current;
        }

        @Override
        public boolean moveNext() {
            while (ready.isEmpty()) {
                if (ended) {
                    return false;
                }
                if (!in.moveNext()) {
                    ended = true;
                    if (cancel == null || !cancel.get()) {
                        aggregator.close(Long.MAX_VALUE, ready);
                    }
                    continue;
                }
                one.row = in.current();
                aggregator.add(one, 0); // a row without a time is in no window: the aggregator skips it
                if (one.row[timeColumn] != null) {
                    watermark = Math.max(watermark, one.getLong(timeColumn, 0));
                }
                aggregator.close(watermark, ready);
            }
            Object[] row = ready.poll();
            current = scalar ? row[0] : row;
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
