package sysql.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * SQL text as statements: split at semicolons outside literals, quoted names and comments. Public for the
 * tests that run SQL files (sql-examples) the way {@code sysql query -f} does.
 */
public final class SqlScript {
    private static final Pattern STREAM = Pattern.compile("(?is)^\\s*(?:(?:--[^\\n]*\\n)|(?:/\\*.*?\\*/)|\\s)*"
            + "(?:explain\\s+plan\\s+for\\s+)?select\\s+stream\\b.*");

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

    /** True for a {@code SELECT STREAM} (a query that does not end by itself). */
    public static boolean isStream(String statement) {
        return STREAM.matcher(statement).matches();
    }
}
