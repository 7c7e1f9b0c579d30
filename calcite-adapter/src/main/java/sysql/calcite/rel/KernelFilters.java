// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import com.google.common.collect.Range;
import java.math.BigDecimal;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.Sarg;
import sysql.capture.EventTypes;
import sysql.capture.engine.KernelFilter;
import sysql.capture.fields.Field;
import sysql.driver.EventTables;

/**
 * The part of a query's predicate the kernel probe can evaluate: conjuncts on {@code evt.type} (=, <>, IN,
 * NOT IN: a syscall set), {@code proc.pid} and {@code thread.tid} (=, IN: a pid set) and {@code proc.name}
 * (=, IN: a comm set). The result is a superset of what the predicate keeps; the whole predicate still runs
 * in the capture layer. {@link Names} (a set of values of one of those fields) is shared with the daemon's
 * history filter ({@code sysql.calcite.HistoryFilter}), which parses the same conditions from text.
 */
public final class KernelFilters {
    /** Longest thread name the kernel keeps (TASK_COMM_LEN - 1). */
    private static final int COMM_MAX = 15;

    private KernelFilters() {}

    static KernelFilter of(RexNode condition, List<Field> fields) {
        KernelFilter k = KernelFilter.ALL;
        if (condition == null) {
            return k;
        }
        EventPredicates fieldsOf = new EventPredicates(fields);
        for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
            KernelFilter part = conjunct(conjunct, fieldsOf);
            if (part != null) {
                k = k.and(part);
            }
        }
        return k;
    }

    /** What one conjunct asks of the kernel, or null when it cannot be said there. */
    private static KernelFilter conjunct(RexNode n, EventPredicates fieldsOf) {
        Names names = names(n, fieldsOf);
        return names == null ? null : names.kernelFilter();
    }

    /** The evt.type names of syscall events: what a syscall set can select. */
    private static final Set<String> SYSCALL_EVENT_NAMES = syscallEventNames();

    private static Set<String> syscallEventNames() {
        Set<String> names = new HashSet<>();
        for (int nr = 0; nr < EventTables.SYSCALL_TABLE_SIZE; nr++) {
            String name = EventTypes.syscallEventName(nr);
            if (name != null) {
                names.add(name);
            }
        }
        return Set.copyOf(names);
    }

    /** True if {@code name} is the evt.type of some syscall's events ({@code openat}, {@code getppid}...). */
    public static boolean isSyscallEventName(String name) {
        return SYSCALL_EVENT_NAMES.contains(name);
    }

    /**
     * A set of values of one field: {@code values}, or everything but them ({@code complemented}); a field's
     * values as text ({@code evt.type} names, pids as whole numbers, {@code proc.name} comms).
     */
    public record Names(String field, Set<String> values, boolean complemented) {
        public Names {
            values = Set.copyOf(values);
        }

        public boolean contains(String v) {
            return values.contains(v) != complemented;
        }

        /** The values of either (exact), or null when the fields differ. */
        public Names union(Names o) {
            if (!field.equals(o.field)) {
                return null;
            }
            Set<String> r = new HashSet<>();
            if (!complemented && !o.complemented) {
                r.addAll(values);
                r.addAll(o.values);
                return new Names(field, r, false);
            }
            // A ∪ ¬B = ¬(B − A); ¬A ∪ ¬B = ¬(A ∩ B)
            if (complemented && o.complemented) {
                r.addAll(values);
                r.retainAll(o.values);
            } else {
                Set<String> pos = complemented ? o.values : values;
                Set<String> neg = complemented ? values : o.values;
                r.addAll(neg);
                r.removeAll(pos);
            }
            return new Names(field, r, true);
        }

        /**
         * The values of a disjunction: the union of what {@code names} says of each of {@code parts}, or null when
         * it says nothing of one or they are not all on one field.
         */
        public static <T> Names unionOf(List<T> parts, Function<T, Names> names) {
            Names acc = null;
            for (T part : parts) {
                Names n = names.apply(part);
                acc = n == null ? null : acc == null ? n : acc.union(n);
                if (acc == null) {
                    return null;
                }
            }
            return acc;
        }

        /** Everything but these values. */
        public Names negate() {
            return new Names(field, values, !complemented);
        }

        /**
         * What the kernel keeps for this set: {@code evt.type} a syscall set (names that are no syscall's select
         * nothing), {@code proc.pid}/{@code thread.tid} a pid set, {@code proc.name} a comm set (cut to the 15
         * characters the kernel keeps); null when the kernel cannot say it (another field, a complemented pid or
         * comm set, too many pids or comms).
         */
        public KernelFilter kernelFilter() {
            switch (field) {
                case "evt.type": {
                    BitSet syscalls = new BitSet();
                    for (int nr = 0; nr < EventTables.SYSCALL_TABLE_SIZE; nr++) {
                        String name = EventTypes.syscallEventName(nr);
                        if (name != null && contains(name)) {
                            syscalls.set(nr);
                        }
                    }
                    return KernelFilter.syscalls(syscalls);
                }
                case "proc.pid", "thread.tid": {
                    if (complemented) {
                        return null;
                    }
                    Set<Integer> pids = new HashSet<>();
                    for (String v : values) {
                        long pid = Long.parseLong(v);
                        if (pid > 0 && pid <= (1 << 22)) {
                            pids.add((int) pid); // a value no thread can have matches nothing: the others still do
                        }
                    }
                    return pids.size() <= EventTables.PID_FILTER_MAX ? KernelFilter.pids(pids) : null;
                }
                case "proc.name": {
                    if (complemented) {
                        return null;
                    }
                    Set<String> comms = new HashSet<>();
                    for (String v : values) {
                        if (v.isEmpty()) {
                            continue;
                        }
                        comms.add(v.length() > COMM_MAX ? v.substring(0, COMM_MAX) : v);
                    }
                    return comms.isEmpty() || comms.size() > 256 ? null : KernelFilter.comms(comms);
                }
                default:
                    return null;
            }
        }
    }

    /** The field and values a (disjunction of) =, <>, IN or NOT IN on one field denotes, or null. */
    private static Names names(RexNode n, EventPredicates fieldsOf) {
        if (!(n instanceof RexCall call)) {
            return null;
        }
        List<RexNode> ops = call.getOperands();
        switch (call.getKind()) {
            case OR:
                return Names.unionOf(ops, op -> names(op, fieldsOf));
            case EQUALS, NOT_EQUALS: {
                Field f = fieldsOf.field(ops.get(0));
                RexLiteral lit = ops.get(1) instanceof RexLiteral l ? l : null;
                if (f == null || lit == null) {
                    f = fieldsOf.field(ops.get(1));
                    lit = ops.get(0) instanceof RexLiteral l ? l : null;
                }
                String v = f == null || lit == null ? null : value(lit.getValue());
                return v == null ? null : new Names(f.name(), Set.of(v), call.getKind() == SqlKind.NOT_EQUALS);
            }
            case SEARCH: {
                Field f = fieldsOf.field(ops.get(0));
                if (f == null || !(ops.get(1) instanceof RexLiteral lit) || !(lit.getValue() instanceof Sarg<?> sarg)) {
                    return null;
                }
                boolean complemented = !sarg.isPoints();
                if (complemented && !sarg.isComplementedPoints()) {
                    return null;
                }
                Set<String> values = new HashSet<>();
                Sarg<?> pointsOf = complemented ? sarg.negate() : sarg;
                for (Range<?> r : pointsOf.rangeSet.asRanges()) {
                    String v = value(r.lowerEndpoint());
                    if (v == null) {
                        return null;
                    }
                    values.add(v);
                }
                return new Names(f.name(), values, complemented);
            }
            default:
                return null;
        }
    }

    /** A literal value as text: a string, or a whole number. */
    private static String value(Object v) {
        if (v instanceof NlsString s) {
            return s.getValue();
        }
        if (v instanceof BigDecimal d) {
            try {
                return Long.toString(d.longValueExact());
            } catch (ArithmeticException e) {
                return null;
            }
        }
        return null;
    }
}
