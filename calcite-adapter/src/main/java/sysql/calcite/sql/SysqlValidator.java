package sysql.calcite.sql;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.prepare.CalciteSqlValidator;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.validate.SelectScope;
import org.apache.calcite.sql.validate.SqlModality;
import org.apache.calcite.util.Util;
import sysql.calcite.rel.WindowRules;
import sysql.calcite.schema.FieldColumns;

/**
 * Calcite's validator with sysql's rules: {@code SELECT *} leaves out the parametric columns (the hundreds of
 * {@code evt.arg.NAME} and {@code proc.aname[N]} instances, which are selected by name), {@code events} is both
 * a stream and a relation (plain SELECT reads its history), and a window table function's bounds are
 * monotonic.
 */
final class SysqlValidator extends CalciteSqlValidator {
    SysqlValidator(SqlOperatorTable opTab, CalciteCatalogReader catalogReader, JavaTypeFactory typeFactory,
            Config config) {
        super(opTab, catalogReader, typeFactory, config);
    }

    /** Called only while a star is expanded. */
    @Override
    protected void addToSelectList(List<SqlNode> list, Set<String> aliases,
            List<Map.Entry<String, RelDataType>> fieldList, SqlNode exp, SelectScope scope, boolean includeSystemVars) {
        if (exp instanceof SqlIdentifier id && !id.isStar() && FieldColumns.isParametric(Util.last(id.names))) {
            return;
        }
        super.addToSelectList(list, aliases, fieldList, exp, scope, includeSystemVars);
    }

    /**
     * Every table of sysql's schema can be read as a relation ({@code events}, the one stream, as its history),
     * so the relation check always passes. The stream checks (a GROUP BY and an ORDER BY must start from a
     * monotonic expression) are Calcite's, with one addition: the {@code window_start} and {@code window_end} of
     * a TUMBLE or HOP table function over a stream are monotonic (Calcite does not know it of its own table
     * functions).
     */
    @Override
    public boolean validateModality(SqlSelect select, SqlModality modality, boolean fail) {
        if (modality == SqlModality.RELATION) {
            return true;
        }
        if (super.validateModality(select, modality, false) || !isWindowTableFunction(select.getFrom())) {
            return super.validateModality(select, modality, fail);
        }
        boolean groupOk = select.getGroup() == null || select.getGroup().stream().anyMatch(SysqlValidator::isWindowColumn);
        boolean orderOk = select.getOrderList() == null || select.getOrderList().isEmpty()
                || isWindowColumn(select.getOrderList().get(0));
        if (groupOk && orderOk) {
            return true;
        }
        return super.validateModality(select, modality, fail);
    }

    /** {@code TABLE(TUMBLE(…))} or {@code TABLE(HOP(…))}, aliased or not. */
    private static boolean isWindowTableFunction(SqlNode from) {
        if (from instanceof SqlCall as && as.getKind() == SqlKind.AS) {
            from = as.operand(0);
        }
        if (!(from instanceof SqlCall table) || table.getKind() != SqlKind.COLLECTION_TABLE) {
            return false;
        }
        SqlNode f = table.operand(0);
        return f instanceof SqlCall call && WindowRules.windowKind(call.getOperator()) != null;
    }

    private static boolean isWindowColumn(SqlNode n) {
        return n instanceof SqlIdentifier id && (Util.last(id.names).equalsIgnoreCase("window_start")
                || Util.last(id.names).equalsIgnoreCase("window_end"));
    }
}
