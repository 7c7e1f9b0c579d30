// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.schema;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.StreamableTable;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import sysql.calcite.QuerySettings;
import sysql.calcite.SysqlEngine;
import sysql.calcite.rel.EventsScan;

/**
 * The {@code events} table: one row per event, one column per catalog field. As in Calcite's stream/table
 * duality, {@code SELECT STREAM} reads the live stream from now on, and a plain {@code SELECT} reads its
 * history (what the recorder holds; for a capture file, the whole file).
 *
 * <p>Event number and time grow with the stream: they are declared monotonic (so the validator accepts
 * windowed streaming aggregates over them).
 */
public final class EventsTable extends AbstractTable implements TranslatableTable, StreamableTable {
    private final SysqlEngine engine;
    private final QuerySettings settings;
    private final String name;

    public EventsTable(SysqlEngine engine, QuerySettings settings, String name) {
        this.engine = engine;
        this.settings = settings;
        this.name = name;
    }

    public SysqlEngine engine() {
        return engine;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
        return FieldColumns.rowType(typeFactory, FieldColumns.eventFields());
    }

    @Override
    public Statistic getStatistic() {
        List<RelCollation> collations = new ArrayList<>();
        for (String monotonic : List.of("evt.num", "evt.rawtime", "evt.time")) {
            collations.add(RelCollations.of(FieldColumns.indexOf(monotonic)));
        }
        collations.sort(null); // Calcite wants a trait list in order
        return Statistics.of(1_000_000, List.of(), collations);
    }

    /** The scan of every column; Calcite's field trimmer narrows it to the columns the query uses. */
    @Override
    public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
        return EventsScan.of(context.getCluster(), relOptTable, engine, settings, name, EventsScan.Source.HISTORY);
    }

    /** The stream is this table: its scan is turned into a live one by the planner (see EventsRules.STREAM). */
    @Override
    public Table stream() {
        return this;
    }
}
