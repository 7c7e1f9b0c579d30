// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.checkerframework.checker.nullness.qual.Nullable;
import sysql.calcite.SysqlException;

/**
 * The most SQL one statement may be, checked before the work grows with it: its text (checked before it is
 * parsed: a 12 MB OR chain kept a parser busy for minutes) and the expressions parsed from it (checked before
 * validation, planning and code generation: a million-value IN list took minutes and gigabytes before Janino gave
 * up on it), and how deep they nest (checked before validation: Calcite recurses once per level). Each refusal is one
 * line that says what to do instead.
 */
public final class SqlLimits {
    /** Characters of SQL text a statement may have (sysql's longest chisel has about 4,000). */
    public static final int MAX_CHARS = 1 << 20;
    /** Parsed nodes (names, literals, operators) a statement may have. */
    public static final int MAX_NODES = 100_000;
    /**
     * How deep a statement's operations may nest, a chain of UNIONs or ORs nesting one deeper for each: Calcite's
     * validator and planner recurse once per level, and a chain of 1,000 UNIONs or 2,000 ORs overflowed a thread's
     * stack (1 MiB) before this; sysql's chisels nest about 15 deep.
     */
    public static final int MAX_DEPTH = 250;

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

    /**
     * Refuses a parsed statement of more than {@link #MAX_NODES} nodes, or nested deeper than {@link #MAX_DEPTH}
     * (walked without recursion, so that no depth overflows the walk itself).
     */
    public static void checkNodes(SqlNode statement) {
        int nodes = 0;
        int deepest = 0;
        Deque<SqlNode> pending = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        pending.push(statement);
        depths.push(1);
        while (!pending.isEmpty()) {
            SqlNode node = pending.pop();
            int depth = depths.pop();
            if (++nodes > MAX_NODES) {
                throw new SysqlException("the statement has more than " + MAX_NODES
                        + " names, values and operators: for a long list of values, filter with a shorter"
                        + " condition (LIKE, a range) or join with a table");
            }
            List<? extends @Nullable SqlNode> operands = node instanceof SqlNodeList list
                    ? list.getList()
                    : node instanceof SqlCall call ? call.getOperandList() : List.of();
            if (operands.isEmpty()) {
                continue;
            }
            if (depth > deepest) {
                deepest = depth;
                if (deepest > MAX_DEPTH) {
                    throw new SysqlException("the statement nests more than " + MAX_DEPTH + " deep (each of a chain"
                            + " of UNIONs, ORs or operators nests one deeper): write a long OR of values as IN (...),"
                            + " and split a long UNION into several statements");
                }
            }
            for (SqlNode operand : operands) {
                if (operand != null) {
                    pending.push(operand);
                    depths.push(depth + 1);
                }
            }
        }
    }
}
