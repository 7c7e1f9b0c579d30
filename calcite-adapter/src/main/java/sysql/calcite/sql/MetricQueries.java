// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSelectKeyword;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.util.Litmus;
import sysql.calcite.SysqlException;

/**
 * A metrics file read as SQL: each statement a windowed {@code SELECT STREAM … GROUP BY TUMBLE(evt.time, …),
 * cols} whose select list holds the labels (the GROUP BY columns), the samples (the aggregates, each named by
 * its alias) and, if it likes, the window's bounds ({@code TUMBLE_END(…)}: left out of the metric). A sample of
 * {@code COUNT} or {@code SUM} is a counter, any other a gauge; lines {@code -- HELP name text} and
 * {@code -- TYPE name counter|gauge} anywhere in the file (the exposition format's own words) give a sample its
 * help and change its type. Read by sysql's parser, the one that runs the statements; that the columns exist
 * and the samples are numbers is the engine's to say when the statements are prepared.
 */
public final class MetricQueries {
    private MetricQueries() {}

    /** What a column of a metric statement's rows is. */
    public enum Role {
        /** A GROUP BY column: a label of every sample of the row. */
        LABEL,
        /** An aggregate added to its series (a counter only grows). */
        COUNTER,
        /** An aggregate whose last window's value is the series' value. */
        GAUGE,
        /** The window's start or end: not in the metric. */
        WINDOW
    }

    /** One column of a statement: its role and, for a sample, its name (the alias) and help. */
    public record Column(Role role, String name, String help) {}

    /** One statement: its text, where it starts in the file ({@code FILE:LINE}) and its columns in order. */
    public record Statement(String sql, String where, List<Column> columns) {}

    private static final Pattern DECLARATION =
            Pattern.compile("^[ \\t]*--[ \\t]*(HELP|TYPE)[ \\t]+(\\S+)(?:[ \\t]+(.*?))?[ \\t]*$", Pattern.MULTILINE);
    private static final Set<String> WINDOWS = Set.of("TUMBLE", "HOP", "SESSION");
    private static final Set<String> BOUNDS =
            Set.of("TUMBLE_START", "TUMBLE_END", "HOP_START", "HOP_END", "SESSION_START", "SESSION_END");
    private static final Set<String> COUNTING = Set.of("COUNT", "SUM", "SUM0");

    /**
     * The statements of a metrics file ({@code file} names it in errors); every problem is a {@link SysqlException}
     * of one line that starts with {@code FILE:LINE}.
     */
    public static List<Statement> read(String file, String text) {
        Map<String, String> help = new LinkedHashMap<>();
        Map<String, Role> type = new LinkedHashMap<>();
        Matcher m = DECLARATION.matcher(text);
        while (m.find()) {
            String where = file + ":" + line(text, m.start());
            String name = m.group(2);
            String value = m.group(3) == null ? "" : m.group(3);
            if (m.group(1).equals("HELP")) {
                help.put(name, value);
            } else {
                switch (value.toLowerCase(Locale.ROOT)) {
                    case "counter" -> type.put(name, Role.COUNTER);
                    case "gauge" -> type.put(name, Role.GAUGE);
                    default ->
                        throw new SysqlException(where + ": TYPE " + name + " '" + value
                                + "' is not a type sysql gives: write counter or gauge");
                }
            }
        }
        List<Statement> out = new ArrayList<>();
        Set<String> named = new java.util.HashSet<>();
        int from = 0;
        for (String sql : SqlScript.statements(text)) {
            int at = text.indexOf(sql, from);
            from = at + sql.length();
            Statement s = statement(file, line(text, at), sql, help, type);
            for (Column c : s.columns()) {
                if (c.role() == Role.COUNTER || c.role() == Role.GAUGE) {
                    if (!named.add(c.name())) {
                        throw new SysqlException(s.where() + ": " + c.name()
                                + " is the name of another sample of this file: give each its own");
                    }
                }
            }
            out.add(s);
        }
        if (out.isEmpty()) {
            throw new SysqlException(file + " has no statement: write one windowed SELECT STREAM per metric, e.g. "
                    + "SELECT STREAM proc.name, COUNT(*) AS syscalls_total FROM events "
                    + "GROUP BY TUMBLE(evt.time, INTERVAL '10' SECOND), proc.name;");
        }
        for (String name : help.keySet()) {
            requireSample(file, text, "HELP", name, named);
        }
        for (String name : type.keySet()) {
            requireSample(file, text, "TYPE", name, named);
        }
        return out;
    }

