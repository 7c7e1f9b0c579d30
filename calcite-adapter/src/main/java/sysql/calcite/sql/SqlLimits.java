// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.fun.SqlCase;
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
     * How deep a statement's operations may nest, a chain of UNIONs or ORs nesting one deeper for each, and a CASE
     * (or COALESCE, which Calcite turns into one) one deeper for each of its branches: Calcite's validator and
     * planner recurse once per level, and a chain of 1,000 UNIONs or 2,000 ORs overflowed a thread's stack (1 MiB)
     * before this; Calcite compiles a CASE into conditionals nested once per branch, and its code generation and
     * Janino's compile, which nothing can cancel, grew with the square of the branches (a CASE of 600 branches took
     * 9 s, of 2,000 branches 152 s, to fail with "Compilation unit is nested too deeply"). sysql's chisels nest
     * about 15 deep.
     */
    public static final int MAX_DEPTH = 250;
    /**
     * How many operators (or set operations) one expression may chain, counted in the text before it is parsed:
     * Calcite's parser orders a chain's operators in time that grows with the square of its length (a 1 MB chain
     * of ORs kept it busy for 77 s, which nothing can cancel). Far above {@link #MAX_DEPTH}, which refuses such a
     * chain after the parse anyway, so that no statement the parser would have accepted is refused here.
     */
    public static final int MAX_CHAIN = 2_000;

    /**
     * Columns one select list may have, its stars expanded: the code Calcite generates for a row grows with them, and
     * generating and compiling it cannot be cancelled (3,000 computed columns took 14 s, 10,000 132 s, before
     * Janino's "Code grows beyond 64 KB"; 2,000 compile in about 7 s). SELECT * of the events table has 155.
     */
    public static final int MAX_COLUMNS = 2_000;

    /**
     * Correlated subqueries one statement may have (a subquery that reads a column of the query around it, as
     * {@code (SELECT COUNT(*) FROM t x WHERE x.k = a.k)}): Calcite's decorrelation doubles the plan with each, or
     * triples it when the correlation is not an equality, in steps nothing can cancel (12 counting subqueries took 4 s
     * to plan, 16 took 46 s and 40 more than 10 minutes; 11 subqueries correlated by {@code >} took 21 s, 12 more than
     * 2 minutes). 8 plan in about a second at worst.
     */
    public static final int MAX_CORRELATED_SUBQUERIES = 8;

    private SqlLimits() {}

    /** Refuses a statement of more than {@link #MAX_CORRELATED_SUBQUERIES} correlated subqueries. */
    public static void checkCorrelatedSubqueries(int subqueries) {
        if (subqueries > MAX_CORRELATED_SUBQUERIES) {
            throw new SysqlException("the statement has " + subqueries + " correlated subqueries, more than the "
                    + MAX_CORRELATED_SUBQUERIES + " one may have: join each table once to a grouped subquery instead "
                    + "(LEFT JOIN (SELECT k, COUNT(*) AS n FROM t GROUP BY k) c ON c.k = a.k)");
        }
    }

    /** Refuses a select list of more than {@link #MAX_COLUMNS} columns. */
    public static void checkColumns(int columns) {
        if (columns > MAX_COLUMNS) {
            throw new SysqlException("a select list has " + columns + " columns, more than the " + MAX_COLUMNS
                    + " one may have: select the columns you need, or split the query");
        }
    }

    /**
     * How many levels deeper than one the operands of {@code node} are, compiled: a CASE's branches (its WHENs) and a
     * COALESCE's operands each nest one level of conditionals in the generated code.
     */
    private static int branches(SqlNode node) {
        if (node instanceof SqlCase c) {
            return c.getWhenOperands().size();
        }
        // before validation a COALESCE may still be an unresolved function of that name
        if (node instanceof SqlCall call
                && (call.getKind() == SqlKind.COALESCE
                        || call.getOperator().getName().equalsIgnoreCase("COALESCE"))) {
            return call.operandCount();
        }
        return 0;
    }

    /** Whether {@code sql} is short enough to parse, and chains few enough operators. */
    public static boolean textFits(String sql) {
        return sql.length() <= MAX_CHARS && longestChain(sql) <= MAX_CHAIN;
    }

    /** Refuses a statement longer than {@link #MAX_CHARS}, or chaining more than {@link #MAX_CHAIN} operators. */
    public static void checkText(String sql) {
        if (sql.length() > MAX_CHARS) {
            throw new SysqlException("the statement has " + sql.length() + " characters, more than the "
                    + MAX_CHARS + " a statement may have: for a long list of values, filter with a shorter condition"
                    + " (LIKE, a range) or join with a table");
        }
        if (longestChain(sql) > MAX_CHAIN) {
            throw new SysqlException("the statement chains more than " + MAX_CHAIN + " operators or UNIONs in one"
                    + " expression: write a long OR of values as IN (...), and split a long UNION into several"
                    + " statements");
        }
    }

    /** Words that begin another part of a statement: an expression's operator chain ends before each. */
    private static final Set<String> CLAUSE_WORDS = Set.of(
            "select",
            "from",
            "where",
            "group",
            "by",
            "having",
            "order",
            "limit",
            "offset",
            "fetch",
            "window",
            "case",
            "when",
            "then",
            "else",
            "end",
            "on",
            "using",
            "join",
            "values",
            "as",
            "with",
            "over",
            "partition");

    private static final Set<String> SET_WORDS = Set.of("union", "intersect", "except", "minus");

    /**
     * The longest chain of operators (or of UNION, INTERSECT, EXCEPT) at one level of parentheses in {@code sql},
     * found without parsing, over {@link SqlScript}'s words (literals, quoted names and comments left out): a chain
     * of operators ended by a comma or a clause's word, a parenthesised part counted apart from the chain around it.
     */
    public static int longestChain(String sql) {
        int[] operators = new int[16]; // per open parenthesis: the operators of the current chain
        int[] setOperations = new int[16]; // and its set operations
        int level = 0;
        int longest = 0;
        String previous = "";
        for (String word : SqlScript.words(sql)) {
            switch (word) {
                case "(" -> {
                    level++;
                    if (level == operators.length) {
                        operators = Arrays.copyOf(operators, level * 2);
                        setOperations = Arrays.copyOf(setOperations, level * 2);
                    }
                    operators[level] = 0;
                    setOperations[level] = 0;
                }
                case ")" -> level = Math.max(0, level - 1);
                case "," -> operators[level] = 0;
                case ";" -> {
                    operators[level] = 0;
                    setOperations[level] = 0;
                }
                case "and", "or" -> longest = Math.max(longest, ++operators[level]);
                default -> {
                    if (SET_WORDS.contains(word)) {
                        longest = Math.max(longest, ++setOperations[level]);
                    } else if (CLAUSE_WORDS.contains(word)) {
                        operators[level] = 0;
                    } else if (word.length() == 1 && "+-*/%|=<>!".contains(word) && !secondOfPair(previous, word)) {
                        longest = Math.max(longest, ++operators[level]);
                    }
                }
            }
            previous = word;
        }
        return longest;
    }

    /** Whether {@code word} is the second character of a two-character operator ({@code <=}, {@code <>}, {@code ||}…). */
    private static boolean secondOfPair(String previous, String word) {
        return ((word.equals("=") || word.equals(">")) && previous.length() == 1 && "<>!".contains(previous))
                || (word.equals("|") && previous.equals("|"));
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
                            + " of UNIONs, ORs or operators, and each branch of a CASE or COALESCE, nests one deeper):"
                            + " write a long OR of values as IN (...), a long CASE as a join with a table of its"
                            + " values, and split a long UNION into several statements");
                }
            }
            int below = depth + 1 + branches(node);
            for (SqlNode operand : operands) {
                if (operand != null) {
                    pending.push(operand);
                    depths.push(below);
                }
            }
        }
    }
}
