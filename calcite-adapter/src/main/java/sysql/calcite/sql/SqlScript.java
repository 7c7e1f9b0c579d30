// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * SQL text as statements: split at semicolons outside literals, quoted names and comments. Public for the
 * tests that run SQL files (sql-examples) the way {@code sysql query -f} does.
 */
public final class SqlScript {
    private SqlScript() {}

    public static List<String> statements(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                int j = i + 1;
                while (j < n) {
                    if (text.charAt(j) == c) {
                        if (j + 1 < n && text.charAt(j + 1) == c) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                int end = Math.min(n, j + 1);
                cur.append(text, i, end);
                i = end - 1;
            } else if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
                int end = text.indexOf('\n', i);
                end = end < 0 ? n : end;
                cur.append(text, i, end);
                i = end - 1;
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                cur.append(text, i, end);
                i = end - 1;
            } else if (c == ';') {
                add(out, cur);
            } else {
                cur.append(c);
            }
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString();
        if (!onlyComments(s)) {
            out.add(s.strip());
        }
        cur.setLength(0);
    }

    private static boolean onlyComments(String s) {
        return s.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("--[^\\n]*", "").isBlank();
    }

    /**
     * True for a query whose result is a stream (it does not end by itself): a {@code SELECT STREAM} in any form,
     * {@code WITH … SELECT STREAM …}, in parentheses, with ORDER BY/LIMIT, a UNION of streams (as the parser reads
     * it: {@link StatementKind}). An EXPLAIN of one is not: its plan ends.
     */
    public static boolean isStream(String statement) {
        // Read from the words, not with Calcite's parser: a client of the daemon would load the parser (hundreds of
        // classes) for this alone. A STREAM stands right after a SELECT; literals, quoted names and comments are
        // not words; an EXPLAIN's plan ends.
        List<String> words = words(statement);
        if (!words.isEmpty() && words.get(0).equals("explain")) {
            return false;
        }
        for (int i = 0; i + 2 < words.size(); i++) {
            if (words.get(i).equals("select")
                    && words.get(i + 1).equals("stream")
                    && !words.get(i + 2).equals("from")) {
                return true;
            }
        }
        return false;
    }

    /** The statement's words, lower case: literals, quoted names and comments left out, each bracket a word. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                int j = i + 1;
                while (j < n && (text.charAt(j) != c || (j + 1 < n && text.charAt(j + 1) == c && j++ >= 0))) {
                    j++;
                }
                out.add(c == '"' ? "\"\"" : "''");
                i = j + 1;
            } else if ((c == '-' || c == '/') && i + 1 < n && text.charAt(i + 1) == c) {
                // a line comment (Calcite's parser reads // as one too), to the end of the line (\n or \r)
                int j = i + 2;
                while (j < n && text.charAt(j) != '\n' && text.charAt(j) != '\r') {
                    j++;
                }
                i = j;
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '$') {
                int j = i;
                while (j < n
                        && (Character.isLetterOrDigit(text.charAt(j))
                                || text.charAt(j) == '_'
                                || text.charAt(j) == '.'
                                || text.charAt(j) == '$')) {
                    j++;
                }
                out.add(text.substring(i, j).toLowerCase(java.util.Locale.ROOT));
                i = j;
            } else {
                if (!Character.isWhitespace(c)) {
                    out.add(String.valueOf(c));
                }
                i++;
            }
        }
        return out;
    }
}
