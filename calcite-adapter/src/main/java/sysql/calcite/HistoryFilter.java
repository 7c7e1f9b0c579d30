// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.util.Util;
import sysql.calcite.rel.KernelFilters;
import sysql.calcite.sql.FieldNames;
import sysql.calcite.sql.SysqlPrepare;
import sysql.capture.EventTypes;
import sysql.capture.engine.KernelFilter;

/**
 * The daemon's history filter: a WHERE condition, written as in a query ({@code evt.type NOT IN ('getppid',
 * 'futex')}), that says which events the history keeps. It must be what the kernel probe can keep, since the
 * probe applies it, with the probe's meaning: {@code evt.type} with =, <>, !=, IN, NOT IN (syscall names, as evt.type
 * shows them), {@code proc.pid}/{@code thread.tid} with = and IN (a thread is kept when its tid or its pid is one of
 * them: {@code thread.tid = P}, P a process's pid, keeps all of its threads) and {@code proc.name} with = and IN
 * (the thread's own name, its comm: a thread that renamed itself is not kept), combined with AND (at most one condition on the threads) and with OR where the
 * union is exact (conditions on the same field, or parts that differ in the syscalls only or in the threads only).
 * Anything else is refused with one line that names the part the kernel cannot keep.
 *
 * <p>The events the state needs (the state syscalls and every event that is no syscall) are recorded whatever the
 * filter says: see {@code CaptureHub.Options}.
 */
public final class HistoryFilter {
    /** What the filter accepts, the end of every refusal. */
    public static final String ACCEPTED = "the history filter takes evt.type, proc.pid, thread.tid and proc.name"
            + " with =, <>, IN, NOT IN, AND (and OR within one field)";

    private final String text;

    private HistoryFilter(String text) {
        this.text = text;
    }

