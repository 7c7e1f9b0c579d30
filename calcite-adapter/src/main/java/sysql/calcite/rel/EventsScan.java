// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;
import sysql.calcite.QuerySettings;
import sysql.calcite.SysqlEngine;
import sysql.calcite.schema.FieldColumns;
import sysql.capture.engine.KernelFilter;
import sysql.capture.fields.Field;

/**
 * The scan of sysql's events: the stream ({@link Source#LIVE}), its history, or a capture file, reading only
 * the columns the query uses and with the predicates the capture layer can evaluate pushed into it (the part
 * the kernel can evaluate goes on into the probe's filter, shown by EXPLAIN as {@code kernel}).
 *
 * <p>A {@code TableScan} whose row is a projection of the table's: Calcite's field trimmer narrows it through
 * {@link #project}, and its {@link #getTable() table} is {@link EventsScanTable}, the events table as this scan
 * reads it (its columns, and no claim of order or keys that the table's full row makes). {@link #condition} is
 * over the table's full row, so it stays valid whatever columns are read. The rules narrow the logical scan
 * ({@code Convention.NONE}); {@link #ENUMERABLE} makes it the {@link EnumerableEventsScan} that runs.
 */
public class EventsScan extends TableScan {
    /** What the scan reads. */
    public enum Source {
        /** The live stream from now on (SELECT STREAM). */
        LIVE,
        /** The recorder's history (a relation: what has been captured). */
        HISTORY
    }

    private final RelOptTable events;
    private final SysqlEngine engine;
    private final QuerySettings settings;
    private final String tableName;
    private final Source source;
    private final int[] columns;
    private final RexNode condition;

    EventsScan(
            RelOptCluster cluster,
            RelTraitSet traits,
            RelOptTable events,
            SysqlEngine engine,
            QuerySettings settings,
            String tableName,
            Source source,
            int[] columns,
            RexNode condition) {
        super(cluster, traits, List.of(), EventsScanTable.of(events, cluster.getTypeFactory(), columns));
        this.events = events;
        this.engine = engine;
        this.settings = settings;
        this.tableName = tableName;
        this.source = source;
        this.columns = columns.clone();
        this.condition = condition;
    }

    /**
     * Makes the logical scan (the one the table gives and the rules narrow) the physical one that runs, as
     * Calcite's own table scans are made {@code EnumerableTableScan}s.
     */
    static final RelOptRule ENUMERABLE = ConverterRule.Config.INSTANCE
            .withConversion(
                    EventsScan.class, Convention.NONE, EnumerableConvention.INSTANCE, "EventsScanEnumerableRule")
            .withRuleFactory(EnumerableRule::new)
            .toRule();

    private static final class EnumerableRule extends ConverterRule {
        EnumerableRule(Config config) {
            super(config);
        }

        @Override
        public RelNode convert(RelNode rel) {
            return new EnumerableEventsScan((EventsScan) rel);
        }
    }

