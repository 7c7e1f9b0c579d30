// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.functions;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.linq4j.function.Strict;
import org.apache.calcite.runtime.SqlFunctions;
import sysql.calcite.SysqlException;

/**
 * SQL's functions whose value's length is one of their arguments ({@code REPEAT}, {@code SPACE}, {@code LPAD},
 * {@code RPAD}), and the checks of those that join or multiply their operands ({@code ||}, {@code REPLACE}…), refused
 * past {@link #MAX_CHARS}: a statement of a few bytes asked Calcite's for two billion
 * characters, and got them (4 GB of heap for {@code LPAD}) or ran the process out of memory ({@code REPEAT}).
 * Within the limit each is Calcite's own ({@link SqlFunctions}); {@code SysqlConvertlets} puts them in place of
 * Calcite's.
 */
public final class BoundedStrings {
    /** The longest value one of these functions may make, in characters (or bytes): as long as a statement's text. */
    public static final int MAX_CHARS = 1 << 20;

    private BoundedStrings() {}

    private static void check(String function, long length) {
        check(function, "would make", length, "characters");
    }

    /** Refuses a value of {@code length} {@code unit} that {@code function} {@code made} ("would make"…) past the limit. */
    private static void check(String function, String made, long length, String unit) {
        if (length > MAX_CHARS) {
            throw new SysqlException(function + " " + made + " a value of " + length + " " + unit + ", more than the "
                    + MAX_CHARS + " one value may have");
        }
    }

    /**
     * {@code value}, the value of a call of {@code function} that joins its operands ({@code ||}, {@code CONCAT}…),
     * refused if it is longer than {@link #MAX_CHARS}.
     */
    @Strict
    public static String checked(String value, String function) {
        check(function, "made", value.length(), "characters");
        return value;
    }

    @Strict
    public static ByteString checked(ByteString value, String function) {
        check(function, "made", value.length(), "bytes");
        return value;
    }

    /**
     * {@code s}, refused if {@code REPLACE(s, search, replacement)} would be longer than {@link #MAX_CHARS}: each
     * occurrence of {@code search} grows {@code s} by the difference of their lengths (an empty search replaces
     * nothing).
     */
    @Strict
    public static String replaceSource(String s, String search, String replacement) {
        long growth = replacement.length() - (long) search.length();
        if (growth <= 0 || search.isEmpty() || s.length() + growth * (s.length() / search.length()) <= MAX_CHARS) {
            return s;
        }
        long occurrences = 0;
        for (int at = s.indexOf(search); at >= 0; at = s.indexOf(search, at + search.length())) {
            occurrences++;
        }
        check("REPLACE", s.length() + growth * occurrences);
        return s;
    }

    /**
     * {@code s}, refused if {@code REGEXP_REPLACE(s, pattern, replacement)} could be longer than {@link #MAX_CHARS}:
     * each match of {@code pattern} becomes {@code replacement}, whose group references ({@code $1}, {@code \\1}, in any
     * library's syntax) are each taken to be as long as the match. The matches are found only when the longest
     * possible value could pass the limit; a pattern that does not compile is left to Calcite to refuse.
     */
    @Strict
    public static String regexpReplaceSource(String s, String pattern, String replacement) {
        long references = replacement.chars().filter(c -> c == '$' || c == '\\').count();
        if (s.length() + (s.length() + 1L) * replacement.length() + references * s.length() <= MAX_CHARS) {
            return s;
        }
        long literal = Math.max(0, replacement.length() - 2 * references); // a reference is 2 characters or more
        long length = s.length();
        try {
            Matcher matcher = Pattern.compile(pattern).matcher(s);
            while (matcher.find()) {
                long matched = matcher.end() - matcher.start();
                length += literal + references * matched - matched;
            }
        } catch (PatternSyntaxException e) {
            return s;
        }
        check("REGEXP_REPLACE", "could make", length, "characters");
        return s;
    }

    @Strict
    public static String repeat(String s, int n) {
        check("REPEAT", (long) s.length() * Math.max(n, 0));
        return SqlFunctions.repeat(s, n);
    }

    @Strict
    public static String space(int n) {
        check("SPACE", n);
        return SqlFunctions.space(n);
    }

    @Strict
    public static String lpad(String s, int n, String pad) {
        check("LPAD", n);
        return SqlFunctions.lpad(s, n, pad);
    }

    @Strict
    public static String lpad(String s, int n) {
        check("LPAD", n);
        return SqlFunctions.lpad(s, n);
    }

    @Strict
    public static ByteString lpad(ByteString s, int n, ByteString pad) {
        check("LPAD", n);
        return SqlFunctions.lpad(s, n, pad);
    }

    @Strict
    public static ByteString lpad(ByteString s, int n) {
        check("LPAD", n);
        return SqlFunctions.lpad(s, n);
    }

    @Strict
    public static String rpad(String s, int n, String pad) {
        check("RPAD", n);
        return SqlFunctions.rpad(s, n, pad);
    }

    @Strict
    public static String rpad(String s, int n) {
        check("RPAD", n);
        return SqlFunctions.rpad(s, n);
    }

    @Strict
    public static ByteString rpad(ByteString s, int n, ByteString pad) {
        check("RPAD", n);
        return SqlFunctions.rpad(s, n, pad);
    }

    @Strict
    public static ByteString rpad(ByteString s, int n) {
        check("RPAD", n);
        return SqlFunctions.rpad(s, n);
    }
}
