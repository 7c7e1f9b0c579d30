// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import com.google.common.collect.BoundType;
import com.google.common.collect.Range;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUnknownAs;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.Sarg;
import org.apache.calcite.util.TimestampString;
import sysql.capture.fields.EventContext;
import sysql.capture.fields.Field;
import sysql.capture.fields.FieldType;

/**
 * Compiles the predicates of a query into tests on the current event and its state, run by the capture layer
 * before a row is built (so a rejected event costs the fields of its predicate only). Supported: AND, OR, NOT,
 * comparisons of a field with a literal, IN lists and ranges (Calcite's SEARCH), IS [NOT] NULL, IS [NOT]
 * TRUE/FALSE, LIKE with a literal pattern, and boolean fields. Anything else is not compiled and stays in the
 * plan as a filter over rows. Evaluation is SQL's three-valued logic; a row is kept only when TRUE.
 */
public final class EventPredicates {
    static final int FALSE = 0;
    static final int TRUE = 1;
    static final int UNKNOWN = -1;

    /** A compiled condition: TRUE, FALSE or UNKNOWN for the current event. */
    interface Cond {
        int eval(EventContext c);
    }

    private final List<Field> fields;

    /** @param fields the fields behind the input refs of the conditions to compile (by index) */
    public EventPredicates(List<Field> fields) {
        this.fields = fields;
    }

    /** The predicate of a compiled condition (keep when TRUE). */
    static Predicate<EventContext> predicate(Cond c) {
        return ctx -> c.eval(ctx) == TRUE;
    }

    /** The condition as a predicate, or null if some part of it cannot be compiled. */
    public Predicate<EventContext> compile(RexNode condition) {
        Cond c = cond(condition);
        return c == null ? null : predicate(c);
    }

    /** True if {@code condition} compiles. */
    public boolean supports(RexNode condition) {
        return cond(condition) != null;
    }

    Cond cond(RexNode n) {
        if (n instanceof RexLiteral lit) {
            Boolean b = lit.getValueAs(Boolean.class);
            int v = b == null ? UNKNOWN : b ? TRUE : FALSE;
            return c -> v;
        }
        if (n instanceof RexInputRef ref) {
            Field f = fields.get(ref.getIndex());
            if (f.type() != FieldType.BOOLEAN) {
                return null;
            }
            return c -> f.isNull(c) ? UNKNOWN : f.getLong(c) != 0 ? TRUE : FALSE;
        }
        if (!(n instanceof RexCall call)) {
            return null;
        }
        List<RexNode> ops = call.getOperands();
        switch (call.getKind()) {
            case AND: {
                Cond[] parts = conds(ops);
                return parts == null
                        ? null
                        : c -> {
                            int result = TRUE;
                            for (Cond p : parts) {
                                int v = p.eval(c);
                                if (v == FALSE) {
                                    return FALSE;
                                }
                                if (v == UNKNOWN) {
                                    result = UNKNOWN;
                                }
                            }
                            return result;
                        };
            }
            case OR: {
                Cond[] parts = conds(ops);
                return parts == null
                        ? null
                        : c -> {
                            int result = FALSE;
                            for (Cond p : parts) {
                                int v = p.eval(c);
                                if (v == TRUE) {
                                    return TRUE;
                                }
                                if (v == UNKNOWN) {
                                    result = UNKNOWN;
                                }
                            }
                            return result;
                        };
            }
            case NOT: {
                Cond inner = cond(ops.get(0));
                return inner == null
                        ? null
                        : c -> {
                            int v = inner.eval(c);
                            return v == UNKNOWN ? UNKNOWN : 1 - v;
                        };
            }
            case IS_TRUE, IS_FALSE, IS_NOT_TRUE, IS_NOT_FALSE: {
                Cond inner = cond(ops.get(0));
                if (inner == null) {
                    return null;
                }
                SqlKind k = call.getKind();
                return c -> {
                    int v = inner.eval(c);
                    boolean r = switch (k) {
                        case IS_TRUE -> v == TRUE;
                        case IS_FALSE -> v == FALSE;
                        case IS_NOT_TRUE -> v != TRUE;
                        default -> v != FALSE;
                    };
                    return r ? TRUE : FALSE;
                };
            }
            case IS_NULL, IS_NOT_NULL: {
                Field f = field(ops.get(0));
                if (f == null) {
                    return null;
                }
                boolean wantNull = call.getKind() == SqlKind.IS_NULL;
                return c -> f.isNull(c) == wantNull ? TRUE : FALSE;
            }
            case EQUALS, NOT_EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL:
                return comparison(call);
            case SEARCH:
                return search(call);
            case LIKE:
                return like(call);
            default:
                return null;
        }
    }

