// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.functions;

import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.linq4j.function.Strict;
import org.apache.calcite.runtime.SqlFunctions;
import sysql.calcite.SysqlException;

/**
 * SQL's functions whose value's length is one of their arguments ({@code REPEAT}, {@code SPACE}, {@code LPAD},
 * {@code RPAD}), refused past {@link #MAX_CHARS}: a statement of a few bytes asked Calcite's for two billion
 * characters, and got them (4 GB of heap for {@code LPAD}) or ran the process out of memory ({@code REPEAT}).
 * Within the limit each is Calcite's own ({@link SqlFunctions}); {@code SysqlConvertlets} puts them in place of
 * Calcite's.
 */
public final class BoundedStrings {
    /** The longest value one of these functions may make, in characters (or bytes): as long as a statement's text. */
    public static final int MAX_CHARS = 1 << 20;

    private BoundedStrings() {}

    private static void check(String function, long length) {
        if (length > MAX_CHARS) {
            throw new SysqlException(function + " would make a value of " + length + " characters, more than the "
                    + MAX_CHARS + " one value may have");
        }
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