    private static void requireSample(String file, String text, String what, String name, Set<String> named) {
        if (!named.contains(name)) {
            Matcher m = DECLARATION.matcher(text);
            int at = 0;
            while (m.find()) {
                if (m.group(1).equals(what) && m.group(2).equals(name)) {
                    at = m.start();
                    break;
                }
            }
            throw new SysqlException(file + ":" + line(text, at) + ": " + what + " " + name
                    + " names no sample of this file: the name is an aggregate's alias (COUNT(*) AS " + name + ")");
        }
    }

    private static Statement statement(
            String file, int firstLine, String sql, Map<String, String> help, Map<String, Role> type) {
        SqlNode node;
        try {
            node = SqlParser.create(sql, SysqlPrepare.PARSER_CONFIG).parseQuery();
        } catch (SqlParseException e) {
            int line = e.getPos() == null ? firstLine : firstLine + e.getPos().getLineNum() - 1;
            throw new SysqlException(file + ":" + line + ": "
                    + e.getMessage().lines().findFirst().orElse("does not parse"));
        }
        String where = file + ":" + (firstLine + node.getParserPosition().getLineNum() - 1);
        if (!(node instanceof SqlSelect select)
                || !select.isKeywordPresent(SqlSelectKeyword.STREAM)
                || select.getGroup() == null) {
            throw new SysqlException(where + ": a metric is a windowed SELECT STREAM … GROUP BY TUMBLE(evt.time, "
                    + "INTERVAL '10' SECOND), labels…; this statement is not one");
        }
        SqlCall window = null;
        List<SqlNode> keys = new ArrayList<>();
        for (SqlNode g : select.getGroup()) {
            if (g instanceof SqlCall call && WINDOWS.contains(name(call))) {
                if (window != null) {
                    throw new SysqlException(where + ": GROUP BY has two windows: keep one");
                }
                window = call;
            } else {
                keys.add(g);
            }
        }
        if (window == null) {
            throw new SysqlException(where + ": GROUP BY has no window: add TUMBLE(evt.time, INTERVAL '10' SECOND), "
                    + "so that each window's rows become the samples");
        }
        List<Column> columns = new ArrayList<>();
        List<SqlNode> labels = new ArrayList<>();
        for (SqlNode item : select.getSelectList()) {
            SqlNode expr = item;
            String alias = null;
            if (item.getKind() == SqlKind.AS) {
                expr = ((SqlCall) item).operand(0);
                alias = ((SqlIdentifier) ((SqlCall) item).operand(1)).getSimple();
            }
            if (expr instanceof SqlIdentifier id && id.isStar()) {
                throw new SysqlException(where + ": * in a metric's select list: name its labels and aggregates");
            }
            if (expr instanceof SqlCall call && BOUNDS.contains(name(call))) {
                columns.add(new Column(Role.WINDOW, null, null));
                continue;
            }
            SqlNode value = expr;
            if (keys.stream().anyMatch(k -> k.equalsDeep(value, Litmus.IGNORE))) {
                labels.add(expr);
                columns.add(new Column(Role.LABEL, null, null));
                continue;
            }
            if (alias == null) {
                throw new SysqlException(where + ": " + expr + " is a sample without a name: write " + expr
                        + " AS its_name (counters end in _total)");
            }
            Role role = type.getOrDefault(
                    alias, expr instanceof SqlCall call && COUNTING.contains(name(call)) ? Role.COUNTER : Role.GAUGE);
            if (role == Role.COUNTER && !name(window).equals("TUMBLE")) {
                throw new SysqlException(where + ": " + alias + " is a counter over " + name(window) + " windows, "
                        + "which overlap, so an event would be counted again in each: use TUMBLE, or declare it a "
                        + "gauge (-- TYPE " + alias + " gauge)");
            }
            columns.add(new Column(role, alias, help.get(alias)));
        }
        for (SqlNode k : keys) {
            if (labels.stream().noneMatch(l -> l.equalsDeep(k, Litmus.IGNORE))) {
                throw new SysqlException(where + ": " + k + " is in GROUP BY but not selected: select it (it is a "
                        + "label) or leave it out of GROUP BY");
            }
        }
        if (columns.stream().noneMatch(c -> c.role() == Role.COUNTER || c.role() == Role.GAUGE)) {
            throw new SysqlException(
                    where + ": the statement selects no aggregate: add one, e.g. COUNT(*) AS " + "events_total");
        }
        return new Statement(sql, where, columns);
    }

    private static String name(SqlCall call) {
        String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
        return name.startsWith("$") ? name.substring(1) : name; // GROUP BY's TUMBLE is Calcite's $TUMBLE
    }

    private static int line(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
