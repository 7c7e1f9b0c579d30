// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.chisel;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSelectKeyword;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.Util;
import sysql.calcite.SysqlException;
import sysql.calcite.sql.FieldNames;
import sysql.calcite.sql.SysqlPrepare;

/**
 * A chisel read as a stream: in {@code SELECT STREAM … FROM chisels.NAME} (or {@code TABLE(chisels.NAME('arg'))})
 * the chisel stands for its own {@code SELECT STREAM} (its per-interval form), put in the FROM as a subquery before
 * validation; a plain SELECT reads the view of its history query.
 */
public final class ChiselStreams {
    private ChiselStreams() {}

    /** When {@code select} streams from a chisel, sets its FROM to the chisel's stream query. */
    public static void substitute(SqlSelect select) {
        if (!select.isKeywordPresent(SqlSelectKeyword.STREAM) || select.getFrom() == null) {
            return;
        }
        SqlNode from = select.getFrom();
        SqlIdentifier alias = null;
        if (from.getKind() == SqlKind.AS) {
            alias = ((SqlCall) from).operand(1);
            from = ((SqlCall) from).operand(0);
        }
        List<String> args = new ArrayList<>();
        SqlIdentifier name;
        if (from instanceof SqlIdentifier id) {
            name = id;
        } else if (from.getKind() == SqlKind.COLLECTION_TABLE
                && ((SqlCall) from).operand(0) instanceof SqlBasicCall call
                && call.getOperator().getNameAsId().names.size() == 2) {
            name = call.getOperator().getNameAsId();
            for (SqlNode a : call.getOperandList()) {
                if (!(a instanceof SqlLiteral literal)) {
                    throw new SysqlException("the arguments of " + name + " must be literals, e.g. 'proc.name'");
                }
                args.add(literal.toValue());
            }
        } else {
            return;
        }
        if (name.names.size() != 2 || !name.names.get(0).equals(ChiselsSchema.NAME)) {
            return;
        }
        Chisel chisel = ChiselLibrary.get(Util.last(name.names));
        if (chisel == null) {
            return; // Calcite says the table is not found
        }
        if (!chisel.hasStream()) {
            throw new SysqlException("chisel " + chisel.name() + " has no stream form: its rows come from the "
                    + "history, SELECT * FROM chisels." + chisel.name());
        }
        SqlNode query = parse(chisel, chisel.streamSql(args));
        SqlIdentifier as = alias != null ? alias : new SqlIdentifier(chisel.name(), SqlParserPos.ZERO);
        select.setFrom(SqlStdOperatorTable.AS.createCall(from.getParserPosition(), query, as));
    }

    private static SqlNode parse(Chisel chisel, String sql) {
        try {
            SqlNode query = SqlParser.create(sql, SysqlPrepare.PARSER_CONFIG).parseQuery();
            // substituted while the statement is validated, after the statement's own names were settled
            FieldNames.settleCase(query);
            return query;
        } catch (SqlParseException e) {
            throw new SysqlException("chisel " + chisel.name() + "'s stream does not parse: " + e.getMessage(), e);
        }
    }
}
