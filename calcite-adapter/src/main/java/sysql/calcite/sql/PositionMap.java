// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a column of the rewritten SQL back to the column the user wrote. The rewrite only ever wraps a run of
 * characters in double quotes, on one line, so each rewrite shifts what follows it on its line by two.
 */
public final class PositionMap {
    /** One quoted run: at {@code column} (1-based, in the user's text) of {@code length} characters. */
    private record Quoted(int column, int length) {}

    public static final PositionMap IDENTITY = new PositionMap(Map.of());

    private final Map<Integer, List<Quoted>> byLine;

    private PositionMap(Map<Integer, List<Quoted>> byLine) {
        this.byLine = byLine;
    }

    /** The user's column for {@code column} (1-based) of {@code line} in the rewritten text. */
    public int originalColumn(int line, int column) {
        List<Quoted> runs = byLine.get(line);
        if (runs == null) {
            return column;
        }
        int shift = 0;
        for (Quoted q : runs) {
            int open = q.column() + shift; // the opening quote, in the rewritten text
            int close = open + q.length() + 1; // the closing quote
            if (column < open) {
                break;
            }
            if (column <= close) {
                if (column == open) {
                    return q.column();
                }
                if (column == close) {
                    return q.column() + q.length() - 1;
                }
                return q.column() + (column - open - 1);
            }
            shift += 2;
        }
        return column - shift;
    }

    public boolean isIdentity() {
        return byLine.isEmpty();
    }

    static final class Builder {
        private final Map<Integer, List<Quoted>> byLine = new HashMap<>();

        /** A run of {@code length} characters at {@code column} of {@code line} (user's text), left to right. */
        void add(int line, int column, int length) {
            byLine.computeIfAbsent(line, l -> new ArrayList<>()).add(new Quoted(column, length));
        }

        PositionMap build() {
            return byLine.isEmpty() ? IDENTITY : new PositionMap(Map.copyOf(byLine));
        }
    }
}
