// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptAbstractTable;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelDistribution;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.schema.StreamableTable;
import sysql.calcite.schema.FieldColumns;
import sysql.capture.fields.Field;

/**
 * The events table as one {@link EventsScan} reads it: the columns it reads, under the table's name, and no claim
 * that the table's full row makes (its order by {@code evt.num} and time, which the validator reads from the
 * table itself for streams): Calcite's metadata of a table scan (collations, keys, column origins) comes from here,
 * and describes the scan's own row. It unwraps to the events table as a {@code StreamableTable} only (else
 * Calcite's stream rules take a {@code Delta} over the scan for a table with no stream, and make it empty; sysql's
 * own rule makes it the live scan), and to nothing else, so that Calcite's rules for scans of its own tables (a
 * {@code ProjectableFilterableTable}, a {@code QueryableTable}) leave the scan alone.
 */
final class EventsScanTable extends RelOptAbstractTable {
    private final RelOptTable events;

    private EventsScanTable(RelOptTable events, RelDataTypeFactory types, List<Field> fields) {
        super(
                events.getRelOptSchema(),
                events.getQualifiedName().get(events.getQualifiedName().size() - 1),
                FieldColumns.rowType(types, fields));
        this.events = events;
    }

    /** The table of a scan of {@code events}' {@code columns} (indexes into its full row). */
    static EventsScanTable of(RelOptTable events, RelDataTypeFactory types, int[] columns) {
        List<Field> all = FieldColumns.eventFields();
        List<Field> fields = new ArrayList<>(columns.length);
        for (int c : columns) {
            fields.add(all.get(c));
        }
        return new EventsScanTable(events, types, fields);
    }

    @Override
    public List<String> getQualifiedName() {
        return events.getQualifiedName();
    }

    @Override
    public double getRowCount() {
        return events.getRowCount();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        return type == StreamableTable.class ? events.unwrap(type) : super.unwrap(type);
    }

    @Override
    public RelDistribution getDistribution() {
        return events.getDistribution();
    }

    /** A scan of the whole table, as the table makes it (Calcite's type flattener asks a scan's table again). */
    @Override
    public RelNode toRel(ToRelContext context) {
        return events.toRel(context);
    }

    @Override
    public RelOptTable extend(List<RelDataTypeField> extendedFields) {
        throw new UnsupportedOperationException("the events table has no extended columns");
    }
}
