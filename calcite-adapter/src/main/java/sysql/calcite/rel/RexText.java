// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import sysql.capture.fields.Field;

/** A pushed predicate or a computed expression as EXPLAIN shows it: with field names instead of column numbers. */
final class RexText {
    private RexText() {}

    static String of(RexNode n, List<Field> fields) {
        return text(n, fields.stream().map(Field::name).toList());
    }

    /** The expression with the refs named by {@code names}, casts left out (a predicate's are value-keeping). */
    static String text(RexNode n, List<String> names) {
        return text(n, names, false);
    }

    /** The expression with the refs named by {@code names}, casts shown: exact enough to tell two apart. */
    static String expression(RexNode n, List<String> names) {
        return text(n, names, true);
    }

    private static String text(RexNode n, List<String> names, boolean casts) {
        if (n instanceof RexInputRef ref) {
            return names.get(ref.getIndex());
        }
        if (n instanceof RexCall call) {
            List<String> ops =
                    call.getOperands().stream().map(o -> text(o, names, casts)).collect(Collectors.toList());
            if (call.getKind().belongsTo(org.apache.calcite.sql.SqlKind.BINARY_COMPARISON) && ops.size() == 2) {
                return ops.get(0) + " " + call.getOperator().getName() + " " + ops.get(1);
            }
            switch (call.getKind()) {
                case AND, OR:
                    return ops.stream()
                            .map(o -> "(" + o + ")")
                            .collect(Collectors.joining(" " + call.getKind().sql + " "));
                case SEARCH:
                    return ops.get(0) + " IN " + ops.get(1);
                case CAST:
                    return casts
                            ? "CAST(" + ops.get(0) + " AS " + call.getType().getFullTypeString() + ")"
                            : ops.get(0);
                default:
                    return call.getOperator().getName() + "(" + String.join(", ", ops) + ")";
            }
        }
        return n.toString();
    }
}
