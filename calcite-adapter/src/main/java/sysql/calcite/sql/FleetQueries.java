// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSelectKeyword;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.parser.SqlParserUtil;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.util.Litmus;
import sysql.calcite.SysqlException;

/**
 * One streaming query split for a fleet ({@code sysql fleet}): the part every host runs on its own events, and what
 * the global part (Flink SQL over the hosts' rows) does with them.
 *
 * <p>Two shapes split:
 * <ul>
 *   <li>Rows: {@code SELECT STREAM exprs FROM events WHERE …}. Each host runs the filter and the projection; the
 *       global part is the union of the hosts' rows.
 *   <li>Windows: {@code SELECT STREAM … FROM events WHERE … GROUP BY TUMBLE(evt.time, size) | HOP(evt.time, slide,
 *       size), keys…} selecting the window's bounds, GROUP BY expressions and the aggregates COUNT, SUM, MIN, MAX
 *       and AVG. Each host computes a partial aggregate per window and key (AVG as a sum and a count); the global
 *       part adds the partials up per window and key.
 * </ul>
 * In both, {@code host.name} and {@code host.id} name the host a row comes from: selected, grouped by, or compared
 * in WHERE conditions of their own (joined to the others by AND), they are the global part's. Anything else (joins,
 * subqueries, DISTINCT, ORDER BY, HAVING, an aggregate inside an expression, COUNT(DISTINCT …), a session window)
 * is refused with the reason. The host part is the user's own text (each expression as written), so it means on
 * every host what it means on one.
 */
public final class FleetQueries {
    private FleetQueries() {}

    /** The columns a host part names (besides the user's expressions: c0, c1... in rows, k/a in windows). */
    public static final String WINDOW_START = "w_start";

    public static final String WINDOW_END = "w_end";
    /** A host part's row count per window and key: never NULL in a partial, so a host's tick row is told apart. */
    public static final String ROWS = "n";

    public static final Set<String> HOST_COLUMNS = Set.of("host.name", "host.id");

    private static final Set<String> WINDOWS = Set.of("TUMBLE", "HOP");
    private static final Set<String> STARTS = Set.of("TUMBLE_START", "HOP_START");
    private static final Set<String> ENDS = Set.of("TUMBLE_END", "HOP_END");
    private static final Set<String> AGGREGATES = Set.of("COUNT", "SUM", "MIN", "MAX", "AVG");
    /** The most windows a HOP puts each event in (size / slide). */
    static final int MAX_WINDOWS_PER_ROW = 1000;
    /** Aggregate functions by name (the parser leaves most calls unresolved). */
    private static final Set<String> AGGREGATE_NAMES = Set.of(
            "COUNT",
            "SUM",
            "SUM0",
            "MIN",
            "MAX",
            "AVG",
            "STDDEV",
            "STDDEV_POP",
            "STDDEV_SAMP",
            "VARIANCE",
            "VAR_POP",
            "VAR_SAMP",
            "ANY_VALUE",
            "ARRAY_AGG",
            "STRING_AGG",
            "LISTAGG",
            "BIT_AND",
            "BIT_OR",
            "BIT_XOR",
            "EVERY",
            "SOME",
            "BOOL_AND",
            "BOOL_OR",
            "COLLECT",
            "MODE",
            "PERCENTILE_CONT",
            "PERCENTILE_DISC",
            "APPROX_COUNT_DISTINCT",
            "COUNTIF",
            "LOGICAL_AND",
            "LOGICAL_OR");

    /** What an output column of the fleet query is. */
    public enum Role {
        /** A row's value (rows shape): the host part's column {@link Output#column()}. */
        VALUE,
        WINDOW_START,
        WINDOW_END,
        /** A GROUP BY expression, computed by the host as {@link Output#column()}. */
        KEY,
        /** {@code host.name} or {@code host.id}, as the records carry it. */
        HOST,
        /** An aggregate of {@link Output#function()} over the partials in {@link Output#column()} (AVG: and count). */
        AGGREGATE
    }

