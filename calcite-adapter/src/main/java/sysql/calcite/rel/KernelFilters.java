// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import com.google.common.collect.Range;
import java.math.BigDecimal;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * in the capture layer.
 */
final class KernelFilters {
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
        if (names == null) {
            return null;
        }
        switch (names.field) {
            case "evt.type": {
                BitSet syscalls = new BitSet();
                for (int nr = 0; nr < EventTables.SYSCALL_TABLE_SIZE; nr++) {
                    String name = EventTypes.syscallEventName(nr);
                    if (name != null && names.contains(name)) {
                        syscalls.set(nr);
                    }
                }
                return KernelFilter.syscalls(syscalls);
            }
            case "proc.pid", "thread.tid": {
                if (names.complemented) {
                    return null;
                }
                Set<Integer> pids = new HashSet<>();
                for (String v : names.values) {
                    long pid = Long.parseLong(v);
                    if (pid <= 0 || pid > (1 << 22)) {
                        return KernelFilter.pids(Set.of()); // no thread has it: nothing passes
                    }
                    pids.add((int) pid);
                }
                return pids.size() <= EventTables.PID_FILTER_MAX ? KernelFilter.pids(pids) : null;
            }
            case "proc.name": {
                if (names.complemented) {
                    return null;
                }
                Set<String> comms = new HashSet<>();
                for (String v : names.values) {
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

    /** A set of values of one field: {@code values}, or everything but them. */
    private record Names(String field, Set<String> values, boolean complemented) {
        boolean contains(String v) {
            return values.contains(v) != complemented;
        }

        Names union(Names o) {
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
    }

    /** The field and values a (disjunction of) =, <>, IN or NOT IN on one field denotes, or null. */
    private static Names names(RexNode n, EventPredicates fieldsOf) {
        if (!(n instanceof RexCall call)) {
            return null;
        }
        List<RexNode> ops = call.getOperands();
        switch (call.getKind()) {
            case OR: {
                Names acc = null;
                for (RexNode op : ops) {
                    Names part = names(op, fieldsOf);
                    if (part == null) {
                        return null;
                    }
                    acc = acc == null ? part : acc.union(part);
                    if (acc == null) {
                        return null;
                    }
                }
                return acc;
            }
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
