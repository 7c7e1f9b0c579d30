// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rel.stream.Delta;
import org.apache.calcite.rel.stream.LogicalDelta;
import sysql.calcite.QuerySettings;

/**
 * Stream rules Calcite's {@code StreamRules} lacks: they push a Delta (the stream of a relation) down through
 * operators that work row by row, so a {@code SELECT STREAM} can use them over the live events.
 */
public final class StreamRules {
    private StreamRules() {}

    /**
     * Delta(Correlate(left, right)) → Correlate(Delta(left), right) when the right side reads no table: it is
     * computed from each left row alone ({@code CROSS JOIN UNNEST(…)}, {@code LATERAL (VALUES …)}), so the stream
     * of the correlate is the correlate of the stream. A right side that reads a table stays unstreamed (Calcite
     * then finds no plan, as for any other join a stream cannot run).
     */
    public static final RelOptRule DELTA_CORRELATE = RuleConfig.of(
                    "DeltaCorrelateTransposeRule",
                    b -> b.operand(Delta.class)
                            .oneInput(b1 -> b1.operand(Correlate.class)
                                    .predicate(c -> !readsATable(c.getRight()))
                                    .anyInputs()),
                    DeltaCorrelateRule::new)
            .toRule();

    /**
     * Delta(Window(x)) → StreamWindow(Delta(x)): window functions over a stream, row by row in arrival order
     * (Calcite's own Window needs its whole input). The window must be one the stream can answer at once; else
     * the query is refused, naming what it uses.
     */
    public static final RelOptRule DELTA_WINDOW = RuleConfig.of(
                    "DeltaWindowRule",
                    b -> b.operand(Delta.class)
                            .oneInput(b1 -> b1.operand(Window.class).anyInputs()),
                    DeltaWindowRule::new)
            .toRule();

    public static final List<RelOptRule> ALL = List.of(DELTA_CORRELATE, DELTA_WINDOW);

    private static boolean readsATable(RelNode n) {
        if (n instanceof TableScan) {
            return true;
        }
        for (RelNode i : n.getInputs()) {
            if (readsATable(i.stripped())) {
                return true;
            }
        }
        return false;
    }

    private static final class DeltaWindowRule extends RelRule<RuleConfig> {
        DeltaWindowRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Window w = call.rel(1);
            RelNode input = convert(LogicalDelta.create(w.getInput()), EnumerableConvention.INSTANCE);
            EventsScan scan = scanBelow(w.getInput());
            int maxPartitions = (scan != null ? scan.settings() : QuerySettings.DEFAULT).windowGroups();
            call.transformTo(new StreamWindow(
                    w.getCluster(), w.getTraitSet().replace(EnumerableConvention.INSTANCE), input, w, maxPartitions));
        }
    }

    /** The events scan under {@code n} (the first one met), or null. */
    private static EventsScan scanBelow(RelNode n) {
        if (n instanceof RelSubset s) {
            n = s.getOriginal();
            if (n == null) {
                return null;
            }
        }
        if (n instanceof EventsScan scan) {
            return scan;
        }
        for (RelNode i : n.getInputs()) {
            EventsScan scan = scanBelow(i);
            if (scan != null) {
                return scan;
            }
        }
        return null;
    }

    private static final class DeltaCorrelateRule extends RelRule<RuleConfig> {
        DeltaCorrelateRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Correlate c = call.rel(1);
            RelNode left = LogicalDelta.create(c.getLeft());
            call.transformTo(c.copy(c.getTraitSet(), List.of(left, c.getRight())));
        }
    }
}
