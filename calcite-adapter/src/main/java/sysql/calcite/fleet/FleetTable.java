// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.fleet;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.StreamableTable;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.checkerframework.checker.nullness.qual.Nullable;
import sysql.calcite.SysqlException;

/**
 * {@code TABLE(fleet('brokers', 'SELECT STREAM …'))}: the rows of a fleet query ({@code sysql fleet}'s) as a table of
 * this connection, so the shell, JDBC and every client of sysql read a fleet's stream as any other: they never end
 * by themselves, and the statement's cancel (or closing its result set) stops the query on every host and its global
 * part. Read with or without STREAM. The columns are known when the statement is prepared ({@link
 * FleetStreams#columns}); the query starts when its rows are first read.
 */
public final class FleetTable extends AbstractTable implements ScannableTable, StreamableTable, TranslatableTable {
    private final FleetStreams streams;
    private final String bootstrap;
    private final String query;
    private final @Nullable Path config;
    private final List<FleetStreams.Column> columns;

    private FleetTable(
            FleetStreams streams,
            String bootstrap,
            String query,
            @Nullable Path config,
            List<FleetStreams.Column> columns) {
        this.streams = streams;
        this.bootstrap = bootstrap;
        this.query = query;
        this.config = config;
        this.columns = columns;
    }

    /**
     * The table of {@code query} over the fleet at {@code bootstrap}, with the settings of {@code config} (see {@link
     * FleetStreams#open}); its problems are one-line SysqlExceptions.
     */
    public static FleetTable of(String bootstrap, String query, @Nullable Path config) {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new SysqlException(
                    "fleet needs the fleet's Kafka brokers first: fleet('broker:9092', 'SELECT STREAM …')");
        }
        if (query == null || query.isBlank()) {
            throw new SysqlException("fleet needs a query: fleet('broker:9092', 'SELECT STREAM … FROM events …')");
        }
        FleetStreams streams = ServiceLoader.load(FleetStreams.class, FleetTable.class.getClassLoader())
                .findFirst()
                .orElseThrow(() -> new SysqlException(
                        "fleet queries need the sysql command's fleet support (sysql-cli) on the class path"));
        return new FleetTable(streams, bootstrap, query, config, List.copyOf(streams.columns(query)));
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory types) {
        RelDataTypeFactory.Builder b = types.builder();
        for (FleetStreams.Column c : columns) {
            RelDataType t = c.type() == SqlTypeName.TIMESTAMP
                    ? types.createSqlType(c.type(), 3)
                    : types.createSqlType(c.type());
            b.add(c.name(), types.createTypeWithNullability(t, true));
        }
        return b.build();
    }

    @Override
    public Table stream() {
        return this;
    }

    @Override
    public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable table) {
        return LogicalTableScan.create(context.getCluster(), table, context.getTableHints());
    }

    @Override
    public Enumerable<@Nullable Object[]> scan(DataContext root) {
        AtomicBoolean cancel = DataContext.Variable.CANCEL_FLAG.get(root);
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<@Nullable Object[]> enumerator() {
                return new Rows(cancel);
            }
        };
    }

    /** The running query's rows, read until they end, the statement is cancelled or the result set closes. */
    private final class Rows implements Enumerator<@Nullable Object[]> {
        private final AtomicBoolean cancel;
        private FleetStreams.Cursor cursor;
        private Object[] current;

        Rows(AtomicBoolean cancel) {
            this.cancel = cancel;
        }

        @Override
        public Object[] current() {
            return current;
        }

        @Override
        public boolean moveNext() {
            try {
                if (cursor == null) {
                    cursor = streams.open(bootstrap, query, config);
                }
                while (cancel == null || !cancel.get()) {
                    Object[] row = cursor.poll(100);
                    if (row != null) {
                        current = internal(row);
                        return true;
                    }
                    if (cursor.ended()) {
                        return false;
                    }
                }
                return false;
            } catch (IOException e) {
                throw new SysqlException(e.getMessage(), e);
            }
        }

        /** A row's values as Calcite holds them (a TIMESTAMP's milliseconds, VARBINARY's ByteString). */
        private Object[] internal(Object[] row) {
            Object[] out = new Object[columns.size()];
            for (int i = 0; i < out.length && i < row.length; i++) {
                Object v = row[i];
                if (v instanceof LocalDateTime t) {
                    out[i] = t.toInstant(ZoneOffset.UTC).toEpochMilli();
                } else if (v instanceof byte[] b) {
                    out[i] = new ByteString(b);
                } else {
                    out[i] = v;
                }
            }
            return out;
        }

        @Override
        public void reset() {
            throw new UnsupportedOperationException("a fleet query's rows are read once");
        }

        @Override
        public void close() {
            if (cursor != null) {
                cursor.close();
                cursor = null;
            }
        }
    }
}
