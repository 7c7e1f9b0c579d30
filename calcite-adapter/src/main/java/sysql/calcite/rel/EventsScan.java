// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.Blocks;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexNode;
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
 * <p>Not a {@code TableScan}: its row is a projection of the table's, so Calcite's table metadata (column
 * collations, for one) would not describe it. {@link #condition} is over the table's full row, so it stays
 * valid whatever columns are read.
 */
public final class EventsScan extends AbstractRelNode implements EnumerableRel {
    /** What the scan reads. */
    public enum Source {
        /** The live stream from now on (SELECT STREAM). */
        LIVE,
        /** The recorder's history (a relation: what has been captured). */
        HISTORY
    }

    private final SysqlEngine engine;
    private final QuerySettings settings;
    private final String tableName;
    private final Source source;
    private final int[] columns;
    private final RexNode condition;

    EventsScan(
            RelOptCluster cluster,
            RelTraitSet traits,
            SysqlEngine engine,
            QuerySettings settings,
            String tableName,
            Source source,
            int[] columns,
            RexNode condition) {
        super(cluster, traits);
        this.engine = engine;
        this.settings = settings;
        this.tableName = tableName;
        this.source = source;
        this.columns = columns.clone();
        this.condition = condition;
    }

    /** The scan of every column, no predicate. */
    public static EventsScan of(
            RelOptCluster cluster, SysqlEngine engine, QuerySettings settings, String tableName, Source source) {
        int[] all = new int[FieldColumns.eventFields().size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return new EventsScan(
                cluster,
                cluster.traitSetOf(EnumerableConvention.INSTANCE),
                engine,
                settings,
                tableName,
                source,
                all,
                null);
    }

    EventsScan withColumns(int[] newColumns) {
        return new EventsScan(getCluster(), getTraitSet(), engine, settings, tableName, source, newColumns, condition);
    }

    EventsScan withCondition(RexNode newCondition) {
        return new EventsScan(getCluster(), getTraitSet(), engine, settings, tableName, source, columns, newCondition);
    }

    EventsScan withSource(Source newSource) {
        return new EventsScan(getCluster(), getTraitSet(), engine, settings, tableName, newSource, columns, condition);
    }

    public Source source() {
        return source;
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

    @Override
    protected RelDataType deriveRowType() {
        return FieldColumns.rowType(getCluster().getTypeFactory(), outputFields());
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new EventsScan(getCluster(), traitSet, engine, settings, tableName, source, columns, condition);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        List<String> names = new ArrayList<>();
        for (Field f : outputFields()) {
            names.add(f.name());
        }
        boolean file = !engine.isLive();
        String time = source == Source.HISTORY ? timeRangeText() : "";
        return super.explainTerms(pw)
                .item("table", tableName)
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

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        PhysType physType = PhysTypeImpl.of(
                implementor.getTypeFactory(),
                getRowType(),
                columns.length == 1 ? JavaRowFormat.SCALAR : JavaRowFormat.ARRAY);
        Expression stashed = implementor.stash(spec(), EventsScanSpec.class);
        return implementor.result(
                physType, Blocks.toBlock(Expressions.call(stashed, "enumerable", implementor.getRootExpression())));
    }
}
