package sysql.calcite.sql;

import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSelectKeyword;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * What a statement is, from its text alone: a bounded query, a stream ({@code SELECT STREAM}, rows until it
 * is cancelled), something that is not a query at all (DDL, DML, SET...), or text that does not parse (the
 * statement's own preparation then says what is wrong). The server uses it to stay read-only and to serve a
 * stream's rows as they come.
 */
public enum StatementKind {
    QUERY, STREAM, NOT_A_QUERY, UNPARSED;

    private static final SqlParser.Config PARSER = SqlParser.config()
            .withQuoting(Quoting.DOUBLE_QUOTE)
            .withUnquotedCasing(Casing.TO_LOWER)
            .withQuotedCasing(Casing.UNCHANGED)
            .withCaseSensitive(true)
            .withConformance(SqlConformanceEnum.LENIENT);

    /** The kind of {@code sql}, a single statement. */
    public static StatementKind of(String sql) {
        SqlNode node;
        try {
            node = SqlParser.create(SysqlPrepare.rewrite(sql).sql(), PARSER).parseStmt();
        } catch (SqlParseException | FieldNameRewriter.UnknownFieldException | RuntimeException e) {
            return UNPARSED;
        }
        if (node instanceof SqlExplain || node.getKind() == SqlKind.DESCRIBE_SCHEMA
                || node.getKind() == SqlKind.DESCRIBE_TABLE) {
            return QUERY;
        }
        if (!node.isA(SqlKind.QUERY)) {
            return NOT_A_QUERY;
        }
        return isStream(node) ? STREAM : QUERY;
    }

    private static boolean isStream(SqlNode node) {
        if (node instanceof SqlOrderBy o) {
            return isStream(o.query);
        }
        if (node instanceof SqlWith w) {
            return isStream(w.body);
        }
        return node instanceof SqlSelect s && s.isKeywordPresent(SqlSelectKeyword.STREAM);
    }
}
