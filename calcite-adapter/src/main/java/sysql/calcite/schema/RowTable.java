// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.schema;

import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;
import sysql.calcite.SysqlException;
import sysql.capture.CaptureException;
import sysql.capture.fields.EventContext;
import sysql.capture.fields.Field;

/**
 * A small table computed in full when scanned (the state tables, the catalogs, the capture's counters):
 * columns declared once, rows built by a function of the query's context.
 */
abstract class RowTable extends AbstractTable implements ScannableTable {
    /** One column: name and SQL type (all nullable). */
    record Column(String name, SqlTypeName type) {}

    private final List<Column> columns;

    RowTable(List<Column> columns) {
        this.columns = List.copyOf(columns);
    }

    static Column column(String name, SqlTypeName type) {
        return new Column(name, type);
    }

    /** The columns of catalog fields, named and typed as the fields. */
    static List<Column> fieldColumns(List<Field> fields) {
        return fields.stream()
                .map(f -> new Column(f.name(), FieldColumns.sqlType(f.type())))
                .toList();
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory types) {
        RelDataTypeFactory.Builder b = types.builder();
        for (Column c : columns) {
            RelDataType t = c.type() == SqlTypeName.TIMESTAMP
                    ? types.createSqlType(c.type(), 3)
                    : types.createSqlType(c.type());
            b.add(c.name(), types.createTypeWithNullability(t, true));
        }
        return b.build();
    }

    /** The rows, as Calcite's runtime values (Long, Integer, Boolean, String; TIMESTAMP as epoch millis). */
    abstract List<Object[]> rows() throws CaptureException;

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
        try {
            // the plan's Cancellation.Checked over this scan stops a join of small tables at a cancel or time limit
            return Linq4j.asEnumerable(rows());
        } catch (CaptureException e) {
            throw new SysqlException(e.getMessage(), e);
        }
    }

    /** The value of {@code f} for the context's current row, as Calcite's runtime value. */
    static Object value(Field f, EventContext c) {
        if (f.isNull(c)) {
            return null;
        }
        return switch (f.type()) {
            case BIGINT -> f.getLong(c);
            case INTEGER -> (int) f.getLong(c);
            case BOOLEAN -> f.getLong(c) != 0;
            case TIMESTAMP -> Math.floorDiv(f.getLong(c), 1_000_000L);
            case DOUBLE -> f.getDouble(c);
            case VARBINARY -> new org.apache.calcite.avatica.util.ByteString(f.getBytes(c));
            default -> f.getString(c);
        };
    }

    /** A row of these fields' values for the context's current row. */
    static Object[] values(List<Field> fields, EventContext c) {
        Object[] row = new Object[fields.size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = value(fields.get(i), c);
        }
        return row;
    }

    /** Fields by name, leaving out names the catalog does not have. */
    static List<Field> fields(List<String> names) {
        return names.stream()
                .map(FieldColumns::field)
                .filter(java.util.Objects::nonNull)
                .toList();
    }
}