    /**
     * The kernel filter {@code where} denotes; {@link KernelFilter#ALL} for null or blank.
     *
     * @throws SysqlException (one line) when the condition does not parse or the kernel cannot keep it
     */
    public static KernelFilter parse(String where) {
        if (where == null || where.isBlank()) {
            return KernelFilter.ALL;
        }
        SqlNode node;
        try {
            node = SqlParser.create(where, SysqlPrepare.PARSER_CONFIG).parseExpression();
        } catch (SqlParseException e) {
            throw new SysqlException("history filter: \"" + oneLine(where) + "\" is not one SQL condition ("
                    + e.getMessage().lines().findFirst().orElse("") + "); e.g. evt.type NOT IN ('getppid', 'futex')");
        }
        FieldNames.settleCase(node);
        node.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlIdentifier id) {
                String problem = FieldNames.problem(Util.last(id.names));
                if (problem != null) {
                    throw new SysqlException("history filter: " + problem);
                }
                return null;
            }
        });
        return new HistoryFilter(where).filter(node);
    }

    private KernelFilter filter(SqlNode n) {
        KernelFilters.Names names = names(n);
        if (names != null) {
            return kernelFilter(names, n);
        }
        switch (n.getKind()) {
            case AND: {
                KernelFilter k = KernelFilter.ALL;
                for (SqlNode op : ((SqlCall) n).getOperandList()) {
                    KernelFilter part = filter(op);
                    if (!k.allThreads() && !part.allThreads()) {
                        throw refused(
                                n, "says twice which threads to keep, which the kernel cannot (give one IN list)");
                    }
                    k = k.and(part);
                }
                return k;
            }
            case OR: {
                KernelFilter k = null;
                for (SqlNode op : ((SqlCall) n).getOperandList()) {
                    KernelFilter part = filter(op);
                    k = k == null ? part : exactUnion(k, part);
                    if (k == null) {
                        throw refused(
                                n,
                                "cannot be kept by the kernel (an OR of conditions on different fields keeps more than"
                                        + " it says)");
                    }
                }
                return k;
            }
            default:
                throw refused(n, "cannot be kept by the kernel");
        }
    }

    /** {@code a} or {@code b} when a kernel filter says exactly that, else null. */
    private static KernelFilter exactUnion(KernelFilter a, KernelFilter b) {
        if (a.within(b)) {
            return b;
        }
        if (b.within(a)) {
            return a;
        }
        boolean sameSyscalls = Objects.equals(a.syscalls(), b.syscalls());
        boolean sameThreads = Objects.equals(a.pids(), b.pids()) && Objects.equals(a.comms(), b.comms());
        return sameSyscalls || sameThreads ? a.union(b) : null;
    }

    /** A condition on one field's values (=, <>, IN, NOT IN, their OR and NOT), or null. */
    private KernelFilters.Names names(SqlNode n) {
        if (!(n instanceof SqlCall call)) {
            return null;
        }
        List<SqlNode> ops = call.getOperandList();
        switch (n.getKind()) {
            case EQUALS, NOT_EQUALS: {
                String field = field(ops.get(0));
                SqlNode value = ops.get(1);
                if (field == null) {
                    field = field(ops.get(1));
                    value = ops.get(0);
                }
                if (field == null || !(value instanceof SqlLiteral)) {
                    return null;
                }
                return new KernelFilters.Names(
                        field, Set.of(value(field, value, n)), n.getKind() == SqlKind.NOT_EQUALS);
            }
            case IN, NOT_IN: {
                String field = field(ops.get(0));
                if (field == null || !(ops.get(1) instanceof SqlNodeList list)) {
                    return null;
                }
                Set<String> values = new HashSet<>();
                for (SqlNode v : list) {
                    if (!(v instanceof SqlLiteral)) {
                        return null;
                    }
                    values.add(value(field, v, n));
                }
                return new KernelFilters.Names(field, values, n.getKind() == SqlKind.NOT_IN);
            }
            case OR:
                return KernelFilters.Names.unionOf(ops, this::names);
            case NOT: {
                KernelFilters.Names inner = names(ops.get(0));
                return inner == null ? null : inner.negate();
            }
            default:
                return null;
        }
    }

    /** One of the fields the kernel filters on, or null. */
    private static String field(SqlNode n) {
        if (n instanceof SqlIdentifier id && id.isSimple()) {
            String name = id.getSimple();
            return switch (name) {
                case "evt.type", "proc.pid", "thread.tid", "proc.name" -> name;
                default -> null;
            };
        }
        return null;
    }

    /** A literal as the field's value text: a syscall name, a whole number, a thread name. */
    private String value(String field, SqlNode v, SqlNode condition) {
        boolean number = field.equals("proc.pid") || field.equals("thread.tid");
        if (number && v instanceof SqlNumericLiteral num && num.isExact()) {
            BigDecimal d = num.getValueAs(BigDecimal.class);
            try {
                return Long.toString(d.longValueExact());
            } catch (ArithmeticException e) {
                // reported below
            }
        }
        if (!number && v instanceof SqlCharStringLiteral s) {
            return s.getValueAs(String.class);
        }
        throw refused(
                condition,
                "compares " + field + " with " + span(v) + ": give " + field
                        + (number ? " whole numbers" : " strings in single quotes"));
    }

    /** What the kernel keeps for {@code names}, said by {@code n}; refused when it cannot say it. */
    private KernelFilter kernelFilter(KernelFilters.Names names, SqlNode n) {
        if (names.field().equals("evt.type")) {
            for (String v : names.values()) {
                checkSyscall(v, n);
            }
        }
        KernelFilter k = names.kernelFilter();
        if (k == null) {
            throw refused(
                    n,
                    names.complemented()
                            ? "cannot be kept by the kernel (it keeps a list of threads, not all but some)"
                            : "cannot be kept by the kernel (too many threads)");
        }
        return k;
    }

    private void checkSyscall(String name, SqlNode condition) {
        if (KernelFilters.isSyscallEventName(name)) {
            return;
        }
        int nr = EventTypes.syscallNumber(name);
        String hint;
        if (nr >= 0 && EventTypes.syscallEventName(nr) != null) {
            hint = "evt.type calls syscall " + name + " '" + EventTypes.syscallEventName(nr) + "'";
        } else if (EventTypes.all().stream().anyMatch(t -> t.name().equals(name))) {
            hint = "it is no syscall, and the history keeps every event that is no syscall anyway";
        } else {
            hint = "give syscall names as evt.type shows them (the event_types table lists them)";
        }
        throw new SysqlException("history filter: unknown syscall '" + name + "' in " + span(condition) + ": " + hint);
    }

    private SysqlException refused(SqlNode part, String why) {
        return new SysqlException("history filter: " + span(part) + " " + why + "; " + ACCEPTED);
    }

    /** The user's text of {@code n} (on one line). */
    private String span(SqlNode n) {
        SqlParserPos pos = extent(n);
        try {
            int from = offset(pos.getLineNum(), pos.getColumnNum());
            int to = offset(pos.getEndLineNum(), pos.getEndColumnNum());
            if (from >= 0 && to >= from && to < text.length()) {
                String s = text.substring(from, to + 1);
                // a closing parenthesis or quote the parser's position leaves out
                return oneLine(balance(s, to + 1));
            }
        } catch (RuntimeException e) {
            // a position outside the text: say it as Calcite writes it
        }
        return oneLine(n.toString());
    }

    /** {@code s} (text up to {@code end}) with the closing parentheses it opened and left open, when they follow. */
    private String balance(String s, int end) {
        int open = 0;
        boolean quoted = false;
        for (char c : s.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                open++;
            } else if (!quoted && c == ')') {
                open--;
            }
        }
        StringBuilder sb = new StringBuilder(s);
        int i = end;
        while (open > 0 && i < text.length()) {
            char c = text.charAt(i++);
            sb.append(c);
            if (c == ')') {
                open--;
            }
        }
        return sb.toString().strip();
    }

    /** The offset in {@link #text} of 1-based {@code line} and {@code column}. */
    private int offset(int line, int column) {
        int at = 0;
        for (int l = 1; l < line; l++) {
            at = text.indexOf('\n', at) + 1;
            if (at == 0) {
                return -1;
            }
        }
        return at + column - 1;
    }

    /** The position from the first to the last character of {@code n} and its operands. */
    private static SqlParserPos extent(SqlNode n) {
        SqlParserPos pos = n.getParserPosition();
        List<SqlNode> parts = n instanceof SqlCall call
                ? call.getOperandList()
                : n instanceof SqlNodeList list ? list.getList() : List.of();
        for (SqlNode part : parts) {
            SqlParserPos p = part == null ? SqlParserPos.ZERO : extent(part);
            if (p.getLineNum() > 0) {
                pos = pos.getLineNum() > 0 ? pos.plus(p) : p;
            }
        }
        return pos;
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
