// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import sysql.calcite.schema.FieldColumns;

/**
 * sysdig's field names in parsed SQL, where the catalog is known. The parser (module sql-parser) makes any name
 * written as a field ({@code proc.name}, {@code EVT.ARG.ID}, {@code proc.nme}) one identifier segment, as written;
 * here its case is settled ({@link #settleCase}) and an unknown one is refused with the nearest names
 * ({@link #problem}). The validator and the history filter use both.
 */
public final class FieldNames {
    /**
     * sysdig 0.29.3's field classes sysql has none of, and what they hold: a name of one is an unknown field with
     * that said, not a missing column. (The grammar's SYSDIG_FIELD_CLASS lists them beside sysql's own.)
     */
    static final Map<String, String> OTHER_SYSDIG_CLASSES = Map.of(
            "syslog", "messages written to /dev/log, decoded by sysdig's syslog parser",
            "k8s", "Kubernetes metadata from the API server",
            "mesos", "Mesos metadata",
            "marathon", "Marathon metadata");

    private FieldNames() {}

    /**
     * Settles the case of every unquoted field name in {@code node}: as written if the catalog has it (sysdig's
     * names are case-sensitive: {@code evt.arg.ID} and {@code evt.arg.id} are two fields), else in lower case, as
     * SQL folds an unquoted name ({@code PROC.NAME} is {@code proc.name}).
     */
    public static void settleCase(SqlNode node) {
        node.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlIdentifier id) {
                List<String> names = null;
                for (int i = 0; i < id.names.size(); i++) {
                    String written = id.names.get(i);
                    if (written.indexOf('.') < 0
                            || id.getComponentParserPosition(i).isQuoted()
                            || FieldColumns.names().contains(written)) {
                        continue;
                    }
                    if (names == null) {
                        names = new ArrayList<>(id.names);
                    }
                    names.set(i, written.toLowerCase(Locale.ROOT));
                }
                if (names != null) {
                    List<SqlParserPos> positions = new ArrayList<>();
                    for (int i = 0; i < names.size(); i++) {
                        positions.add(id.getComponentParserPosition(i));
                    }
                    id.setNames(names, positions);
                }
                return null;
            }
        });
    }

    /**
     * The one-line refusal of {@code name} ("Unknown field 'proc.nme'; did you mean proc.name?"), or null when it
     * is a field of the catalog or not written as one (its first segment is no field class).
     */
    public static String problem(String name) {
        int dot = name.indexOf('.');
        if (dot < 0 || FieldColumns.names().contains(name)) {
            return null;
        }
        String fieldClass = name.substring(0, dot);
        String other = OTHER_SYSDIG_CLASSES.get(fieldClass);
        if (other != null) {
            return "Unknown field '" + name + "': sysdig's field class " + fieldClass + " (" + other
                    + ") is not in sysql";
        }
        if (!FieldColumns.CLASSES.contains(fieldClass)) {
            return null;
        }
        List<String> near = nearest(name, FieldColumns.names());
        return "Unknown field '" + name + "'"
                + (near.isEmpty()
                        ? "; the fields table lists every field"
                        : "; did you mean " + String.join(", ", near) + "?");
    }

    /** Up to three of {@code candidates} closest to {@code written} (edit distance), nearest first. */
    public static List<String> nearest(String written, Collection<String> candidates) {
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

    /** Levenshtein distance. */
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
}
