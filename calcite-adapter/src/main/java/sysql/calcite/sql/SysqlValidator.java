// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import static org.apache.calcite.util.Static.RESOURCE;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.prepare.CalciteSqlValidator;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.runtime.Resources;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SelectScope;
import org.apache.calcite.sql.validate.SqlModality;
import org.apache.calcite.sql.validate.SqlValidatorException;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.util.Util;
import sysql.calcite.chisel.ChiselStreams;
import sysql.calcite.rel.WindowRules;
import sysql.calcite.schema.FieldColumns;

/**
 * Calcite's validator with sysql's rules: {@code SELECT *} leaves out the parametric columns (the hundreds of
 * {@code evt.arg.NAME} and {@code proc.aname[N]} instances, which are selected by name), {@code events} is both
 * a stream and a relation (plain SELECT reads its history), a window table function's bounds are
 * monotonic, and an aggregate in the select list without AS is named as PostgreSQL names it.
 */
final class SysqlValidator extends CalciteSqlValidator {
    SysqlValidator(
            SqlOperatorTable opTab, CalciteCatalogReader catalogReader, JavaTypeFactory typeFactory, Config config) {
        super(opTab, catalogReader, typeFactory, config);
    }

    /**
     * Refuses a statement too large to plan ({@link SqlLimits}) before any work grows with it; settles the case of
     * the field names it has ({@link FieldNames#settleCase}).
     */
    @Override
    public SqlNode validate(SqlNode topNode) {
        SqlLimits.checkNodes(topNode);
        FieldNames.settleCase(topNode);
        return super.validate(topNode);
    }

    /**
     * A column that is not found and is written as a sysdig field ({@code proc.nme}) is an unknown field, said with
     * the nearest field names ({@link FieldNames}) at the name's own position; other errors are Calcite's.
     */
    @Override
    public CalciteContextException newValidationError(SqlNode node, Resources.ExInst<SqlValidatorException> e) {
        if (node instanceof SqlIdentifier id && !id.isStar()) {
            String problem = FieldNames.problem(Util.last(id.names));
            String calcites = e.str();
            if (problem != null && calcites.startsWith("Column '") && calcites.contains("' not found")) {
                SqlParserPos pos = id.getComponentParserPosition(id.names.size() - 1);
                String at = RESOURCE.validatorContext(
                                pos.getLineNum(), pos.getColumnNum(), pos.getEndLineNum(), pos.getEndColumnNum())
                        .str();
                return new CalciteContextException( // its message is the position, its cause's the problem
                        at,
                        new SqlValidatorException(problem, null),
                        pos.getLineNum(),
                        pos.getColumnNum(),
                        pos.getEndLineNum(),
                        pos.getEndColumnNum());
            }
        }
        return super.newValidationError(node, e);
    }

    /** Refuses a select list wider than {@link SqlLimits#MAX_COLUMNS} once its stars are expanded. */
    @Override
    public SqlNodeList expandStar(SqlNodeList selectList, SqlSelect select, boolean includeSystemVars) {
        SqlNodeList expanded = super.expandStar(selectList, select, includeSystemVars);
        SqlLimits.checkColumns(expanded.size());
        return expanded;
    }

    /**
     * Names each aggregate call of a select list that has no AS (Calcite would label it {@code EXPR$n}), as
     * PostgreSQL does, so the label can be referred to ({@code ORDER BY count DESC}): see {@link #aggregateAlias}.
     * The name becomes an explicit AS before validation, so ORDER BY, HAVING and an enclosing query see it; a name
     * the select list already has gets a number as Calcite's would ({@code count}, {@code count0}). Other
     * expressions keep Calcite's {@code EXPR$n}. A {@code SELECT STREAM} from a chisel reads the chisel's own
     * stream query ({@link ChiselStreams}).
     */
    @Override
    protected SqlNode performUnconditionalRewrites(SqlNode node, boolean underFrom) {
        if (node instanceof SqlSelect select) {
            ChiselStreams.substitute(select); // before the FROM is rewritten: the chisel's query is, in turn
        }
        SqlNode rewritten = super.performUnconditionalRewrites(node, underFrom);
        if (rewritten instanceof SqlSelect select) {
            SqlNodeList items = select.getSelectList();
            Set<String> taken = new HashSet<>();
            for (int i = 0; i < items.size(); i++) {
                if (aggregateAlias(items.get(i)) == null) {
                    taken.add(SqlValidatorUtil.alias(items.get(i), i));
                }
            }
            for (int i = 0; i < items.size(); i++) {
                String alias = aggregateAlias(items.get(i));
                if (alias != null) {
                    alias = SqlValidatorUtil.uniquify(alias, taken, SqlValidatorUtil.EXPR_SUGGESTER);
                    SqlNode item = items.get(i);
                    items.set(
                            i,
                            SqlStdOperatorTable.AS.createCall(
                                    item.getParserPosition(), item, new SqlIdentifier(alias, SqlParserPos.ZERO)));
                }
            }
        }
        return rewritten;
    }

