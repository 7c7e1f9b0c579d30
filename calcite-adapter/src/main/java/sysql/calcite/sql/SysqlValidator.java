package sysql.calcite.sql;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.prepare.CalciteSqlValidator;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.validate.SelectScope;
import org.apache.calcite.sql.validate.SqlModality;
import org.apache.calcite.util.Util;
import sysql.calcite.schema.FieldColumns;

/**
 * Calcite's validator with sysql's two rules: {@code SELECT *} leaves out the parametric columns (the hundreds
 * of {@code evt.arg.NAME} and {@code proc.aname[N]} instances, which are selected by name), and {@code events}
 * is both a stream and a relation (plain SELECT reads its history).
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
     * so the relation check always passes; the stream checks (monotonic GROUP BY and ORDER BY) are Calcite's.
     */
    @Override
    public boolean validateModality(SqlSelect select, SqlModality modality, boolean fail) {
        if (modality == SqlModality.RELATION) {
            return true;
        }
        return super.validateModality(select, modality, fail);
    }
}