    /** The logical scan of every column of {@code events}, no predicate. */
    public static EventsScan of(
            RelOptCluster cluster,
            RelOptTable events,
            SysqlEngine engine,
            QuerySettings settings,
            String tableName,
            Source source) {
        int[] all = new int[FieldColumns.eventFields().size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return new EventsScan(
                cluster, cluster.traitSetOf(Convention.NONE), events, engine, settings, tableName, source, all, null);
    }

    EventsScan withColumns(int[] newColumns) {
        return with(getTraitSet(), source, newColumns, condition);
    }

    EventsScan withCondition(RexNode newCondition) {
        return with(getTraitSet(), source, columns, newCondition);
    }

    EventsScan withSource(Source newSource) {
        return with(getTraitSet(), newSource, columns, condition);
    }

    /** This scan (logical, or {@link EnumerableEventsScan} when physical) with other traits, source, columns, condition. */
    EventsScan with(RelTraitSet traits, Source newSource, int[] newColumns, RexNode newCondition) {
        return new EventsScan(
                getCluster(), traits, events, engine, settings, tableName, newSource, newColumns, newCondition);
    }

    public Source source() {
        return source;
    }

    /** The events table this scan reads (all its columns). */
    RelOptTable events() {
        return events;
    }

    /** Indexes (into the table's columns) of the columns read, in output order. */
    int[] columns() {
        return columns.clone();
    }

    int columnAt(int outputIndex) {
        return columns[outputIndex];
    }

    /** The pushed predicate over the table's full row, or null. */
    RexNode condition() {
        return condition;
    }

    List<Field> outputFields() {
        List<Field> all = FieldColumns.eventFields();
        List<Field> out = new ArrayList<>(columns.length);
        for (int c : columns) {
            out.add(all.get(c));
        }
        return out;
    }

    KernelFilter kernelFilter() {
        return source == Source.LIVE && engine.isLive()
                ? KernelFilters.of(condition, FieldColumns.eventFields())
                : KernelFilter.ALL;
    }

    /**
     * The scan of the {@code fieldsUsed} of its columns only: what Calcite's field trimmer asks of a table scan
     * under a projection, a filter, a join or an aggregate that uses some of its columns ({@code COUNT(*)}, none:
     * then the first is read, the rows being still needed).
     */
    @Override
    public RelNode project(ImmutableBitSet fieldsUsed, Set<RelDataTypeField> extraFields, RelBuilder relBuilder) {
        if (!extraFields.isEmpty()) {
            return super.project(fieldsUsed, extraFields, relBuilder);
        }
        ImmutableBitSet read = fieldsUsed.isEmpty() ? ImmutableBitSet.of(0) : fieldsUsed;
        int[] narrowed = new int[read.cardinality()];
        int k = 0;
        for (int i : read) {
            narrowed[k++] = columns[i];
        }
        return withColumns(narrowed);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return with(traitSet, source, columns, condition);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        List<String> names = new ArrayList<>();
        for (Field f : outputFields()) {
            names.add(f.name());
        }
        boolean file = !engine.isLive();
        String time = source == Source.HISTORY ? timeRangeText() : "";
        // not TableScan's terms (its table's name): sysql's own, as EXPLAIN has always shown them
        return pw.item("table", tableName)
                .item(
                        "source",
                        file
                                ? engine.describe() + (source == Source.LIVE ? ", as a stream" : "")
                                : source == Source.LIVE ? "live stream" : "history")
                .item("fields", names)
                .itemIf(
                        "filter",
                        condition == null ? "" : RexText.of(condition, FieldColumns.eventFields()),
                        condition != null)
                .itemIf("kernel", kernelFilter(), source == Source.LIVE && !file)
                .itemIf("time", time, !time.isEmpty());
    }

    /** The history's time range this scan reads, as text ("" for all of it). */
    private String timeRangeText() {
        long[] r = new EventPredicates(FieldColumns.eventFields()).timeRange(condition);
        if (r[0] == Long.MIN_VALUE && r[1] == Long.MAX_VALUE) {
            return "";
        }
        return "rawtime " + (r[0] == Long.MIN_VALUE ? "" : r[0]) + ".." + (r[1] == Long.MAX_VALUE ? "" : r[1]);
    }

    @Override
    public double estimateRowCount(RelMetadataQuery mq) {
        return condition == null ? 1_000_000 : 100_000;
    }

    /**
     * The work of the scan: its rows, times the columns it reads, halved by a pushed predicate. The work is also
     * the cost's row count, which is what Calcite's planner compares (it ignores the CPU part): a scan of fewer
     * columns, or with a predicate, wins over the same scan without.
     */
    @Override
    public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
        double work = estimateRowCount(mq) * (1 + columns.length / 10.0) * (condition == null ? 1 : 0.5);
        return planner.getCostFactory().makeCost(work, work, 0);
    }

    /** The rules that push filters, projections and aggregates into event scans, and STREAM into a live scan. */
    @Override
    public void register(RelOptPlanner planner) {
        EventsRules.register(planner);
    }

    /** What the scan reads, for the plan to run. */
    EventsScanSpec spec() {
        EventPredicates predicates = new EventPredicates(FieldColumns.eventFields());
        return new EventsScanSpec(
                engine,
                source,
                outputFields(),
                condition == null ? null : java.util.Objects.requireNonNull(predicates.compile(condition)),
                kernelFilter(),
                predicates.timeRange(condition));
    }

    SysqlEngine engine() {
        return engine;
    }

    QuerySettings settings() {
        return settings;
    }

    String tableName() {
        return tableName;
    }
}