    /**
     * One column of the fleet query's rows, in the user's order.
     *
     * @param label the column's name in the results (the alias, a field's name, PostgreSQL's name of an aggregate)
     * @param column the host part's column that holds it (or the record's host column)
     * @param function COUNT, SUM, MIN, MAX or AVG for an aggregate, else null
     * @param countColumn for AVG, the host part's count of the values summed in {@code column}
     */
    public record Output(String label, Role role, String column, String function, String countColumn) {}

    /**
     * A window: its function (TUMBLE or HOP) and its slide and size as the user wrote them ({@code INTERVAL '1'
     * MINUTE}) and in milliseconds; a tumbling window's slide is its size.
     */
    public record Window(String function, String slide, String size, long slideMillis, long sizeMillis) {}

    /**
     * The split.
     *
     * @param hostSql what every host runs (its columns: the outputs' columns, and for windows {@link #WINDOW_START},
     *     {@link #WINDOW_END} and {@link #ROWS})
     * @param outputs the fleet query's columns in order
     * @param window null for the rows shape
     * @param groupColumns the host part's columns the global part groups by besides the window (the keys), and the
     *     host columns grouped by
     * @param hostFilters the WHERE conditions on host.name / host.id, as written, for the global part
     * @param limit the rows the fleet query ends after, or -1
     */
    public record Split(
            String hostSql,
            List<Output> outputs,
            Window window,
            List<String> groupColumns,
            List<String> hostFilters,
            long limit) {}

    /** Splits {@code sql}; a query that cannot be split is a {@link SysqlException} saying why, in one line. */
    public static Split split(String sql) {
        SqlNode node;
        try {
            node = SqlParser.create(sql, SysqlPrepare.PARSER_CONFIG).parseQuery();
        } catch (SqlParseException e) {
            throw new SysqlException(e.getMessage().lines().findFirst().orElse("the query does not parse"));
        }
        return new Splitter(sql).split(node);
    }

    private static final class Splitter {
        private final String sql;

        Splitter(String sql) {
            this.sql = sql;
        }

        Split split(SqlNode node) {
            long limit = -1;
            if (node instanceof SqlOrderBy order) {
                if (order.orderList != null && !order.orderList.isEmpty()) {
                    throw refused("ORDER BY: a fleet query's rows come as the hosts' windows close; leave it out "
                            + "(or write the ordering in Flink SQL over the topic)");
                }
                if (order.offset != null) {
                    throw refused("OFFSET: leave it out");
                }
                if (order.fetch != null) {
                    if (!(order.fetch instanceof SqlNumericLiteral n)
                            || !n.isInteger()
                            || n.bigDecimalValue() == null
                            || n.bigDecimalValue().signum() < 0
                            || n.bigDecimalValue().compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                        throw refused("LIMIT takes a whole number of rows here, 0 or more");
                    }
                    limit = n.bigDecimalValue().longValueExact();
                }
                node = order.query;
            }
            if (!(node instanceof SqlSelect select) || !select.isKeywordPresent(SqlSelectKeyword.STREAM)) {
                throw refused(
                        "a fleet query is a SELECT STREAM over the hosts' events (SELECT STREAM … FROM events …)");
            }
            requireNoSubquery(select.getSelectList());
            if (select.getWhere() != null) {
                requireNoSubquery(select.getWhere());
            }
            if (select.getGroup() != null) {
                requireNoSubquery(select.getGroup());
            }
            if (select.isDistinct()) {
                throw refused("SELECT DISTINCT: each host would keep its own distinct rows; leave DISTINCT out");
            }
            if (!(select.getFrom() instanceof SqlIdentifier from)
                    || !from.names.get(from.names.size() - 1).equalsIgnoreCase("events")) {
                throw refused("a fleet query reads each host's events: FROM events (joins, subqueries and other "
                        + "tables do not split)");
            }
            List<String> hostConditions = new ArrayList<>();
            List<String> hostFilters = new ArrayList<>();
            if (select.getWhere() != null) {
                for (SqlNode c : conjuncts(select.getWhere())) {
                    Names n = names(c);
                    if (n.host && n.other) {
                        throw refused(text(c) + " compares host.name or host.id with a host's own fields: write the "
                                + "conditions on the host apart, joined by AND");
                    }
                    (n.host ? hostFilters : hostConditions).add(text(c));
                }
            }
            if (select.getHaving() != null) {
                throw refused("HAVING: not split yet; filter the fleet query's rows in Flink SQL over the topic");
            }
            String where = hostConditions.isEmpty()
                    ? ""
                    : " WHERE "
                            + String.join(
                                    " AND ",
                                    hostConditions.stream()
                                            .map(c -> "(" + c + ")")
                                            .toList());
            return select.getGroup() == null || select.getGroup().isEmpty()
                    ? rows(select, where, hostFilters, limit)
                    : windows(select, where, hostFilters, limit);
        }

