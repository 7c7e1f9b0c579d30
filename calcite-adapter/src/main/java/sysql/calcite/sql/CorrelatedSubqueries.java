// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptLattice;
import org.apache.calcite.plan.RelOptMaterialization;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.tools.Program;

/**
 * Refuses a statement of more correlated subqueries than {@link SqlLimits#MAX_CORRELATED_SUBQUERIES}, before
 * Calcite removes and decorrelates them. Calcite's decorrelation joins a correlated subquery to the distinct
 * values of its outer input, the plan of the subqueries before it: each subquery doubles the plan unrolled as a tree
 * (or worse, for a correlation other than equality), and the decorrelator, the field trimmer and the metadata walk it
 * as a tree, inside single steps that no cancel reaches. Counted once the statement is a plan (views expanded, each
 * subquery's own subqueries counted too), the first step of the planning {@link SysqlPrepare} runs.
 */
public final class CorrelatedSubqueries implements Program {
    public static final Program LIMIT = new CorrelatedSubqueries();

    private CorrelatedSubqueries() {}

    @Override
    public RelNode run(
            RelOptPlanner planner,
            RelNode rel,
            RelTraitSet requiredOutputTraits,
            List<RelOptMaterialization> materializations,
            List<RelOptLattice> lattices) {
        SqlLimits.checkCorrelatedSubqueries(count(rel));
        return rel;
    }

    /** The correlated subqueries of {@code root}, and of the subqueries in it: each {@link Correlate} and each
     * {@link RexSubQuery} that reads a variable of an outer query. */
    static int count(RelNode root) {
        Set<RelNode> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<RelNode> pending = new ArrayDeque<>();
        pending.push(root);
        int[] correlated = {0};
        RexShuttle subqueries = new RexShuttle() {
            @Override
            public RexNode visitSubQuery(RexSubQuery subQuery) {
                if (!RelOptUtil.getVariablesUsed(subQuery.rel).isEmpty()) {
                    correlated[0]++;
                }
                pending.push(subQuery.rel);
                return super.visitSubQuery(subQuery);
            }
        };
        while (!pending.isEmpty()) {
            RelNode rel = pending.pop();
            if (!seen.add(rel)) {
                continue;
            }
            if (rel instanceof Correlate) {
                correlated[0]++;
            }
            rel.accept(subqueries);
            rel.getInputs().forEach(pending::push);
        }
        return correlated[0];
    }
}
