// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.chisel;

import java.math.BigDecimal;
import java.util.Locale;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import sysql.calcite.SysqlException;
import sysql.calcite.sql.SysqlPrepare;
import sysql.capture.fields.FieldCatalog;

/** How an argument's value is checked and written into a chisel's SQL, by its type. */
final class ChiselArgs {
    private ChiselArgs() {}

    static String sql(Chisel chisel, Chisel.Arg arg, String value) {
        String what = "chisel " + chisel.name() + ": " + arg.name().toUpperCase(Locale.ROOT) + " ";
        switch (arg.type()) {
            case FIELD:
                if (FieldCatalog.get(value) == null) {
                    throw new SysqlException(what + "'" + value + "' is no field; `sysql fields` lists them "
                            + "(e.g. proc.name, fd.name, evt.type)");
                }
                return '"' + value + '"';
            case NUMBER:
                try {
                    return new BigDecimal(value.strip()).toPlainString();
                } catch (NumberFormatException e) {
                    throw new SysqlException(what + "must be a number, not '" + value + "'");
                }
            case STRING:
                return "'" + value.replace("'", "''") + "'";
            case FILTER:
                return "(" + condition(what, value) + ")";
            default:
                throw new IllegalStateException(arg.type().toString());
        }
    }

    /** A filter argument: one SQL condition over the row's fields, nothing more (no closing parenthesis games). */
    private static String condition(String what, String value) {
        try {
            SqlParser.create(value, SysqlPrepare.PARSER_CONFIG).parseExpression();
        } catch (SqlParseException e) {
            throw new SysqlException(what + "must be one SQL condition, e.g. \"proc.name = 'nginx'\": "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        return value;
    }
}