        private Split rows(SqlSelect select, String where, List<String> hostFilters, long limit) {
            List<Output> outputs = new ArrayList<>();
            List<String> columns = new ArrayList<>();
            for (SqlNode item : select.getSelectList()) {
                Item it = item(item);
                if (it.expr instanceof SqlIdentifier id && id.isStar()) {
                    throw refused("* in a fleet query: name the columns (a host sends only what is selected)");
                }
                if (hostColumn(it.expr) != null) {
                    outputs.add(new Output(label(it), Role.HOST, hostColumn(it.expr), null, null));
                    continue;
                }
                if (containsAggregate(it.expr)) {
                    throw refused(text(it.expr) + " aggregates a stream that never ends: group by a window, e.g. GROUP "
                            + "BY TUMBLE(evt.time, INTERVAL '1' MINUTE)");
                }
                requireNoHost(it.expr);
                String column = "c" + columns.size();
                columns.add(text(it.expr) + " AS " + column);
                outputs.add(new Output(label(it), Role.VALUE, column, null, null));
            }
            if (columns.isEmpty()) {
                throw refused("the query selects nothing from the hosts' events: select a field");
            }
            String host = "SELECT STREAM " + String.join(", ", columns) + " FROM events" + where;
            return new Split(host, outputs, null, List.of(), hostFilters, limit);
        }

