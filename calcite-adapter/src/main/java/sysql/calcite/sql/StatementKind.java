// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSelectKeyword;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.parser.SqlParser;

/**
 * What a statement's SQL text is, read by sysql's parser (the one that runs it: sysdig's field names as
 * identifiers, the connection's quoting and casing): a {@link #STREAM} is a query whose result is a stream, so it does not end by
 * itself; the text's shape does not matter ({@code WITH … SELECT STREAM …}, parentheses, comments, ORDER BY and
 * LIMIT, a UNION of streams), the parsed query does. For {@code sysql query}, which prints a stream's rows as
 * they arrive.
 */
public enum StatementKind {
    /** A query that ends by itself (a relation: history, files, state tables, catalogs). */
    QUERY,
    /** {@code SELECT STREAM}, in any form: rows until the statement is cancelled. */
    STREAM,
    /** {@code EXPLAIN PLAN FOR …} (of a query or a stream: the plan, which ends). */
    EXPLAIN,
    /** Anything else that parses (INSERT, SET, DDL…). */
    OTHER,
    /** Text that does not parse (running it gives the error). */
    UNPARSED;

    /** The kind of one statement's text. */
    public static StatementKind of(String sql) {
        if (!SqlLimits.textFits(sql)) {
            return UNPARSED; // not parsed here: its prepare refuses it in one line
        }
        SqlNode node;
        try {
            node = SqlParser.create(sql, SysqlPrepare.PARSER_CONFIG).parseStmt();
        } catch (Exception e) {
            return UNPARSED;
        }
        return of(node);
    }

    private static StatementKind of(SqlNode n) {
        if (n instanceof SqlExplain) {
            return EXPLAIN;
        }
        if (n instanceof SqlOrderBy o) {
            return of(o.query);
        }
        if (n instanceof SqlWith w) {
            return of(w.body);
        }
        if (n instanceof SqlSelect s) {
            return s.isKeywordPresent(SqlSelectKeyword.STREAM) ? STREAM : QUERY;
        }
        if (n.getKind().belongsTo(SqlKind.SET_QUERY)
                && n instanceof SqlCall c
                && !c.getOperandList().isEmpty()) {
            return of(c.operand(0)); // a set operation of streams is a stream (Calcite wants all its inputs to be)
        }
        return n.getKind().belongsTo(SqlKind.QUERY) ? QUERY : OTHER;
    }
}
