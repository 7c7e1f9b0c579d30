// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.chisel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sysql.calcite.SysqlException;
import sysql.calcite.sql.SqlScript;
import sysql.calcite.sql.StatementKind;

/**
 * One of sysdig's chisels as SQL: a file {@code NAME.sql} of the chisel library ({@code sql-examples/chisels}).
 * Its header says what it is, one {@code -- key: value} line each:
 *
 * <pre>
 * -- topfiles_bytes: Top files by R+W bytes          (the name, as the file's, and sysdig's short description)
 * -- category: I/O                                   (sysdig's category)
 * -- arg: field FIELD = proc.name: the field to group by   (zero or more: name, type, optional default, text)
 * -- test: proc.name                                 (how the tests run it against sysdig: the arguments)
 * -- compare: top 10                                 (how its rows are compared with sysdig's output)
 * -- snaplen: 2000                                   (optional: the snaplen a live run asks for, as the chisel's
 *                                                     sysdig.set_snaplen; over a file buffers print whole)
 * -- stream: history                                 (optional: its live form is the history query as a stream)
 * </pre>
 *
 * then free comment text, then one or two statements: the query over the history (or a capture file), then,
 * when live use differs, the {@code SELECT STREAM} that prints the same per interval (or, instead of that second
 * statement, {@code -- stream: history}: the history query, SELECT STREAM and without its final ORDER BY). An argument appears in the
 * SQL as {@code ${name}}; its type says how a value is checked and written there: {@code field} (a catalog field
 * name), {@code number}, {@code string} (a SQL string literal) or {@code filter} (a SQL condition).
 */
public final class Chisel {
    /** The kind of value an argument takes. */
    public enum ArgType {
        FIELD,
        NUMBER,
        STRING,
        FILTER
    }

    /** One argument: its name, type, default (null: required) and description. */
    public record Arg(String name, ArgType type, String defaultValue, String description) {}