        private Split windows(SqlSelect select, String where, List<String> hostFilters, long limit) {
            SqlCall window = null;
            List<SqlNode> keys = new ArrayList<>();
            List<String> hostKeys = new ArrayList<>();
            for (SqlNode g : select.getGroup()) {
                if (g instanceof SqlCall call && name(call).equals("SESSION")) {
                    throw refused("a SESSION window: a session on one host is not a session of the fleet; use "
                            + "TUMBLE or HOP");
                }
                if (g instanceof SqlCall call && WINDOWS.contains(name(call))) {
                    if (window != null) {
                        throw refused("GROUP BY has two windows: keep one");
                    }
                    window = call;
                } else if (hostColumn(g) != null) {
                    hostKeys.add(hostColumn(g));
                } else {
                    requireNoHost(g);
                    keys.add(g);
                }
            }
            if (window == null) {
                throw refused("GROUP BY without a window never ends on a stream: add TUMBLE(evt.time, INTERVAL '1' "
                        + "MINUTE) (or HOP) to it");
            }
            List<SqlNode> args = window.getOperandList();
            if (args.size() != (name(window).equals("TUMBLE") ? 2 : 3)) {
                throw refused(text(window) + ": give the window its time and size only ("
                        + (name(window).equals("TUMBLE") ? "TUMBLE(evt.time, size)" : "HOP(evt.time, slide, size)")
                        + ")");
            }
            String windowArgs = text(args.get(0), args.get(args.size() - 1));
            SqlNode slide = args.get(1);
            SqlNode size = args.get(args.size() - 1);
            Window w = new Window(name(window), text(slide), text(size), millis(slide), millis(size));
            if (w.sizeMillis() % w.slideMillis() != 0 || w.sizeMillis() / w.slideMillis() > MAX_WINDOWS_PER_ROW) {
                throw refused(text(window) + ": a HOP's size must be a whole number of its slides, at most "
                        + MAX_WINDOWS_PER_ROW + " (each event is in size/slide windows)");
            }
            List<String> columns = new ArrayList<>();
            String fn = name(window);
            columns.add(fn + "_START(" + windowArgs + ") AS " + WINDOW_START);
            columns.add(fn + "_END(" + windowArgs + ") AS " + WINDOW_END);
            columns.add("COUNT(*) AS " + ROWS);
            List<String> keyColumns = new ArrayList<>();
            for (int j = 0; j < keys.size(); j++) {
                keyColumns.add("k" + j);
                columns.add(text(keys.get(j)) + " AS k" + j);
            }
            List<Output> outputs = new ArrayList<>();
            int partials = 0;
            for (SqlNode item : select.getSelectList()) {
                Item it = item(item);
                SqlNode e = it.expr;
                if (e instanceof SqlIdentifier id && id.isStar()) {
                    throw refused("* in a fleet query: name the window's bounds, keys and aggregates");
                }
                if (e instanceof SqlCall call && (STARTS.contains(name(call)) || ENDS.contains(name(call)))) {
                    boolean start = STARTS.contains(name(call));
                    if (!name(call).startsWith(fn + "_") || !sameOperands(call, window)) {
                        throw refused(text(e) + " is not the bound of the GROUP BY's window " + text(window)
                                + ": give it the same arguments");
                    }
                    outputs.add(new Output(
                            it.alias != null ? it.alias : start ? "window_start" : "window_end",
                            start ? Role.WINDOW_START : Role.WINDOW_END,
                            start ? WINDOW_START : WINDOW_END,
                            null,
                            null));
                    continue;
                }
                if (hostColumn(e) != null) {
                    if (!hostKeys.contains(hostColumn(e))) {
                        throw refused(hostColumn(e) + " is selected but not in GROUP BY: add it there");
                    }
                    outputs.add(new Output(label(it), Role.HOST, hostColumn(e), null, null));
                    continue;
                }
                int key = indexOf(keys, e);
                if (key >= 0) {
                    outputs.add(new Output(label(it), Role.KEY, "k" + key, null, null));
                    continue;
                }
                if (!(e instanceof SqlCall call) || !AGGREGATES.contains(name(call))) {
                    throw refused(text(e) + " is neither a window bound, a GROUP BY expression nor an aggregate "
                            + "(COUNT, SUM, MIN, MAX, AVG) alone: a fleet query's select list has only those");
                }
                if (call.getFunctionQuantifier() != null
                        && call.getFunctionQuantifier().getValue().toString().equals("DISTINCT")) {
                    throw refused(text(e) + ": a distinct count needs every host's values in one place; count "
                            + "them without DISTINCT, or group by the value");
                }
                for (SqlNode operand : call.getOperandList()) {
                    if (operand != null && containsAggregate(operand)) {
                        throw refused(text(e) + " nests an aggregate: write each aggregate alone");
                    }
                    if (operand != null) {
                        requireNoHost(operand);
                    }
                }
                String function = name(call);
                if (call.getOperandList().size() > 1) {
                    throw refused(text(e) + ": " + function + " of one argument only");
                }
                String argument =
                        call.getOperandList().isEmpty() || (call.operand(0) instanceof SqlIdentifier id && id.isStar())
                                ? "*"
                                : text(call.operand(0));
                String column = "a" + partials++;
                String label = it.alias != null ? it.alias : aggregateLabel(call);
                if (function.equals("AVG")) {
                    columns.add("SUM(" + argument + ") AS " + column);
                    columns.add("COUNT(" + argument + ") AS " + column + "_n");
                    outputs.add(new Output(label, Role.AGGREGATE, column, function, column + "_n"));
                } else {
                    columns.add(function + "(" + argument + ") AS " + column);
                    outputs.add(new Output(label, Role.AGGREGATE, column, function, null));
                }
            }
            StringBuilder host = new StringBuilder("SELECT STREAM ")
                    .append(String.join(", ", columns))
                    .append(" FROM events")
                    .append(where)
                    .append(" GROUP BY ")
                    .append(text(window));
            for (SqlNode k : keys) {
                host.append(", ").append(text(k));
            }
            List<String> groups = new ArrayList<>(keyColumns);
            groups.addAll(hostKeys);
            return new Split(host.toString(), outputs, w, groups, hostFilters, limit);
        }

