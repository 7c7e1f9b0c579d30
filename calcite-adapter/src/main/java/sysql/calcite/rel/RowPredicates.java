// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import com.google.common.collect.Range;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUnknownAs;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.Sarg;

/**
 * Conditions on the rows a window aggregate emits (its HAVING): comparisons of an output column with a
 * literal, IN lists and ranges, IS [NOT] NULL, AND, OR, NOT, in SQL's three-valued logic. What else a HAVING
 * says stays a filter above the aggregate.
 */
final class RowPredicates {
    private RowPredicates() {}

    /** A condition's value for a row: TRUE, FALSE or null (UNKNOWN). */
    private interface Cond extends Function<Object[], Boolean> {}

    /** The condition as a predicate (true when the condition is TRUE), or null when it cannot be compiled. */
    static Predicate<Object[]> compile(RexNode condition) {
        Cond c = cond(condition);
        return c == null ? null : row -> Boolean.TRUE.equals(c.apply(row));
    }

    private static Cond cond(RexNode n) {
        if (n instanceof RexLiteral lit) {
            Boolean b = lit.getValueAs(Boolean.class);
            return row -> b;
        }
        if (n instanceof RexInputRef ref) {
            int i = ref.getIndex();
            return row -> row[i] instanceof Boolean b ? b : null;
        }
        if (!(n instanceof RexCall call)) {
            return null;
        }
        List<RexNode> ops = call.getOperands();
        switch (call.getKind()) {
            case AND, OR: {
                Cond[] parts = new Cond[ops.size()];
                for (int i = 0; i < parts.length; i++) {
                    if ((parts[i] = cond(ops.get(i))) == null) {
                        return null;
                    }
                }
                boolean and = call.getKind() == SqlKind.AND;
                return row -> {
                    Boolean result = and;
                    for (Cond p : parts) {
                        Boolean v = p.apply(row);
                        if (v == null) {
                            result = null;
                        } else if (v != and) {
                            return v;
                        }
                    }
                    return result;
                };
            }
            case NOT: {
                Cond inner = cond(ops.get(0));
                return inner == null
                        ? null
                        : row -> {
                            Boolean v = inner.apply(row);
                            return v == null ? null : !v;
                        };
            }
            case IS_NULL, IS_NOT_NULL: {
                if (!(ops.get(0) instanceof RexInputRef ref)) {
                    return null;
                }
                int i = ref.getIndex();
                boolean wantNull = call.getKind() == SqlKind.IS_NULL;
                return row -> (row[i] == null) == wantNull;
            }
            case EQUALS, NOT_EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL: {
                SqlKind kind = call.getKind();
                RexNode a = strip(ops.get(0));
                RexNode b = strip(ops.get(1));
                if (a instanceof RexLiteral && b instanceof RexInputRef) {
                    RexNode t = a;
                    a = b;
                    b = t;
                    kind = kind.reverse();
                }
                if (!(a instanceof RexInputRef ref) || !(b instanceof RexLiteral lit)) {
                    return null;
                }
                Comparable<?> want = comparable(lit.getValue());
                if (want == null && !lit.isNull()) {
                    return null;
                }
                int i = ref.getIndex();
                SqlKind op = kind;
                return row -> {
                    Comparable<?> v = comparable(row[i]);
                    if (v == null || want == null) {
                        return null;
                    }
                    int cmp = compare(v, want);
                    return switch (op) {
                        case EQUALS -> cmp == 0;
                        case NOT_EQUALS -> cmp != 0;
                        case LESS_THAN -> cmp < 0;
                        case LESS_THAN_OR_EQUAL -> cmp <= 0;
                        case GREATER_THAN -> cmp > 0;
                        default -> cmp >= 0;
                    };
                };
            }
            case SEARCH: {
                if (!(strip(ops.get(0)) instanceof RexInputRef ref)
                        || !(ops.get(1) instanceof RexLiteral lit)
                        || !(lit.getValue() instanceof Sarg<?> sarg)) {
                    return null;
                }
                int i = ref.getIndex();
                Boolean onNull = sarg.nullAs == RexUnknownAs.TRUE
                        ? Boolean.TRUE
                        : sarg.nullAs == RexUnknownAs.FALSE ? Boolean.FALSE : null;
                return row -> {
                    Comparable<?> v = comparable(row[i]);
                    if (v == null) {
                        return onNull;
                    }
                    for (Range<?> r : sarg.rangeSet.asRanges()) {
                        if (contains(r, v)) {
                            return true;
                        }
                    }
                    return false;
                };
            }
            default:
                return null;
        }
    }

    private static RexNode strip(RexNode n) {
        return n.getKind() == SqlKind.CAST ? ((RexCall) n).getOperands().get(0) : n;
    }

    /** Numbers as BigDecimal, text as String; null for NULL and for kinds not compared here. */
    private static Comparable<?> comparable(Object v) {
        if (v instanceof NlsString s) {
            return s.getValue();
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof BigDecimal d) {
            return d;
        }
        if (v instanceof Double || v instanceof Float) {
            return BigDecimal.valueOf(((Number) v).doubleValue());
        }
        if (v instanceof Number num) {
            return BigDecimal.valueOf(num.longValue());
        }
        if (v instanceof Boolean b) {
            return b ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        return null;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Comparable a, Comparable b) {
        if (a.getClass() != b.getClass()) {
            return a.toString().compareTo(b.toString());
        }
        return a.compareTo(b);
    }

    private static boolean contains(Range<?> r, Comparable<?> v) {
        if (r.hasLowerBound()) {
            Comparable<?> lo = comparable(r.lowerEndpoint());
            int c = compare(v, lo);
            if (c < 0 || (c == 0 && r.lowerBoundType() == com.google.common.collect.BoundType.OPEN)) {
                return false;
            }
        }
        if (r.hasUpperBound()) {
            Comparable<?> hi = comparable(r.upperEndpoint());
            int c = compare(v, hi);
            return c < 0 || (c == 0 && r.upperBoundType() == com.google.common.collect.BoundType.CLOSED);
        }
        return true;
    }
}
