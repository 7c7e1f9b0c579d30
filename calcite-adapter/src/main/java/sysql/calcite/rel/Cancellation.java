// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.Types;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.SingleRel;
import sysql.calcite.Deadline;

/**
 * Where a running statement looks at its cancel flag and its time limit ({@link Deadline}): in every row its leaves
 * give (the operators of its generated code with no input there). Calcite's operators never look; the event scans
 * do as they read, and {@link #insert} puts a {@link Checked} over every other leaf of a plan (a catalog or state
 * table, a VALUES, an UNNEST, a recursive query's own rows), so that no work is beyond reach: a join of small
 * tables, a recursive WITH that never ends, or a join of two large VALUES read all they do from leaves (a nested
 * loop reads its inner side again for each outer row), so the check runs all along.
 */
public final class Cancellation {
    private Cancellation() {}

    /**
     * {@code rows}, ending as soon as the statement is cancelled, failing once its time is up ({@link Deadline}).
     */
    public static <T> Enumerable<T> rows(Enumerable<T> rows, DataContext root) {
        AtomicBoolean cancel = DataContext.Variable.CANCEL_FLAG.get(root);
        Deadline deadline = Deadline.of(root);
        if (cancel == null && deadline == null) {
            return rows;
        }
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<T> enumerator() {
                Enumerator<T> e = rows.enumerator();
                return new Enumerator<>() {
                    @Override
                    public T current() {
                        return e.current();
                    }

                    @Override
                    public boolean moveNext() {
                        if (deadline != null) {
                            deadline.check();
                        }
                        return (cancel == null || !cancel.get()) && e.moveNext();
                    }

                    @Override
                    public void reset() {
                        e.reset();
                    }

                    @Override
                    public void close() {
                        e.close();
                    }
                };
            }
        };
    }

    /** {@code plan} with a {@link Checked} over each leaf that does not look at the flag by itself. */
    public static RelNode insert(RelNode plan) {
        if (!(plan instanceof EnumerableRel)) {
            return plan; // a part of the plan another operator runs (an EnumerableInterpreter's)
        }
        // a leaf of the generated code: no input of its own, or only inputs that Calcite's interpreter runs (how
        // a recursive WITH reads its rows so far)
        if (plan.getInputs().stream().noneMatch(EnumerableRel.class::isInstance)) {
            return plan instanceof EventsScan || plan instanceof WindowAggregateScan ? plan : new Checked(plan);
        }
        List<RelNode> inputs = new ArrayList<>();
        boolean changed = false;
        for (RelNode input : plan.getInputs()) {
            RelNode checked = insert(input);
            changed |= checked != input;
            inputs.add(checked);
        }
        return changed ? plan.copy(plan.getTraitSet(), inputs) : plan;
    }

    private static final Method ROWS =
            Types.lookupMethod(Cancellation.class, "rows", Enumerable.class, DataContext.class);

    /** The rows of its input, as they are, stopped by the statement's cancel and time limit. */
    static final class Checked extends SingleRel implements EnumerableRel {
        Checked(RelNode input) {
            super(input.getCluster(), input.getTraitSet(), input);
        }

        @Override
        public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
            return new Checked(sole(inputs));
        }

        @Override
        public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
            BlockBuilder builder = new BlockBuilder();
            Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), pref);
            Expression rows = builder.append("rows", input.block);
            builder.add(Expressions.return_(null, Expressions.call(ROWS, rows, DataContext.ROOT)));
            return implementor.result(input.physType, builder.toBlock());
        }
    }
}