    private static final Pattern HEADER = Pattern.compile("--\\s*([a-z_][a-z0-9_-]*):\\s*(.*)");
    private static final Pattern ARG = Pattern.compile(
            "([a-z_][a-z0-9_]*)\\s+(field|number|string|filter)(?:\\s*=\\s*(\\S(?:[^:]*\\S)?))?\\s*:\\s*(.+)");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_][a-z0-9_]*)}");

    private final String name;
    private final String description;
    private final String category;
    private final List<Arg> args;
    private final Map<String, List<String>> properties;
    private final String history;
    private final String stream;
    private final String text;

    private Chisel(
            String name,
            String description,
            String category,
            List<Arg> args,
            Map<String, List<String>> properties,
            String history,
            String stream,
            String text) {
        this.name = name;
        this.description = description;
        this.category = category;
        this.args = List.copyOf(args);
        this.properties = properties;
        this.history = history;
        this.stream = stream;
        this.text = text;
    }

    /** Reads a chisel file's text; {@code name} is the file's name without {@code .sql}. */
    public static Chisel parse(String name, String text) {
        String[] lines = text.split("\n", -1);
        Map<String, List<String>> props = new LinkedHashMap<>();
        String description = null;
        for (String line : lines) {
            Matcher m = HEADER.matcher(line.strip());
            if (!m.matches()) {
                break;
            }
            if (description == null) {
                if (!m.group(1).equals(name)) {
                    throw bad(name, "its first line must be '-- " + name + ": <description>'");
                }
                description = m.group(2).strip();
            } else {
                props.computeIfAbsent(m.group(1), k -> new ArrayList<>())
                        .add(m.group(2).strip());
            }
        }
        if (description == null) {
            throw bad(name, "its first line must be '-- " + name + ": <description>'");
        }
        List<Arg> args = new ArrayList<>();
        for (String a : props.getOrDefault("arg", List.of())) {
            Matcher m = ARG.matcher(a);
            if (!m.matches()) {
                throw bad(name, "bad arg line '" + a + "': write '-- arg: NAME TYPE [= DEFAULT]: description'");
            }
            args.add(new Arg(
                    m.group(1),
                    ArgType.valueOf(m.group(2).toUpperCase(java.util.Locale.ROOT)),
                    m.group(3),
                    m.group(4).strip()));
        }
        List<String> statements = SqlScript.statements(text);
        if (statements.isEmpty() || statements.size() > 2) {
            throw bad(
                    name,
                    "it must hold one or two statements (the history query, then the stream), not "
                            + statements.size());
        }
        String history = statements.get(0);
        String stream = statements.size() == 2 ? statements.get(1) : null;
        if (StatementKind.of(parsable(history)) == StatementKind.STREAM) {
            throw bad(name, "its first statement must read the history (no STREAM)");
        }
        List<String> streamHeader = props.getOrDefault("stream", List.of());
        if (!streamHeader.isEmpty()) {
            if (!streamHeader.equals(List.of("history"))) {
                throw bad(name, "its only stream line can be '-- stream: history' (the history query as a stream)");
            }
            if (stream != null) {
                throw bad(name, "'-- stream: history' makes its stream; it must not have a second statement");
            }
            stream = asStream(name, history);
        }
        if (stream != null && StatementKind.of(parsable(stream)) != StatementKind.STREAM) {
            throw bad(name, "its second statement must be a SELECT STREAM");
        }
        for (String s : statements) {
            Matcher m = PLACEHOLDER.matcher(s);
            while (m.find()) {
                String p = m.group(1);
                if (args.stream().noneMatch(x -> x.name().equals(p))) {
                    throw bad(name, "${" + p + "} is used but no '-- arg: " + p + " ...' line declares it");
                }
            }
        }
        String category = props.getOrDefault("category", List.of("Misc")).get(0);
        return new Chisel(name, description, category, args, props, history, stream, text);
    }

    /**
     * {@code -- stream: history}: the history query as a stream: {@code SELECT STREAM} and no final ORDER BY (a
     * stream comes in event order). The query must start with SELECT and must not cut its rows (LIMIT, OFFSET,
     * FETCH). Read token by token: strings, quoted names, comments and parentheses are skipped over.
     */
    static String asStream(String name, String history) {
        int selectEnd = -1;
        int orderBy = -1;
        int depth = 0;
        int i = 0;
        int n = history.length();
        while (i < n) {
            char ch = history.charAt(i);
            if (ch == '\'' || ch == '"') {
                int j = i + 1;
                while (j < n && (history.charAt(j) != ch || (j + 1 < n && history.charAt(j + 1) == ch))) {
                    j += history.charAt(j) == ch ? 2 : 1;
                }
                i = j + 1;
            } else if (history.startsWith("--", i)) {
                int j = history.indexOf('\n', i);
                i = j < 0 ? n : j + 1;
            } else if (history.startsWith("/*", i)) {
                int j = history.indexOf("*/", i + 2);
                i = j < 0 ? n : j + 2;
            } else if (ch == '(') {
                depth++;
                i++;
            } else if (ch == ')') {
                depth--;
                i++;
            } else if (Character.isLetter(ch)) {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(history.charAt(j)) || history.charAt(j) == '_')) {
                    j++;
                }
                String word = history.substring(i, j).toUpperCase(java.util.Locale.ROOT);
                if (selectEnd < 0) {
                    if (!word.equals("SELECT")) {
                        throw bad(name, "'-- stream: history' needs a history query that starts with SELECT");
                    }
                    selectEnd = j;
                } else if (depth == 0
                        && word.equals("ORDER")
                        && history.substring(j).stripLeading().regionMatches(true, 0, "BY", 0, 2)) {
                    orderBy = i;
                } else if (depth == 0 && (word.equals("LIMIT") || word.equals("OFFSET") || word.equals("FETCH"))) {
                    throw bad(
                            name,
                            "'-- stream: history' cannot take a history query that cuts its rows (" + word
                                    + "): a stream has no end to count from");
                }
                i = j;
            } else {
                i++;
            }
        }
        if (selectEnd < 0) {
            throw bad(name, "'-- stream: history' needs a history query that starts with SELECT");
        }
        String body = orderBy < 0 ? history.substring(selectEnd) : history.substring(selectEnd, orderBy);
        return history.substring(0, selectEnd) + " STREAM" + body.stripTrailing();
    }

    /** The statement with each {@code ${arg}} as a quoted name, so that it parses. */
    private static String parsable(String sql) {
        return PLACEHOLDER.matcher(sql).replaceAll("\"$1\"");
    }

    private static SysqlException bad(String name, String why) {
        return new SysqlException("chisel " + name + ".sql is malformed: " + why);
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public String category() {
        return category;
    }

    public List<Arg> args() {
        return args;
    }

    /** The values of a header key other than the name, category and args ({@code test}, {@code compare}...). */
    public List<String> property(String key) {
        return properties.getOrDefault(key, List.of());
    }

    /** The file as it is: its header, its notes and its SQL. */
    public String text() {
        return text;
    }

    /** True when the chisel has a live form of its own (a SELECT STREAM statement, or {@code -- stream: history}). */
    public boolean hasStream() {
        return stream != null;
    }

    /** True when its live form is its history query as a stream ({@code -- stream: history}). */
    public boolean streamIsHistory() {
        return !property("stream").isEmpty();
    }

    /** The query over the history (or a capture file) with these argument values. */
    public String historySql(List<String> values) {
        return bind(history, values);
    }

    /** The live form: its SELECT STREAM, or, when it has none, the history query. */
    public String streamSql(List<String> values) {
        return bind(stream != null ? stream : history, values);
    }

    /** {@code NAME ARG…}: how it is called, for help texts. */
    public String usage() {
        StringBuilder sb = new StringBuilder(name);
        for (Arg a : args) {
            sb.append(
                    a.defaultValue() == null
                            ? " " + a.name().toUpperCase(java.util.Locale.ROOT)
                            : " [" + a.name().toUpperCase(java.util.Locale.ROOT) + "]");
        }
        return sb.toString();
    }

    /** The SQL with each {@code ${arg}} replaced by its value, checked for its type. */
    String bind(String sql, List<String> values) {
        if (values.size() > args.size()) {
            throw new SysqlException(
                    "chisel " + name + " takes " + args.size() + " argument(s), not " + values.size() + ": " + usage());
        }
        Map<String, String> bound = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            String v = i < values.size() && values.get(i) != null ? values.get(i) : a.defaultValue();
            if (v == null) {
                throw new SysqlException("chisel " + name + " needs its argument "
                        + a.name().toUpperCase(java.util.Locale.ROOT) + " (" + a.description() + "): " + usage());
            }
            bound.put(a.name(), ChiselArgs.sql(this, a, v));
        }
        Matcher m = PLACEHOLDER.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(bound.get(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }
}
