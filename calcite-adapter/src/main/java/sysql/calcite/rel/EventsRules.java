// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.stream.Delta;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexPermuteInputsShuttle;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.mapping.IntPair;
import org.apache.calcite.util.mapping.Mapping;
import org.apache.calcite.util.mapping.MappingType;
import org.apache.calcite.util.mapping.Mappings;
import sysql.calcite.schema.FieldColumns;

/**
 * The planner rules of sysql's event scans: push filters and projections into {@link EventsScan}, and turn a
 * STREAM over the events table into a scan of the live stream.
 */
public final class EventsRules {
    private EventsRules() {}

    /** Filter(EventsScan) → EventsScan with the conjuncts the capture layer evaluates, and a Filter of the rest. */
    public static final RelOptRule FILTER = RuleConfig.of(
                    "EventsFilterRule",
                    b -> b.operand(Filter.class)
                            .oneInput(b1 -> b1.operand(EventsScan.class)
                                    .trait(Convention.NONE)
                                    .noInputs()),
                    FilterRule::new)
            .toRule();

    /**
     * Filter(Project(EventsScan)) → Project(EventsScan with the conjuncts the capture layer evaluates), and a
     * Filter of the rest. Run before Calcite trims the unused fields (see {@link #PRE_TRIM}): a filter evaluated
     * by the scan then no longer makes the scan read the columns it tests. Not through a projection that computes
     * window functions ({@code OVER}): they see the rows before the filter above them.
     */
    public static final RelOptRule FILTER_PROJECT = RuleConfig.of(
                    "EventsFilterProjectRule",
                    b -> b.operand(Filter.class)
                            .oneInput(b1 -> b1.operand(Project.class)
                                    .predicate(p -> !RexOver.containsOver(p.getProjects(), null))
                                    .oneInput(b2 -> b2.operand(EventsScan.class)
                                            .trait(Convention.NONE)
                                            .noInputs())),
                    FilterRule::new)
            .toRule();

    /**
     * The program that runs before Calcite's own (which trims unused fields, then plans): filters go into the
     * event scans first (through joins and merged projections), so that Calcite's field trimmer then narrows each
     * scan ({@link EventsScan#project}) to the columns the rest of the query uses. A chain of UNIONs (INTERSECTs, EXCEPTs) becomes one set
     * operation of all its branches here, once: Calcite's cost-based planner, merging the chain itself, kept every
     * partial merge as an alternative (1.4 million rule productions and 124 s for 200 branches, against 604 and a
     * few seconds merged first).
     */
    public static final Program PRE_TRIM = Programs.hep(
            List.of(
                    CoreRules.UNION_MERGE,
                    CoreRules.INTERSECT_MERGE,
                    CoreRules.MINUS_MERGE,
                    CoreRules.FILTER_INTO_JOIN,
                    CoreRules.JOIN_CONDITION_PUSH,
                    CoreRules.PROJECT_MERGE,
                    FILTER,
                    FILTER_PROJECT),
            true,
            DefaultRelMetadataProvider.INSTANCE);

    /** Project(EventsScan) → EventsScan of the used columns only (and a Project of expressions over them). */
    public static final RelOptRule PROJECT = RuleConfig.of(
                    "EventsProjectRule",
                    b -> b.operand(Project.class)
                            .oneInput(b1 -> b1.operand(EventsScan.class)
                                    .trait(Convention.NONE)
                                    .noInputs()),
                    ProjectRule::new)
            .toRule();

    /** Delta(EventsScan of the history) → EventsScan of the live stream: what SELECT STREAM reads. */
    public static final RelOptRule STREAM = RuleConfig.of(
                    "EventsStreamRule",
                    b -> b.operand(Delta.class)
                            .oneInput(b1 -> b1.operand(EventsScan.class)
                                    .trait(Convention.NONE)
                                    .predicate(s -> s.source() == EventsScan.Source.HISTORY)
                                    .noInputs()),
                    StreamRule::new)
            .toRule();

    static void register(RelOptPlanner planner) {
        planner.addRule(EventsScan.ENUMERABLE);
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

    /**
     * How the scan's output maps onto a scan of the {@code used} columns only (of its first column when none
     * is: the rows are still needed), or null when every column is used.
     */
    private static Mapping narrowing(EventsScan scan, ImmutableBitSet used) {
        int scanColumns = scan.getRowType().getFieldCount();
        ImmutableBitSet read = used.isEmpty() ? ImmutableBitSet.of(0) : used;
        if (read.cardinality() == scanColumns) {
            return null;
        }
        Mapping mapping = Mappings.create(MappingType.INVERSE_SURJECTION, scanColumns, read.cardinality());
        int k = 0;
        for (int i : read) {
            mapping.set(i, k++);
        }
        return mapping;
    }

    /** The scan of the columns a {@link #narrowing} keeps. */
    private static EventsScan narrowed(EventsScan scan, Mapping mapping) {
        int[] columns = new int[mapping.getTargetCount()];
        for (IntPair p : mapping) {
            columns[p.target] = scan.columnAt(p.source);
        }
        return scan.withColumns(columns);
    }

    /**
     * Pushes the conjuncts of a filter that the capture layer evaluates into the scan under it, directly or
     * through a projection.
     */
    private static final class FilterRule extends RelRule<RuleConfig> {
        FilterRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Filter filter = call.rel(0);
            Project project = call.rels.length == 3 ? call.rel(1) : null;
            EventsScan scan = call.rel(call.rels.length - 1);
            EventPredicates predicates = new EventPredicates(FieldColumns.eventFields());
            List<RexNode> pushed = new ArrayList<>();
            List<RexNode> kept = new ArrayList<>();
            for (RexNode conjunct : RelOptUtil.conjunctions(filter.getCondition())) {
                RexNode onScan = project == null ? conjunct : RelOptUtil.pushPastProject(conjunct, project);
                RexNode onTable = toTableColumns(onScan, scan);
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
            RelNode narrowed = scan.withCondition(RexUtil.composeConjunction(rex, pushed));
            if (project != null) {
                narrowed = project.copy(project.getTraitSet(), List.of(narrowed));
            }
            call.transformTo(
                    kept.isEmpty()
                            ? narrowed
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
            boolean allRefs = project.getProjects().stream().allMatch(p -> p instanceof RexInputRef);
            if (allRefs) {
                // The scan reads exactly the projected columns, in the projected order.
                int[] columns = project.getProjects().stream()
                        .mapToInt(p -> scan.columnAt(((RexInputRef) p).getIndex()))
                        .toArray();
                EventsScan narrowed = scan.withColumns(columns);
                if (narrowed.getRowType()
                        .getFieldNames()
                        .equals(project.getRowType().getFieldNames())) {
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
            Mapping mapping = narrowing(scan, RelOptUtil.InputFinder.bits(project.getProjects(), null));
            if (mapping == null) {
                return;
            }
            RexPermuteInputsShuttle toNarrowed = RexPermuteInputsShuttle.of(mapping);
            List<RexNode> exprs = new ArrayList<>();
            for (RexNode p : project.getProjects()) {
                exprs.add(p.accept(toNarrowed));
            }
            call.transformTo(project.copy(project.getTraitSet(), narrowed(scan, mapping), exprs, project.getRowType()));
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