    /**
     * PostgreSQL's name of an aggregate call ({@code f(…)}, also with FILTER, WITHIN GROUP or OVER): with one argument that is
     * a column, the function's name, '_' and the column's name with every character other than a letter, digit
     * or '_' made '_' ({@code SUM(evt.buflen)} is {@code sum_evt_buflen}, {@code COUNT(DISTINCT proc.name)}
     * {@code count_proc_name}); otherwise the function's name ({@code COUNT(*)} is {@code count}). Null for
     * anything else.
     */
    static String aggregateAlias(SqlNode item) {
        SqlNode call = item;
        while (call.getKind() == SqlKind.OVER
                || call.getKind() == SqlKind.FILTER
                || call.getKind() == SqlKind.WITHIN_GROUP) {
            call = ((SqlCall) call).operand(0);
        }
        if (!(call instanceof SqlCall c) || !c.getOperator().isAggregator()) {
            return null;
        }
        String name = c.getOperator().getName().toLowerCase(Locale.ROOT);
        List<SqlNode> args = c.getOperandList();
        if (args.size() == 1 && args.get(0) instanceof SqlIdentifier id && !id.isStar()) {
            return name + "_" + Util.last(id.names).replaceAll("[^\\p{L}\\p{N}_]", "_");
        }
        return name;
    }

    /** Called only while a star is expanded. */
    @Override
    protected void addToSelectList(
            List<SqlNode> list,
            Set<String> aliases,
            List<Map.Entry<String, RelDataType>> fieldList,
            SqlNode exp,
            SelectScope scope,
            boolean includeSystemVars) {
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
        if (isWindowed(select)
                && select.getOrderList() != null
                && !select.getOrderList().isEmpty()) {
            // a windowed aggregate's ORDER BY orders each window's rows (WindowRules): the windows themselves
            // come in time order, so ORDER BY SUM(x) DESC LIMIT 10 is each window's top 10 and needs no window key
            SqlNodeList order = select.getOrderList();
            select.setOrderBy(null);
            try {
                return validateModality(select, modality, fail);
            } finally {
                select.setOrderBy(order);
            }
        }
        if (super.validateModality(select, modality, false) || !isWindowTableFunction(select.getFrom())) {
            return super.validateModality(select, modality, fail);
        }
        boolean groupOk =
                select.getGroup() == null || select.getGroup().stream().anyMatch(SysqlValidator::isWindowColumn);
        boolean orderOk = select.getOrderList() == null
                || select.getOrderList().isEmpty()
                || isWindowColumn(select.getOrderList().get(0));
        if (groupOk && orderOk) {
            return true;
        }
        return super.validateModality(select, modality, fail);
    }

    /** Grouped by a window: TUMBLE/HOP in GROUP BY, or a window table function's bounds. */
    private static boolean isWindowed(SqlSelect select) {
        if (select.getGroup() == null) {
            return false;
        }
        for (SqlNode g : select.getGroup()) {
            if (isWindowColumn(g)
                    || g instanceof SqlCall call
                            && (call.getKind() == SqlKind.TUMBLE
                                    || call.getKind() == SqlKind.HOP
                                    || call.getKind() == SqlKind.SESSION)) {
                return true;
            }
        }
        return false;
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
        return n instanceof SqlIdentifier id
                && (Util.last(id.names).equalsIgnoreCase("window_start")
                        || Util.last(id.names).equalsIgnoreCase("window_end"));
    }
}