        /** The original text of a node (as the user wrote it). */
        private String text(SqlNode n) {
            return text(n, n);
        }

        /** The original text from the start of {@code first} to the end of {@code last}. */
        private String text(SqlNode first, SqlNode last) {
            SqlParserPos a = first.getParserPosition();
            SqlParserPos b = last.getParserPosition();
            int from = SqlParserUtil.lineColToIndex(sql, a.getLineNum(), a.getColumnNum());
            int to = SqlParserUtil.lineColToIndex(sql, b.getEndLineNum(), b.getEndColumnNum()) + 1;
            // an operator call's position is its operator's; widen to its operands
            if (first instanceof SqlCall call && !call.getOperandList().isEmpty()) {
                for (SqlNode o : call.getOperandList()) {
                    if (o != null && !o.getParserPosition().equals(SqlParserPos.ZERO)) {
                        SqlParserPos p = o.getParserPosition();
                        from = Math.min(from, SqlParserUtil.lineColToIndex(sql, p.getLineNum(), p.getColumnNum()));
                    }
                }
            }
            if (last instanceof SqlCall call && !call.getOperandList().isEmpty()) {
                for (SqlNode o : call.getOperandList()) {
                    if (o != null && !o.getParserPosition().equals(SqlParserPos.ZERO)) {
                        SqlParserPos p = o.getParserPosition();
                        to = Math.max(
                                to, SqlParserUtil.lineColToIndex(sql, p.getEndLineNum(), p.getEndColumnNum()) + 1);
                    }
                }
            }
            return balance(sql.substring(from, Math.min(to, sql.length())).trim());
        }

