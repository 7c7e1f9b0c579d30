// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableAggregate;
import org.apache.calcite.adapter.enumerable.EnumerableHashJoin;
import org.apache.calcite.adapter.enumerable.EnumerableIntersect;
import org.apache.calcite.adapter.enumerable.EnumerableMinus;
import org.apache.calcite.adapter.enumerable.EnumerableNestedLoopJoin;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.EnumerableSort;
import org.apache.calcite.adapter.enumerable.EnumerableUnion;
import org.apache.calcite.adapter.enumerable.EnumerableWindow;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.Types;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.sql.SqlKind;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Puts {@link MemoryBudget} in a physical plan, once it is chosen: before each input whose rows an operator keeps
 * whole (a sort's; a hash join's build side, the right, and a RIGHT or FULL nested-loop join's; a window's; a set operation's that removes
 * duplicates or compares; an aggregate's that keeps values, DISTINCT or LISTAGG and the like). An aggregate that
 * keeps only its groups' accumulators counts its groups instead, estimated from the distinct keys of its input
 * ({@link MemoryBudget#groups}): its input may be every event while it holds a few rows.
 */
public final class MemoryBudgets {
    private MemoryBudgets() {}

    /** Aggregate functions that keep the values they are given, not an accumulator of them. */
    private static final Set<SqlKind> KEEPING = Set.of(
            SqlKind.LISTAGG,
            SqlKind.STRING_AGG,
            SqlKind.ARRAY_AGG,
            SqlKind.ARRAY_CONCAT_AGG,
            SqlKind.COLLECT,
            SqlKind.FUSION,
            SqlKind.INTERSECTION,
            SqlKind.JSON_ARRAYAGG,
            SqlKind.JSON_OBJECTAGG,
            SqlKind.MODE,
            SqlKind.PERCENTILE_CONT,
            SqlKind.PERCENTILE_DISC);

    /** {@code plan} with every kept input counted against {@code budget} bytes. */
    public static RelNode insert(RelNode plan, long budget) {
        return insert(plan, budget, new int[1]);
    }

    /** {@code sites}: the number of counted inputs so far, each one's site in the plan. */
    private static RelNode insert(RelNode plan, long budget, int[] sites) {
        List<RelNode> inputs = new ArrayList<>();
        boolean changed = false;
        for (int i = 0; i < plan.getInputs().size(); i++) {
            RelNode input = plan.getInput(i);
            RelNode counted = insert(input, budget, sites);
            String what = keeps(plan, i);
            if (counted instanceof EnumerableRel) {
                if (what != null) {
                    counted = new Counted(counted, budget, what, null, 0, sites[0]++);
                } else if (plan instanceof EnumerableAggregate a
                        && !a.getGroupSet().isEmpty()) {
                    counted = new Counted(
                            counted,
                            budget,
                            "groups",
                            a.getGroupSet().toArray(),
                            a.getAggCallList().size(),
                            sites[0]++);
                }
            }
            changed |= counted != input;
            inputs.add(counted);
        }
        return changed ? plan.copy(plan.getTraitSet(), inputs) : plan;
    }

    /** What keeps the rows of input {@code i} of {@code rel}, said as the error says it; null if nothing does. */
    static String keeps(RelNode rel, int i) {
        if (rel instanceof EnumerableSort) {
            return "a sort";
        }
        // a hash join builds a table of its right side; a nested-loop join reads its right side again for each row
        // of its left, except one that keeps unmatched right rows (RIGHT, FULL), which keeps it all and its result
        if (i == 1
                && (rel instanceof EnumerableHashJoin
                        || (rel instanceof EnumerableNestedLoopJoin j
                                && j.getJoinType().generatesNullsOnLeft()))) {
            return "a join";
        }
        if (rel instanceof EnumerableWindow) {
            return "a window";
        }
        if (rel instanceof EnumerableMinus
                || rel instanceof EnumerableIntersect
                || (rel instanceof EnumerableUnion u && !u.all)) {
            return "a set operation";
        }
        if (rel instanceof EnumerableAggregate a) {
            for (AggregateCall call : a.getAggCallList()) {
                if (call.isDistinct() || KEEPING.contains(call.getAggregation().getKind())) {
                    return "an aggregate";
                }
            }
        }
        return null;
    }

    private static final Method COUNTED = Types.lookupMethod(
            MemoryBudget.class, "counted", Enumerable.class, DataContext.class, long.class, String.class, int.class);
    private static final Method GROUPS = Types.lookupMethod(
            MemoryBudget.class,
            "groups",
            Enumerable.class,
            DataContext.class,
            long.class,
            int[].class,
            int.class,
            int.class);

    /**
     * The rows of its input, as they are, each counted against the statement's budget: as kept rows, or, with
     * {@code keys}, as the groups of an aggregate with {@code accumulators} accumulators.
     */
    static final class Counted extends SingleRel implements EnumerableRel {
        private final long budget;
        private final String what;
        private final int @Nullable [] keys;
        private final int accumulators;
        private final int site;

        Counted(RelNode input, long budget, String what, int @Nullable [] keys, int accumulators, int site) {
            super(input.getCluster(), input.getTraitSet(), input);
            this.budget = budget;
            this.what = what;
            this.keys = keys;
            this.accumulators = accumulators;
            this.site = site;
        }

        @Override
        public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
            return new Counted(sole(inputs), budget, what, keys, accumulators, site);
        }

        @Override
        public RelWriter explainTerms(RelWriter pw) {
            return super.explainTerms(pw).item("budget", budget).item("for", what);
        }

        @Override
        public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
            BlockBuilder builder = new BlockBuilder();
            Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), pref);
            Expression rows = builder.append("rows", input.block);
            Expression counted = keys == null
                    ? Expressions.call(
                            COUNTED,
                            rows,
                            DataContext.ROOT,
                            Expressions.constant(budget),
                            Expressions.constant(what),
                            Expressions.constant(site))
                    : Expressions.call(
                            GROUPS,
                            rows,
                            DataContext.ROOT,
                            Expressions.constant(budget),
                            Expressions.constant(keys),
                            Expressions.constant(accumulators),
                            Expressions.constant(site));
            builder.add(Expressions.return_(null, counted));
            return implementor.result(input.physType, builder.toBlock());
        }
    }
}