    /**
     * The event times (ns since the epoch, both included) outside which {@code condition} holds for no event,
     * from its conjuncts on {@code evt.rawtime} and {@code evt.time} against literals (comparisons, BETWEEN, IN):
     * {@code {Long.MIN_VALUE, Long.MAX_VALUE}} when it says nothing of time. A scan of the history reads only the
     * recorded segments that meet it. Wider rather than narrower: the condition still runs on every row.
     */
    public long[] timeRange(RexNode condition) {
        long from = Long.MIN_VALUE;
        long to = Long.MAX_VALUE;
        if (condition == null) {
            return new long[] {from, to};
        }
        for (RexNode conjunct : org.apache.calcite.plan.RelOptUtil.conjunctions(condition)) {
            long[] r = timeRangeOf(conjunct);
            if (r != null) {
                from = Math.max(from, r[0]);
                to = Math.min(to, r[1]);
            }
        }
        return new long[] {from, to};
    }

    /** One conjunct's range of event times (ns), or null when it says nothing of time. */
    private long[] timeRangeOf(RexNode n) {
        if (!(n instanceof RexCall call) || call.getOperands().size() != 2) {
            return null;
        }
        RexNode a = call.getOperands().get(0);
        RexNode b = call.getOperands().get(1);
        SqlKind op = call.getKind();
        if (field(a) == null && field(b) != null && op != SqlKind.SEARCH) {
            RexNode t = a;
            a = b;
            b = t;
            op = op.reverse();
        }
        Field f = field(a);
        RexLiteral lit = literal(b);
        if (f == null
                || lit == null
                || !(f.name().equals("evt.rawtime") || f.name().equals("evt.time"))) {
            return null;
        }
        boolean millis = f.type() == FieldType.TIMESTAMP;
        long lo;
        long hi;
        if (op == SqlKind.SEARCH) {
            if (!(lit.getValue() instanceof Sarg<?> sarg)) {
                return null;
            }
            NumberSet set = numberSet(sarg, millis);
            if (set == null || set.complemented()) {
                return null;
            }
            lo = Long.MAX_VALUE;
            hi = Long.MIN_VALUE;
            if (set.points() != null) {
                for (long v : set.points()) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            } else {
                for (int i = 0; i < set.lows().length; i++) {
                    lo = Math.min(lo, set.lows()[i]);
                    hi = Math.max(hi, set.highs()[i]);
                }
            }
        } else {
            Long v = number(f, lit);
            if (v == null) {
                return null;
            }
            switch (op) {
                case EQUALS -> {
                    lo = v;
                    hi = v;
                }
                case GREATER_THAN -> {
                    lo = v == Long.MAX_VALUE ? v : v + 1;
                    hi = Long.MAX_VALUE;
                }
                case GREATER_THAN_OR_EQUAL -> {
                    lo = v;
                    hi = Long.MAX_VALUE;
                }
                case LESS_THAN -> {
                    lo = Long.MIN_VALUE;
                    hi = v == Long.MIN_VALUE ? v : v - 1;
                }
                case LESS_THAN_OR_EQUAL -> {
                    lo = Long.MIN_VALUE;
                    hi = v;
                }
                default -> {
                    return null;
                }
            }
        }
        if (!millis) {
            return new long[] {lo, hi};
        }
        // evt.time is the event time in whole milliseconds: millisecond m holds the nanoseconds m*1e6 .. m*1e6+999999
        return new long[] {
            lo == Long.MIN_VALUE ? lo : saturatedMultiply(lo, 1_000_000L),
            hi == Long.MAX_VALUE ? hi : saturatedAdd(saturatedMultiply(hi, 1_000_000L), 999_999L)
        };
    }