        /** A slice that ends inside parentheses it opened is closed (a call whose position stops at its last operand). */
        private String balance(String s) {
            int depth = 0;
            boolean quoted = false;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\'') {
                    quoted = !quoted;
                } else if (!quoted && c == '(') {
                    depth++;
                } else if (!quoted && c == ')') {
                    depth--;
                }
            }
            return depth > 0 ? s + ")".repeat(depth) : s;
        }

        /** An interval literal's milliseconds (a window's slide or size). */
        private long millis(SqlNode interval) {
            if (interval instanceof SqlIntervalLiteral literal
                    && literal.getTypeName().getFamily() == SqlTypeFamily.INTERVAL_DAY_TIME) {
                Long ms = literal.getValueAs(Long.class);
                if (ms != null && ms > 0) {
                    return ms;
                }
            }
            throw refused(text(interval) + " is not a window size this splits: write an interval literal such as "
                    + "INTERVAL '1' MINUTE");
        }

        private SysqlException refused(String why) {
            return new SysqlException("cannot split this query for a fleet: " + why);
        }

        private void requireNoHost(SqlNode n) {
            if (names(n).host) {
                throw refused(text(n) + " uses host.name or host.id inside an expression: a host's part cannot see "
                        + "them; select, group by or compare them alone");
            }
        }

        private String label(Item it) {
            if (it.alias != null) {
                return it.alias;
            }
            if (it.expr instanceof SqlIdentifier id) {
                return String.join(".", id.names);
            }
            return text(it.expr);
        }
    }

    /** A select item: its expression and alias (null without AS). */
    private record Item(SqlNode expr, String alias) {}

    private static Item item(SqlNode item) {
        if (item.getKind() == SqlKind.AS) {
            SqlCall as = (SqlCall) item;
            return new Item(as.operand(0), ((SqlIdentifier) as.operand(1)).getSimple());
        }
        return new Item(item, null);
    }

    /**
     * PostgreSQL's name of an aggregate, as sysql labels one without AS ({@code SysqlValidator}'s rule: {@code
     * SUM(evt.buflen)} is {@code sum_evt_buflen}, {@code COUNT(*)} is {@code count}).
     */
    private static String aggregateLabel(SqlCall call) {
        String name = name(call).toLowerCase(Locale.ROOT);
        List<SqlNode> args = call.getOperandList();
        if (args.size() == 1 && args.get(0) instanceof SqlIdentifier id && !id.isStar()) {
            return name + "_" + id.names.get(id.names.size() - 1).replaceAll("[^\\p{L}\\p{N}_]", "_");
        }
        return name;
    }

    private static boolean sameOperands(SqlCall a, SqlCall b) {
        List<SqlNode> x = a.getOperandList();
        List<SqlNode> y = b.getOperandList();
        if (x.size() != y.size()) {
            return false;
        }
        for (int i = 0; i < x.size(); i++) {
            if (!x.get(i).equalsDeep(y.get(i), Litmus.IGNORE)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Refuses a subquery or a table function anywhere in {@code n}: a host part reads the host's events only (it
     * comes to the agents from the control topic, and must not reach their other tables).
     */
    private static void requireNoSubquery(SqlNode n) {
        n.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                if (call instanceof SqlSelect
                        || call.getKind().belongsTo(SqlKind.QUERY)
                        || call.getKind() == SqlKind.COLLECTION_TABLE
                        || call.getKind() == SqlKind.EXISTS
                        || call.getKind() == SqlKind.SCALAR_QUERY) {
                    throw new SysqlException("cannot split this query for a fleet: a subquery or table function: a "
                            + "host's part reads its events only");
                }
                return super.visit(call);
            }
        });
    }

    private static int indexOf(List<SqlNode> keys, SqlNode e) {
        for (int j = 0; j < keys.size(); j++) {
            if (keys.get(j).equalsDeep(e, Litmus.IGNORE)) {
                return j;
            }
        }
        return -1;
    }

    /** host.name or host.id if {@code n} is that column alone, else null. */
    private static String hostColumn(SqlNode n) {
        if (n instanceof SqlIdentifier id && !id.isStar()) {
            String name = String.join(".", id.names).toLowerCase(Locale.ROOT);
            return HOST_COLUMNS.contains(name) ? name : null;
        }
        return null;
    }

    private static List<SqlNode> conjuncts(SqlNode n) {
        List<SqlNode> out = new ArrayList<>();
        if (n.getKind() == SqlKind.AND) {
            for (SqlNode o : ((SqlCall) n).getOperandList()) {
                out.addAll(conjuncts(o));
            }
        } else {
            out.add(n);
        }
        return out;
    }

    /** Which identifiers a node uses: the host's columns, others. */
    private static final class Names {
        boolean host;
        boolean other;
    }

    private static Names names(SqlNode n) {
        Names names = new Names();
        n.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlIdentifier id) {
                if (hostColumn(id) != null) {
                    names.host = true;
                } else {
                    names.other = true;
                }
                return null;
            }
        });
        return names;
    }

    private static boolean containsAggregate(SqlNode n) {
        boolean[] found = {false};
        n.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                if (call.getOperator().isAggregator() || AGGREGATE_NAMES.contains(name(call))) {
                    found[0] = true;
                }
                return super.visit(call);
            }
        });
        return found[0];
    }

    private static String name(SqlCall call) {
        String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
        return name.startsWith("$") ? name.substring(1) : name; // GROUP BY's TUMBLE is Calcite's $TUMBLE
    }
}
