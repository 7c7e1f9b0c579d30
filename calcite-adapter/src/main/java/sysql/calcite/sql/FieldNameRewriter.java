// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Makes sysdig's field names plain SQL identifiers. sysql's tables have flat columns named exactly as sysdig
 * names its fields ({@code proc.name}, {@code evt.arg[1]}, {@code user.name}); written unquoted, such a name
 * would be parsed as a qualified identifier, a function ({@code USER}), a keyword after a dot ({@code
 * evt.time}) or an item access ({@code [1]}). This rewriter finds, in the SQL text, every dotted chain whose
 * tail is a known column name and double-quotes that tail, so the parser sees one identifier named exactly as
 * the column: {@code SELECT e.proc.name} becomes {@code SELECT e."proc.name"}. A name is matched as written,
 * else in lower case (sysdig's), so {@code PROC.NAME} works too. String literals, quoted identifiers and
 * comments are left alone. sysql's names that Calcite reserves ({@code groups}) are quoted the same way, and so
 * are the aggregate functions' names that label columns ({@code count}, see SysqlValidator) where they are not
 * called: {@code ORDER BY count} is the column, {@code COUNT(*)} the function.
 *
 * <p>A chain that starts with a field class ({@code evt}, {@code proc}, {@code fd}...) but names no field is an
 * error that suggests the nearest names. The {@link PositionMap} maps positions in the rewritten text back to
 * the user's, so every error points at what the user wrote.
 */
public final class FieldNameRewriter {
    private final Set<String> columns;
    private final Set<String> classes;
    private final Set<String> reservedNames;
    private final Set<String> functionNames;

    /**
     * @param columns every rewritable name (lower case)
     * @param classes the first segments that announce a field ({@code evt}, {@code proc}...)
     * @param reservedNames sysql's own names (lower case) that Calcite's parser reserves without using them
     *     ({@code groups}): written unquoted, in any case, they are quoted as they are named
     */
    public FieldNameRewriter(Set<String> columns, Set<String> classes, Set<String> reservedNames) {
        this(columns, classes, reservedNames, Set.of());
    }

    /**
     * @param functionNames function names (lower case) that Calcite's parser reserves and that are also column
     *     labels ({@code count}): written unquoted and not followed by '(', they are quoted in lower case
     */
    public FieldNameRewriter(
            Set<String> columns, Set<String> classes, Set<String> reservedNames, Set<String> functionNames) {
        this.columns = Set.copyOf(columns);
        this.classes = Set.copyOf(classes);
        this.reservedNames = Set.copyOf(reservedNames);
        this.functionNames = Set.copyOf(functionNames);
    }

    /** The rewritten SQL and how its positions map back. */
    public record Result(String sql, PositionMap positions) {}

    /** A chain that looks like a field but is none. */
    public static final class UnknownFieldException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final int line;
        private final int column;
        private final List<String> suggestions;

        UnknownFieldException(String name, int line, int column, List<String> suggestions) {
            this(
                    name,
                    line,
                    column,
                    suggestions,
                    suggestions.isEmpty()
                            ? "; the fields table lists every field"
                            : "; did you mean " + String.join(", ", suggestions) + "?");
        }

        UnknownFieldException(String name, int line, int column, List<String> suggestions, String why) {
            super("Unknown field '" + name + "' at line " + line + ", column " + column + why);
            this.name = name;
            this.line = line;
            this.column = column;
            this.suggestions = List.copyOf(suggestions);
        }

        public String name() {
            return name;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }

        public List<String> suggestions() {
            return suggestions;
        }
    }

    /**
     * sysdig 0.29.3's field classes sysql has none of, and what they hold: a name of one is an unknown field with
     * that said, not a missing table. (Its span and evtin classes are left out: those words make table aliases.)
     */
    static final java.util.Map<String, String> OTHER_SYSDIG_CLASSES = java.util.Map.of(
            "syslog", "messages written to /dev/log, decoded by sysdig's syslog parser",
            "k8s", "Kubernetes metadata from the API server",
            "mesos", "Mesos metadata",
            "marathon", "Marathon metadata");

    /** One segment of a dotted chain. */
    private record Part(int start, int end, boolean quoted) {}

    public Result rewrite(String sql) throws UnknownFieldException {
        StringBuilder out = new StringBuilder(sql.length() + 16);
        PositionMap.Builder map = new PositionMap.Builder();
        int n = sql.length();
        int i = 0;
        int line = 1;
        int lineStart = 0; // index of the current line's first char
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int end = skipQuoted(sql, i, c);
                if (c == '"' && isChainContinuation(sql, end)) {
                    int[] lc = {line, lineStart};
                    i = chain(sql, i, out, map, lc);
                    line = lc[0];
                    lineStart = lc[1];
                    continue;
                }
                for (int k = i; k < end; k++) {
                    char q = sql.charAt(k);
                    if (q == '\n' || (q == '\r' && (k + 1 >= n || sql.charAt(k + 1) != '\n'))) {
                        line++;
                        lineStart = k + 1;
                    }
                }
                out.append(sql, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                out.append(sql, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                for (int k = i; k < end; k++) {
                    char q = sql.charAt(k);
                    if (q == '\n' || (q == '\r' && (k + 1 >= n || sql.charAt(k + 1) != '\n'))) {
                        line++;
                        lineStart = k + 1;
                    }
                }
                out.append(sql, i, end);
                i = end;
            } else if (isIdentifierStart(c) && (i == 0 || !isIdentifierPart(sql.charAt(i - 1)))) {
                int[] lc = {line, lineStart};
                i = chain(sql, i, out, map, lc);
            } else {
                if (c == '\n' || (c == '\r' && (i + 1 >= n || sql.charAt(i + 1) != '\n'))) {
                    line++;
                    lineStart = i + 1;
                }
                out.append(c);
                i++;
            }
        }
        return new Result(out.toString(), map.build());
    }

    /** Reads the dotted chain starting at {@code start}, writes it (rewritten or not) and returns its end. */
    private int chain(String sql, int start, StringBuilder out, PositionMap.Builder map, int[] lineAndStart)
            throws UnknownFieldException {
        int n = sql.length();
        List<Part> parts = new ArrayList<>();
        int i = start;
        for (; ; ) {
            int partStart = i;
            boolean quoted;
            if (i < n && sql.charAt(i) == '"') {
                i = skipQuoted(sql, i, '"');
                quoted = true;
            } else if (i < n && isIdentifierStart(sql.charAt(i))) {
                while (i < n && isIdentifierPart(sql.charAt(i))) {
                    i++;
                }
                quoted = false;
            } else {
                break;
            }
            // Index suffixes belong to the part: evt.arg[1], proc.apid[2].
            while (!quoted && i + 2 < n && sql.charAt(i) == '[' && Character.isDigit(sql.charAt(i + 1))) {
                int j = i + 1;
                while (j < n && Character.isDigit(sql.charAt(j))) {
                    j++;
                }
                if (j < n && sql.charAt(j) == ']') {
                    i = j + 1;
                } else {
                    break;
                }
            }
            parts.add(new Part(partStart, i, quoted));
            if (i + 1 < n
                    && sql.charAt(i) == '.'
                    && (isIdentifierStart(sql.charAt(i + 1)) || sql.charAt(i + 1) == '"')) {
                i++;
            } else {
                break;
            }
        }
        int end = i;
        int from = -1;
        String name = null;
        for (int k = 0; k < parts.size(); k++) {
            if (!allUnquoted(parts, k)) {
                continue;
            }
            String written = sql.substring(parts.get(k).start(), end);
            String candidate = columns.contains(written) ? written : written.toLowerCase(Locale.ROOT);
            if (columns.contains(candidate)) {
                from = k;
                name = candidate;
                break;
            }
        }
        if (name == null) {
            String first =
                    sql.substring(parts.get(0).start(), parts.get(0).end()).toLowerCase(Locale.ROOT);
            if (parts.size() > 1 && allUnquoted(parts, 0) && OTHER_SYSDIG_CLASSES.containsKey(first)) {
                throw new UnknownFieldException(
                        sql.substring(parts.get(0).start(), end),
                        lineAndStart[0],
                        parts.get(0).start() - lineAndStart[1] + 1,
                        List.of(),
                        ": sysdig's field class " + first + " (" + OTHER_SYSDIG_CLASSES.get(first)
                                + ") is not in sysql");
            }
            for (int k = 0; k < parts.size() - 1; k++) {
                Part p = parts.get(k);
                if (allUnquoted(parts, k)
                        && classes.contains(sql.substring(p.start(), p.end()).toLowerCase(Locale.ROOT))) {
                    String written = sql.substring(p.start(), end);
                    throw new UnknownFieldException(
                            written,
                            lineAndStart[0],
                            p.start() - lineAndStart[1] + 1,
                            suggest(written.toLowerCase(Locale.ROOT)));
                }
            }
            int pos = writeQualifiers(sql, start, parts, parts.size(), out, map, lineAndStart);
            out.append(sql, pos, end);
            return end;
        }
        int fieldStart = parts.get(from).start();
        int pos = writeQualifiers(sql, start, parts, from, out, map, lineAndStart);
        out.append(sql, pos, fieldStart);
        map.add(lineAndStart[0], fieldStart - lineAndStart[1] + 1, end - fieldStart);
        out.append('"').append(name).append('"');
        return end;
    }

    /**
     * Writes the first {@code count} parts of a chain from {@code pos} (a table and its qualifiers), a reserved
     * name among them quoted (a function's name only where it is not called); returns where the written text
     * ends.
     */
    private int writeQualifiers(
            String sql,
            int pos,
            List<Part> parts,
            int count,
            StringBuilder out,
            PositionMap.Builder map,
            int[] lineAndStart) {
        for (int k = 0; k < count; k++) {
            Part p = parts.get(k);
            String lower = sql.substring(p.start(), p.end()).toLowerCase(Locale.ROOT);
            if (!p.quoted()
                    && (reservedNames.contains(lower) || functionNames.contains(lower) && !isCalled(sql, p.end()))) {
                out.append(sql, pos, p.start());
                map.add(lineAndStart[0], p.start() - lineAndStart[1] + 1, p.end() - p.start());
                out.append('"').append(lower).append('"');
                pos = p.end();
            }
        }
        return pos;
    }

    private static boolean allUnquoted(List<Part> parts, int from) {
        for (int k = from; k < parts.size(); k++) {
            if (parts.get(k).quoted()) {
                return false;
            }
        }
        return true;
    }

    List<String> suggest(String written) {
        return nearest(written, columns);
    }

    /** Up to three of {@code candidates} closest to {@code written} (edit distance), nearest first. */
    public static List<String> nearest(String written, java.util.Collection<String> candidates) {
        int limit = Math.max(2, written.length() / 3);
        record Scored(String name, int distance) {}
        List<Scored> scored = new ArrayList<>();
        for (String c : candidates) {
            if (Math.abs(c.length() - written.length()) > limit) {
                continue;
            }
            int d = distance(written, c);
            if (d <= limit) {
                scored.add(new Scored(c, d));
            }
        }
        scored.sort(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name));
        List<String> names = new ArrayList<>();
        for (int k = 0; k < Math.min(3, scored.size()); k++) {
            names.add(scored.get(k).name());
        }
        return names;
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** True if the name ending at {@code end} is followed by '(' (after blanks): a function call. */
    private static boolean isCalled(String sql, int end) {
        int i = end;
        while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
            i++;
        }
        return i < sql.length() && sql.charAt(i) == '(';
    }

    /** True if a quoted identifier ending at {@code end} is followed by {@code .name}: part of a chain. */
    private static boolean isChainContinuation(String sql, int end) {
        return end + 1 < sql.length()
                && sql.charAt(end) == '.'
                && (isIdentifierStart(sql.charAt(end + 1)) || sql.charAt(end + 1) == '"');
    }

    /** The index after the quoted run starting at {@code i} (a doubled quote is an escaped quote). */
    private static int skipQuoted(String sql, int i, char q) {
        int n = sql.length();
        int j = i + 1;
        while (j < n) {
            if (sql.charAt(j) == q) {
                if (j + 1 < n && sql.charAt(j + 1) == q) {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j++;
        }
        return n;
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_' || c == '$';
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