    private static long saturatedMultiply(long a, long b) {
        long r = a * b;
        return a != 0 && (r / b != a) ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private Cond[] conds(List<RexNode> ops) {
        Cond[] parts = new Cond[ops.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = cond(ops.get(i));
            if (parts[i] == null) {
                return null;
            }
        }
        return parts;
    }

    /** The field behind a ref, possibly under casts that keep its value ({@link #keepsValue}); else null. */
    Field field(RexNode n) {
        n = uncast(n);
        return n instanceof RexInputRef ref ? fields.get(ref.getIndex()) : null;
    }

    private static RexLiteral literal(RexNode n) {
        n = uncast(n);
        return n instanceof RexLiteral l ? l : null;
    }

    /** The signed integer types, narrowest first. */
    private static final List<SqlTypeName> INTEGERS =
            List.of(SqlTypeName.TINYINT, SqlTypeName.SMALLINT, SqlTypeName.INTEGER, SqlTypeName.BIGINT);

    /** The decimal digits of each of {@link #INTEGERS}. */
    private static final int[] INTEGER_DIGITS = {3, 5, 10, 19};

    /** {@code n} without the casts around it that keep every value as it is. */
    private static RexNode uncast(RexNode n) {
        while (n.getKind() == SqlKind.CAST
                && keepsValue(((RexCall) n).getOperands().get(0).getType(), n.getType())) {
            n = ((RexCall) n).getOperands().get(0);
        }
        return n;
    }

    /**
     * True if a cast from {@code from} to {@code to} changes no value: to a wider integer or a decimal with room
     * for its digits, to a VARCHAR without a length, or to the same type (nullability aside). A cast that can
     * cut ({@code VARCHAR(3)}), pad ({@code CHAR}), round or overflow stays, and the predicate over it is not
     * compiled.
     */
    static boolean keepsValue(RelDataType from, RelDataType to) {
        SqlTypeName f = from.getSqlTypeName();
        SqlTypeName t = to.getSqlTypeName();
        if (INTEGERS.contains(f) && INTEGERS.contains(t)) {
            return INTEGERS.indexOf(t) >= INTEGERS.indexOf(f);
        }
        if (INTEGERS.contains(f) && t == SqlTypeName.DECIMAL) {
            return to.getPrecision() - to.getScale() >= INTEGER_DIGITS[INTEGERS.indexOf(f)];
        }
        if (SqlTypeName.CHAR_TYPES.contains(f) && t == SqlTypeName.VARCHAR) {
            int cut = to.getPrecision();
            return cut == RelDataType.PRECISION_NOT_SPECIFIED
                    || (from.getPrecision() != RelDataType.PRECISION_NOT_SPECIFIED && from.getPrecision() <= cut);
        }
        return f == t && from.getPrecision() == to.getPrecision() && from.getScale() == to.getScale();
    }

    private static boolean isText(Field f) {
        return f.type() == FieldType.VARCHAR;
    }

    /** True for the fields whose values are whole numbers ({@link Field#getLong}): not DOUBLE, not bytes. */
    private static boolean isWhole(Field f) {
        return f.type() != FieldType.DOUBLE && f.type() != FieldType.VARBINARY && !isText(f);
    }

    private Cond comparison(RexCall call) {
        SqlKind kind = call.getKind();
        Field f = field(call.getOperands().get(0));
        RexLiteral lit = literal(call.getOperands().get(1));
        if (f == null || lit == null) {
            f = field(call.getOperands().get(1));
            lit = literal(call.getOperands().get(0));
            kind = kind.reverse();
        }
        if (f == null || lit == null) {
            return null;
        }
        if (lit.isNull()) {
            return c -> UNKNOWN;
        }
        Field field = f;
        SqlKind op = kind;
        if (isText(f)) {
            String want = text(lit);
            if (want == null) {
                return null;
            }
            return c -> {
                String v = field.getString(c);
                return v == null ? UNKNOWN : holds(op, v.compareTo(want)) ? TRUE : FALSE;
            };
        }
        if ((f.type() == FieldType.BIGINT || f.type() == FieldType.INTEGER)
                && lit.getValue() instanceof BigDecimal d
                && d.stripTrailingZeros().scale() > 0) {
            return fractional(field, op, d);
        }
        Long want = number(field, lit);
        if (want == null) {
            return null;
        }
        long w = want;
        boolean timestamp = f.type() == FieldType.TIMESTAMP;
        return c -> {
            if (field.isNull(c)) {
                return UNKNOWN;
            }
            long v = timestamp ? Math.floorDiv(field.getLong(c), 1_000_000L) : field.getLong(c);
            return holds(op, Long.compare(v, w)) ? TRUE : FALSE;
        };
    }

    /**
     * A whole-number field against a fraction: never equal, and {@code v < 53.5} is {@code v <= 53}, {@code v >
     * 53.5} is {@code v >= 54}.
     */
    private static Cond fractional(Field field, SqlKind op, BigDecimal d) {
        if (op == SqlKind.EQUALS || op == SqlKind.NOT_EQUALS) {
            int result = op == SqlKind.EQUALS ? FALSE : TRUE;
            return c -> field.isNull(c) ? UNKNOWN : result;
        }
        boolean below = op == SqlKind.LESS_THAN || op == SqlKind.LESS_THAN_OR_EQUAL;
        long w;
        try {
            w = d.setScale(0, below ? RoundingMode.FLOOR : RoundingMode.CEILING).longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
        SqlKind inclusive = below ? SqlKind.LESS_THAN_OR_EQUAL : SqlKind.GREATER_THAN_OR_EQUAL;
        return c -> field.isNull(c) ? UNKNOWN : holds(inclusive, Long.compare(field.getLong(c), w)) ? TRUE : FALSE;
    }

    private static boolean holds(SqlKind op, int cmp) {
        return switch (op) {
            case EQUALS -> cmp == 0;
            case NOT_EQUALS -> cmp != 0;
            case LESS_THAN -> cmp < 0;
            case LESS_THAN_OR_EQUAL -> cmp <= 0;
            case GREATER_THAN -> cmp > 0;
            default -> cmp >= 0;
        };
    }

    /** A literal's text (strings only), or null. */
    static String text(RexLiteral lit) {
        Comparable<?> v = lit.getValue();
        return v instanceof NlsString s ? s.getValue() : null;
    }

    /**
     * A literal as the field's comparable number: the integer itself, milliseconds for a timestamp, 0/1 for a
     * boolean; null when it is of another kind or not a whole number.
     */
    private static Long number(Field f, RexLiteral lit) {
        if (!isWhole(f)) {
            return null;
        }
        Comparable<?> v = lit.getValue();
        if (f.type() == FieldType.TIMESTAMP) {
            // getValue() gives a timestamp as a Calendar; its TimestampString has the milliseconds
            return lit.getTypeName() == SqlTypeName.TIMESTAMP
                    ? lit.getValueAs(TimestampString.class).getMillisSinceEpoch()
                    : null;
        }
        if (v instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (v instanceof BigDecimal d) {
            try {
                return d.longValueExact();
            } catch (ArithmeticException e) {
                return null;
            }
        }
        return null;
    }

    private Cond search(RexCall call) {
        Field f = field(call.getOperands().get(0));
        RexLiteral lit = literal(call.getOperands().get(1));
        if (f == null || lit == null || !(lit.getValue() instanceof Sarg<?> sarg)) {
            return null;
        }
        int onNull = sarg.nullAs == RexUnknownAs.TRUE ? TRUE : sarg.nullAs == RexUnknownAs.FALSE ? FALSE : UNKNOWN;
        if (isText(f)) {
            TextSet set = textSet(sarg);
            if (set == null) {
                return null;
            }
            return c -> {
                String v = f.getString(c);
                return v == null ? onNull : set.contains(v) ? TRUE : FALSE;
            };
        }
        NumberSet set = isWhole(f) ? numberSet(sarg, f.type() == FieldType.TIMESTAMP) : null;
        if (set == null) {
            return null;
        }
        boolean timestamp = f.type() == FieldType.TIMESTAMP;
        return c -> {
            if (f.isNull(c)) {
                return onNull;
            }
            long v = timestamp ? Math.floorDiv(f.getLong(c), 1_000_000L) : f.getLong(c);
            return set.contains(v) ? TRUE : FALSE;
        };
    }

    /** A set of strings: exact points, or ranges. */
    record TextSet(Set<String> points, boolean complemented, List<Range<String>> ranges) {
        boolean contains(String v) {
            if (points != null) {
                return points.contains(v) != complemented;
            }
            for (Range<String> r : ranges) {
                if (r.contains(v)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A set of whole numbers: exact points, or closed ranges. */
    record NumberSet(LongOpenHashSet points, boolean complemented, long[] lows, long[] highs) {
        boolean contains(long v) {
            if (points != null) {
                return points.contains(v) != complemented;
            }
            for (int i = 0; i < lows.length; i++) {
                if (v >= lows[i] && v <= highs[i]) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The strings of a Sarg over text, or null. */
    static TextSet textSet(Sarg<?> sarg) {
        if (sarg.isPoints() || sarg.isComplementedPoints()) {
            boolean complemented = !sarg.isPoints();
            Set<String> points = new HashSet<>();
            Sarg<?> pointsOf = complemented ? sarg.negate() : sarg;
            for (Range<?> r : pointsOf.rangeSet.asRanges()) {
                if (!(r.lowerEndpoint() instanceof NlsString s)) {
                    return null;
                }
                points.add(s.getValue());
            }
            return new TextSet(Set.copyOf(points), complemented, null);
        }
        List<Range<String>> ranges = new ArrayList<>();
        for (Range<?> r : sarg.rangeSet.asRanges()) {
            Range<String> t = Range.all();
            if (r.hasLowerBound()) {
                if (!(r.lowerEndpoint() instanceof NlsString s)) {
                    return null;
                }
                t = t.intersection(
                        r.lowerBoundType() == BoundType.CLOSED
                                ? Range.atLeast(s.getValue())
                                : Range.greaterThan(s.getValue()));
            }
            if (r.hasUpperBound()) {
                if (!(r.upperEndpoint() instanceof NlsString s)) {
                    return null;
                }
                t = t.intersection(
                        r.upperBoundType() == BoundType.CLOSED
                                ? Range.atMost(s.getValue())
                                : Range.lessThan(s.getValue()));
            }
            ranges.add(t);
        }
        return new TextSet(null, false, List.copyOf(ranges));
    }

    /** The whole numbers (milliseconds for timestamps) of a Sarg, or null. */
    static NumberSet numberSet(Sarg<?> sarg, boolean timestamp) {
        if (sarg.isPoints() || sarg.isComplementedPoints()) {
            boolean complemented = !sarg.isPoints();
            LongOpenHashSet points = new LongOpenHashSet();
            Sarg<?> pointsOf = complemented ? sarg.negate() : sarg;
            for (Range<?> r : pointsOf.rangeSet.asRanges()) {
                Long v = exact(r.lowerEndpoint(), timestamp);
                if (v == null) {
                    return null;
                }
                points.add((long) v);
            }
            return new NumberSet(points, complemented, null, null);
        }
        List<long[]> ranges = new ArrayList<>();
        for (Range<?> r : sarg.rangeSet.asRanges()) {
            long lo = Long.MIN_VALUE;
            long hi = Long.MAX_VALUE;
            if (r.hasLowerBound()) {
                BigDecimal b = decimal(r.lowerEndpoint(), timestamp);
                if (b == null) {
                    return null;
                }
                BigDecimal up = b.setScale(0, RoundingMode.CEILING);
                lo = up.longValue() + (r.lowerBoundType() == BoundType.OPEN && up.compareTo(b) == 0 ? 1 : 0);
            }
            if (r.hasUpperBound()) {
                BigDecimal b = decimal(r.upperEndpoint(), timestamp);
                if (b == null) {
                    return null;
                }
                BigDecimal down = b.setScale(0, RoundingMode.FLOOR);
                hi = down.longValue() - (r.upperBoundType() == BoundType.OPEN && down.compareTo(b) == 0 ? 1 : 0);
            }
            ranges.add(new long[] {lo, hi});
        }
        long[] lows = new long[ranges.size()];
        long[] highs = new long[ranges.size()];
        for (int i = 0; i < lows.length; i++) {
            lows[i] = ranges.get(i)[0];
            highs[i] = ranges.get(i)[1];
        }
        return new NumberSet(null, false, lows, highs);
    }

    private static BigDecimal decimal(Object v, boolean timestamp) {
        if (timestamp) {
            return v instanceof TimestampString t ? BigDecimal.valueOf(t.getMillisSinceEpoch()) : null;
        }
        return v instanceof BigDecimal d ? d : null;
    }

    private static Long exact(Object v, boolean timestamp) {
        BigDecimal d = decimal(v, timestamp);
        if (d == null) {
            return null;
        }
        try {
            return d.longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    private Cond like(RexCall call) {
        List<RexNode> ops = call.getOperands();
        Field f = field(ops.get(0));
        RexLiteral pat = literal(ops.get(1));
        if (f == null || !isText(f) || pat == null || text(pat) == null) {
            return null;
        }
        Character escape = null;
        if (ops.size() > 2) {
            RexLiteral e = literal(ops.get(2));
            String es = e == null ? null : text(e);
            if (es == null || es.length() != 1) {
                return null;
            }
            escape = es.charAt(0);
        }
        Predicate<String> matcher = likeMatcher(text(pat), escape);
        return c -> {
            String v = f.getString(c);
            return v == null ? UNKNOWN : matcher.test(v) ? TRUE : FALSE;
        };
    }

    /** SQL LIKE as a test: plain prefix, suffix and infix patterns without a regex, others as one. */
    static Predicate<String> likeMatcher(String pattern, Character escape) {
        boolean special = escape != null || pattern.indexOf('_') >= 0;
        if (!special) {
            String core = pattern;
            boolean lead = core.startsWith("%");
            boolean trail = core.endsWith("%") && core.length() > (lead ? 1 : 0);
            String mid = core.substring(lead ? 1 : 0, core.length() - (trail ? 1 : 0));
            if (mid.indexOf('%') < 0) {
                if (lead && trail) {
                    return v -> v.contains(mid);
                }
                if (lead) {
                    return v -> v.endsWith(mid);
                }
                if (trail) {
                    return v -> v.startsWith(mid);
                }
                return v -> v.equals(mid);
            }
        }
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char ch = pattern.charAt(i);
            if (escape != null && ch == escape && i + 1 < pattern.length()) {
                re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (ch == '%') {
                re.append("(?s:.*)");
            } else if (ch == '_') {
                re.append("(?s:.)");
            } else {
                re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        Pattern p = Pattern.compile(re.toString());
        return v -> p.matcher(v).matches();
    }
}
