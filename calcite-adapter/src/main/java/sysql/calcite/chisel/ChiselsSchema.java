// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.chisel;

import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;
import com.google.common.collect.ImmutableMultimap;
import com.google.common.collect.Multimap;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Function;
import org.apache.calcite.schema.FunctionParameter;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.TableMacro;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.util.NlsString;
import sysql.calcite.schema.SysqlSchema;
import sysql.calcite.sql.SysqlPrepare;

/**
 * Schema {@code chisels}: the chisel library as views over the connection's {@code events} (the live history, or
 * the capture file). {@code chisels.NAME} is a chisel with its default arguments; {@code TABLE(chisels.NAME(a,
 * b))}, for a chisel that has arguments, takes them as parameters (strings: a field name, a number, a text or a SQL condition). Each is a
 * view (as Calcite's {@code ViewTable}) of the chisel's SQL, so the query planner sees through it (filters and the fields read
 * reach the capture as for a query written by hand).
 */
public final class ChiselsSchema extends AbstractSchema {
    public static final String NAME = "chisels";

    private final CalciteConnection connection;
    /** The views and macros, made when the schema is first looked into (a query that names no chisel never does). */
    private final Supplier<Contents> contents = Suppliers.memoize(this::build);
    /** Row types by SQL text: analysing a view's SQL means planning it once. */
    private final Map<String, RelDataType> rowTypes = new ConcurrentHashMap<>();

    private record Contents(Map<String, Table> tables, Multimap<String, Function> functions) {}

    public ChiselsSchema(CalciteConnection connection) {
        this.connection = connection;
    }

    private Contents build() {
        Map<String, Table> tables = new LinkedHashMap<>();
        ImmutableMultimap.Builder<String, Function> fns = ImmutableMultimap.builder();
        for (Chisel c : ChiselLibrary.all().values()) {
            if (c.args().stream().allMatch(a -> a.defaultValue() != null)) {
                tables.put(c.name(), new View(c.historySql(List.of()), c.name()));
            }
            if (!c.args().isEmpty()) {
                // (one without arguments is its view only: JDBC metadata lists a macro without parameters as a
                // table too, so it would be listed twice)
                fns.put(c.name(), new Macro(c));
            }
        }
        return new Contents(tables, fns.build());
    }

    @Override
    protected Map<String, Table> getTableMap() {
        return contents.get().tables();
    }

    @Override
    protected Multimap<String, Function> getFunctionMultimap() {
        return contents.get().functions();
    }

    /** The row type of a chisel's SQL, found by sysql's own preparation (its names, functions and rules). */
    private RelDataType rowType(String sql) {
        return rowTypes.computeIfAbsent(sql, s -> {
            CalcitePrepare.Context context = connection.createPrepareContext();
            CalcitePrepare.Dummy.push(context);
            try {
                return new SysqlPrepare().prepareSql(context, CalcitePrepare.Query.of(s), Object[].class, -1).rowType;
            } finally {
                CalcitePrepare.Dummy.pop(context);
            }
        });
    }

    /** One chisel with bound arguments: a view whose row type is known without running it. */
    private final class View extends AbstractTable implements TranslatableTable {
        private final String sql;
        private final String name;

        View(String sql, String name) {
            this.sql = sql;
            this.name = name;
        }

        @Override
        public RelDataType getRowType(RelDataTypeFactory typeFactory) {
            return typeFactory.copyType(rowType(sql));
        }

        /**
         * The chisel's SQL expanded in place, as a {@link ViewTable} does, but through {@link RelRoot#project()}:
         * a view ordered by what it does not select ({@code ORDER BY SUM(x) DESC}) keeps only its columns.
         */
        @Override
        public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
            RelDataType type = relOptTable.getRowType();
            RelRoot root = context.expandView(type, sql, List.of(SysqlSchema.NAME), List.of(NAME, name));
            return RelOptUtil.createCastRel(root.project(), type, true);
        }

        @Override
        public Schema.TableType getJdbcTableType() {
            return Schema.TableType.VIEW;
        }
    }

    /** {@code chisels.NAME(args…)}: the chisel's view with these arguments. */
    private final class Macro implements TableMacro {
        private final Chisel chisel;

        Macro(Chisel chisel) {
            this.chisel = chisel;
        }

        @Override
        public List<FunctionParameter> getParameters() {
            List<FunctionParameter> out = new ArrayList<>();
            for (int i = 0; i < chisel.args().size(); i++) {
                Chisel.Arg a = chisel.args().get(i);
                int ordinal = i;
                out.add(new FunctionParameter() {
                    @Override
                    public int getOrdinal() {
                        return ordinal;
                    }

                    @Override
                    public String getName() {
                        return a.name();
                    }

                    @Override
                    public RelDataType getType(RelDataTypeFactory typeFactory) {
                        // a Java String, as Calcite's own TableMacroImpl declares one: the literal's text
                        return typeFactory.createJavaType(String.class);
                    }

                    @Override
                    public boolean isOptional() {
                        return a.defaultValue() != null;
                    }
                });
            }
            return out;
        }

        @Override
        public TranslatableTable apply(List<? extends Object> arguments) {
            List<String> values = new ArrayList<>();
            for (Object o : arguments) {
                values.add(
                        o == null
                                ? null
                                : o instanceof NlsString t
                                        ? t.getValue()
                                        : o instanceof BigDecimal d ? d.toPlainString() : o.toString());
            }
            return new View(chisel.historySql(values), chisel.name());
        }
    }
}
