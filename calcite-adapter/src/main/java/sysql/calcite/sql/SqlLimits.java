// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import sysql.calcite.SysqlException;

/**
 * The most SQL one statement may be, checked before the work grows with it: its text (checked before it is
 * parsed: a 12 MB OR chain kept a parser busy for minutes) and the expressions parsed from it (checked before
 * validation, planning and code generation: a million-value IN list took minutes and gigabytes before Janino gave
 * up on it). Each refusal is one line that says what to do instead.
 */
public final class SqlLimits {
    /** Characters of SQL text a statement may have (sysql's longest chisel has about 4,000). */
    public static final int MAX_CHARS = 1 << 20;
    /** Parsed nodes (names, literals, operators) a statement may have. */
    public static final int MAX_NODES = 100_000;

    private SqlLimits() {}

    /** Whether {@code sql} is short enough to parse. */
    public static boolean textFits(String sql) {
        return sql.length() <= MAX_CHARS;
    }

    /** Refuses a statement longer than {@link #MAX_CHARS}. */
    public static void checkText(String sql) {
        if (!textFits(sql)) {
            throw new SysqlException("the statement has " + sql.length() + " characters, more than the "
                    + MAX_CHARS + " a statement may have: for a long list of values, filter with a shorter condition"
                    + " (LIKE, a range) or join with a table");
        }
    }

    /** Refuses a parsed statement of more than {@link #MAX_NODES} nodes. */
    public static void checkNodes(SqlNode statement) {
        int[] n = {0};
        statement.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                count();
                return super.visit(call);
            }

            @Override
            public Void visit(SqlNodeList list) {
                count();
                return super.visit(list);
            }

            @Override
            public Void visit(org.apache.calcite.sql.SqlLiteral literal) {
                count();
                return null;
            }

            @Override
            public Void visit(org.apache.calcite.sql.SqlIdentifier id) {
                count();
                return null;
            }

            private void count() {
                if (++n[0] > MAX_NODES) {
                    throw new SysqlException("the statement has more than " + MAX_NODES
                            + " names, values and operators: for a long list of values, filter with a shorter"
                            + " condition (LIKE, a range) or join with a table");
                }
            }
        });
    }
}
