// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.Blocks;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rex.RexNode;

/**
 * The {@link EventsScan} that runs, in Calcite's enumerable convention (as {@code EnumerableTableScan} is a
 * {@code LogicalTableScan} that runs): its rows come from the stashed {@link EventsScanSpec}.
 */
final class EnumerableEventsScan extends EventsScan implements EnumerableRel {
    EnumerableEventsScan(EventsScan logical) {
        this(
                logical,
                logical.getTraitSet().replace(EnumerableConvention.INSTANCE),
                logical.source(),
                logical.columns(),
                logical.condition());
    }

    private EnumerableEventsScan(EventsScan scan, RelTraitSet traits, Source source, int[] columns, RexNode condition) {
        super(
                scan.getCluster(),
                traits,
                scan.events(),
                scan.engine(),
                scan.settings(),
                scan.tableName(),
                source,
                columns,
                condition);
    }

    /** Named as the logical scan in plans: EXPLAIN shows what is read, not which convention reads it. */
    @Override
    public String getRelTypeName() {
        return "EventsScan";
    }

    @Override
    EventsScan with(RelTraitSet traits, Source newSource, int[] newColumns, RexNode newCondition) {
        return new EnumerableEventsScan(this, traits, newSource, newColumns, newCondition);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        PhysType physType =
                PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY.optimize(getRowType()));
        Expression stashed = implementor.stash(spec(), EventsScanSpec.class);
        return implementor.result(
                physType, Blocks.toBlock(Expressions.call(stashed, "enumerable", implementor.getRootExpression())));
    }
}
