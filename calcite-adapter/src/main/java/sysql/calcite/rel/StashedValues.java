// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import com.google.common.collect.ImmutableList;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.EnumerableValues;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.adapter.enumerable.RexImpTable;
import org.apache.calcite.adapter.enumerable.RexToLixTranslator;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.linq4j.tree.Blocks;
import org.apache.calcite.linq4j.tree.ConstantExpression;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.NewExpression;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.logical.LogicalValues;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexLiteral;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A large {@code VALUES} (an IN list of many values becomes one, joined to the rows it filters) whose rows are
 * computed once when it is planned and handed to the generated code as one object, where Calcite's
 * {@link EnumerableValues} writes every value into the code: past about 5,000 values that code no longer fits a
 * Java method ("Code grows beyond 64 KB"), and compiling it grows with the list. Small ones stay Calcite's.
 */
public final class StashedValues extends Values implements EnumerableRel {
    /** Values of at most this many cells stay in the generated code (Calcite's {@link EnumerableValues}). */
    static final int INLINE_CELLS = 256;

    /** The rows, each an {@code Object[]} or, for one column, the value itself, as the generated code reads them. */
    private final List<@Nullable Object> rows;

    private StashedValues(
            RelOptCluster cluster,
            RelDataType rowType,
            ImmutableList<ImmutableList<RexLiteral>> tuples,
            RelTraitSet traits,
            List<@Nullable Object> rows) {
        super(cluster, rowType, tuples, traits);
        this.rows = rows;
    }

    /** Replaces Calcite's {@code EnumerableValuesRule}: large values stashed, the others Calcite's. */
    public static final RelOptRule RULE = ConverterRule.Config.INSTANCE
            .withConversion(LogicalValues.class, Convention.NONE, EnumerableConvention.INSTANCE, "SysqlValuesRule")
            .withRuleFactory(StashedValuesRule::new)
            .toRule(StashedValuesRule.class);

    private static final class StashedValuesRule extends ConverterRule {
        StashedValuesRule(Config config) {
            super(config);
        }

        @Override
        public RelNode convert(RelNode rel) {
            LogicalValues values = (LogicalValues) rel;
            RelOptCluster cluster = values.getCluster();
            List<@Nullable Object> rows =
                    values.tuples.size() * values.getRowType().getFieldCount() > INLINE_CELLS
                            ? rows(values.getRowType(), values.tuples, (JavaTypeFactory) cluster.getTypeFactory())
                            : null;
            if (rows == null) {
                return EnumerableValues.create(cluster, values.getRowType(), values.tuples);
            }
            return new StashedValues(
                    cluster,
                    values.getRowType(),
                    values.tuples,
                    cluster.traitSetOf(EnumerableConvention.INSTANCE),
                    rows);
        }
    }

    /**
     * The Java value of each cell, as Calcite's generated code would have it (its translation of the literal: a
     * constant, or a DECIMAL's {@code new BigDecimal("…")}), or null if a cell's translation is anything else.
     */
    private static @Nullable List<@Nullable Object> rows(
            RelDataType rowType, List<ImmutableList<RexLiteral>> tuples, JavaTypeFactory typeFactory) {
        List<RelDataTypeField> fields = rowType.getFieldList();
        List<@Nullable Object> rows = new ArrayList<>(tuples.size());
        for (List<RexLiteral> tuple : tuples) {
            @Nullable Object[] row = new Object[fields.size()];
            for (int i = 0; i < row.length; i++) {
                Expression value = RexToLixTranslator.translateLiteral(
                        tuple.get(i), fields.get(i).getType(), typeFactory, RexImpTable.NullAs.NULL);
                if (value instanceof ConstantExpression constant) {
                    row[i] = constant.value;
                } else if (value instanceof NewExpression n
                        && n.type == BigDecimal.class
                        && n.arguments.size() == 1
                        && n.arguments.get(0) instanceof ConstantExpression digits
                        && digits.value instanceof String text) {
                    row[i] = new BigDecimal(text);
                } else {
                    return null;
                }
            }
            rows.add(row.length == 1 ? row[0] : row);
        }
        return Collections.unmodifiableList(rows);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new StashedValues(getCluster(), getRowType(), tuples, traitSet, rows);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        PhysType physType =
                PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY.optimize(getRowType()));
        Expression stashed = implementor.stash(rows, List.class);
        return implementor.result(physType, Blocks.toBlock(Expressions.call(Linq4j.class, "asEnumerable", stashed)));
    }
}
