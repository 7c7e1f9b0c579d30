package sysql.calcite.rel;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.stream.Delta;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.util.ImmutableBitSet;
import sysql.calcite.schema.FieldColumns;

/**
 * The planner rules of sysql's event scans: push filters and projections into {@link EventsScan}, and turn a
 * STREAM over the events table into a scan of the live stream.
 */
public final class EventsRules {
    private EventsRules() {}

    /** Filter(EventsScan) → EventsScan with the conjuncts the capture layer evaluates, and a Filter of the rest. */
    public static final RelOptRule FILTER = RuleConfig.of("EventsFilterRule",
            b -> b.operand(Filter.class).oneInput(b1 -> b1.operand(EventsScan.class).noInputs()),
            FilterRule::new).toRule();

    /** Project(EventsScan) → EventsScan of the used columns only (and a Project of expressions over them). */
    public static final RelOptRule PROJECT = RuleConfig.of("EventsProjectRule",
            b -> b.operand(Project.class).oneInput(b1 -> b1.operand(EventsScan.class).noInputs()),
            ProjectRule::new).toRule();

    /** Delta(EventsScan of the history) → EventsScan of the live stream: what SELECT STREAM reads. */
    public static final RelOptRule STREAM = RuleConfig.of("EventsStreamRule",
            b -> b.operand(Delta.class).oneInput(b1 -> b1.operand(EventsScan.class)
                    .predicate(s -> s.source() == EventsScan.Source.HISTORY).noInputs()),
            StreamRule::new).toRule();

    static void register(RelOptPlanner planner) {
        planner.addRule(FILTER);
        planner.addRule(PROJECT);
        planner.addRule(STREAM);
    }

    /** Maps refs to the scan's output onto the table's full row. */
    private static RexNode toTableColumns(RexNode n, EventsScan scan) {
        return n.accept(new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                return new RexInputRef(scan.columnAt(ref.getIndex()), ref.getType());
            }
        });
    }

    private static final class FilterRule extends RelRule<RuleConfig> {
        FilterRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Filter filter = call.rel(0);
            EventsScan scan = call.rel(1);
            EventPredicates predicates = new EventPredicates(FieldColumns.eventFields());
            List<RexNode> pushed = new ArrayList<>();
            List<RexNode> kept = new ArrayList<>();
            for (RexNode conjunct : RelOptUtil.conjunctions(filter.getCondition())) {
                RexNode onTable = toTableColumns(conjunct, scan);
                if (!RexUtil.containsCorrelation(conjunct) && predicates.supports(onTable)) {
                    pushed.add(onTable);
                } else {
                    kept.add(conjunct);
                }
            }
            if (pushed.isEmpty()) {
                return;
            }
            RexBuilder rex = filter.getCluster().getRexBuilder();
            if (scan.condition() != null) {
                pushed.add(0, scan.condition());
            }
            EventsScan narrowed = scan.withCondition(RexUtil.composeConjunction(rex, pushed));
            call.transformTo(kept.isEmpty() ? narrowed
                    : filter.copy(filter.getTraitSet(), narrowed, RexUtil.composeConjunction(rex, kept)));
        }
    }

    private static final class ProjectRule extends RelRule<RuleConfig> {
        ProjectRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Project project = call.rel(0);
            EventsScan scan = call.rel(1);
            int scanColumns = scan.getRowType().getFieldCount();
            boolean allRefs = project.getProjects().stream().allMatch(p -> p instanceof RexInputRef);
            if (allRefs) {
                // The scan reads exactly the projected columns, in the projected order.
                int[] columns = project.getProjects().stream()
                        .mapToInt(p -> scan.columnAt(((RexInputRef) p).getIndex())).toArray();
                EventsScan narrowed = scan.withColumns(columns);
                if (narrowed.getRowType().getFieldNames().equals(project.getRowType().getFieldNames())) {
                    call.transformTo(narrowed);
                } else {
                    List<RexNode> refs = new ArrayList<>();
                    for (int i = 0; i < columns.length; i++) {
                        refs.add(RexInputRef.of(i, narrowed.getRowType()));
                    }
                    call.transformTo(project.copy(project.getTraitSet(), narrowed, refs, project.getRowType()));
                }
                return;
            }
            ImmutableBitSet used = RelOptUtil.InputFinder.bits(project.getProjects(), null);
            if (used.cardinality() == scanColumns) {
                return;
            }
            int[] columns = new int[used.cardinality()];
            int[] newIndex = new int[scanColumns];
            int k = 0;
            for (int i : used) {
                newIndex[i] = k;
                columns[k++] = scan.columnAt(i);
            }
            EventsScan narrowed = scan.withColumns(columns);
            List<RexNode> exprs = new ArrayList<>();
            for (RexNode p : project.getProjects()) {
                exprs.add(p.accept(new RexShuttle() {
                    @Override
                    public RexNode visitInputRef(RexInputRef ref) {
                        return new RexInputRef(newIndex[ref.getIndex()], ref.getType());
                    }
                }));
            }
            call.transformTo(project.copy(project.getTraitSet(), narrowed, exprs, project.getRowType()));
        }
    }

    private static final class StreamRule extends RelRule<RuleConfig> {
        StreamRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            EventsScan scan = call.rel(1);
            call.transformTo(scan.withSource(EventsScan.Source.LIVE));
        }
    }
}
