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
        // a stream says STREAM: text without the word needs no parser (which takes a fresh process 0.3 s to load)
        return statement.toLowerCase(java.util.Locale.ROOT).contains("stream")
                && StatementKind.of(statement) == StatementKind.STREAM;
    }
}
