// SPDX-License-Identifier: Apache-2.0
package sysql.capture.engine;

import java.util.BitSet;
import java.util.Set;
import java.util.TreeSet;
import sysql.capture.EventTypes;

/**
 * What one consumer needs from the kernel probe: the syscalls it wants (by x86_64 number; null = all) and the
 * threads it wants (tids/pids and thread names; both null = every thread). The probe captures a superset of
 * what every consumer needs: {@link #union} merges the filters of several consumers, and the hub adds the
 * syscalls that keep the state tables right. A filter is immutable.
 */
public final class KernelFilter {
    /** Captures everything: the filter of a consumer that cannot narrow the capture. */
    public static final KernelFilter ALL = new KernelFilter(null, null, null);

    private final BitSet syscalls;
    private final Set<Integer> pids;
    private final Set<String> comms;

    private KernelFilter(BitSet syscalls, Set<Integer> pids, Set<String> comms) {
        this.syscalls = syscalls;
        this.pids = pids;
        this.comms = comms;
    }

    /** Only these syscalls (x86_64 numbers), from every thread. */
    public static KernelFilter syscalls(BitSet numbers) {
        return new KernelFilter((BitSet) numbers.clone(), null, null);
    }

    /** Every syscall, from threads whose tid or pid is one of {@code ids}. */
    public static KernelFilter pids(Set<Integer> ids) {
        return new KernelFilter(null, Set.copyOf(ids), null);
    }

    /** Every syscall, from threads named (comm) one of {@code names}. */
    public static KernelFilter comms(Set<String> names) {
        return new KernelFilter(null, null, Set.copyOf(names));
    }

    /** The syscalls of this filter and the threads of {@code other} (for a conjunction of two predicates). */
    public KernelFilter and(KernelFilter other) {
        BitSet s = syscalls == null
                ? other.syscalls
                : other.syscalls == null ? syscalls : intersect(syscalls, other.syscalls);
        // Threads: keep the narrower description (a superset of the conjunction either way).
        boolean mineNarrower = allThreads() ? false : other.allThreads() || size(this) <= size(other);
        Set<Integer> p = mineNarrower ? pids : other.pids;
        Set<String> c = mineNarrower ? comms : other.comms;
        return new KernelFilter(s, p, c);
    }

    private static int size(KernelFilter f) {
        return (f.pids == null ? 0 : f.pids.size()) + (f.comms == null ? 0 : f.comms.size());
    }

    private static BitSet intersect(BitSet a, BitSet b) {
        BitSet r = (BitSet) a.clone();
        r.and(b);
        return r;
    }

    /** What both consumers need: the union of their syscalls and of their threads. */
    public KernelFilter union(KernelFilter other) {
        BitSet s = null;
        if (syscalls != null && other.syscalls != null) {
            s = (BitSet) syscalls.clone();
            s.or(other.syscalls);
        }
        if (allThreads() || other.allThreads()) {
            return new KernelFilter(s, null, null);
        }
        return new KernelFilter(s, merge(pids, other.pids), merge(comms, other.comms));
    }

    private static <T> Set<T> merge(Set<T> a, Set<T> b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        Set<T> r = new java.util.HashSet<>(a);
        r.addAll(b);
        return Set.copyOf(r);
    }

    /** True if every event this filter lets through also passes {@code wider}. */
    public boolean within(KernelFilter wider) {
        if (wider.syscalls != null && (syscalls == null || !isSubset(syscalls, wider.syscalls))) {
            return false;
        }
        if (wider.allThreads()) {
            return true;
        }
        if (allThreads()) {
            return false;
        }
        return (pids == null || (wider.pids != null && wider.pids.containsAll(pids)))
                && (comms == null || (wider.comms != null && wider.comms.containsAll(comms)));
    }

    private static boolean isSubset(BitSet a, BitSet b) {
        BitSet r = (BitSet) a.clone();
        r.andNot(b);
        return r.isEmpty();
    }

    /** The syscalls, or null for all. A copy. */
    public BitSet syscalls() {
        return syscalls == null ? null : (BitSet) syscalls.clone();
    }

    /** The tids/pids selected, or null. */
    public Set<Integer> pids() {
        return pids;
    }

    /** The thread names selected, or null. */
    public Set<String> comms() {
        return comms;
    }

    public boolean allSyscalls() {
        return syscalls == null;
    }

    public boolean allThreads() {
        return pids == null && comms == null;
    }

    public boolean isAll() {
        return allSyscalls() && allThreads();
    }

    /**
     * {@code syscalls=[openat, read] threads=pid in [42]}, or {@code syscalls=all but [futex, getppid] threads=all}
     * for most syscalls: what EXPLAIN and capture_stats show.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("syscalls=");
        if (syscalls == null) {
            sb.append("all");
        } else {
            // most syscalls (a NOT IN): the few left out, shorter to read
            BitSet known = new BitSet();
            for (int nr = 0; nr < sysql.driver.EventTables.SYSCALL_TABLE_SIZE; nr++) {
                if (EventTypes.syscallEventName(nr) != null) {
                    known.set(nr);
                }
            }
            BitSet out = (BitSet) known.clone();
            out.andNot(syscalls);
            boolean mostly = isSubset(syscalls, known) && out.cardinality() < syscalls.cardinality();
            Set<String> names = new TreeSet<>();
            (mostly ? out : syscalls).stream().forEach(nr -> names.add(String.valueOf(EventTypes.syscallName(nr))));
            sb.append(mostly ? "all but " : "").append(names);
        }
        sb.append(" threads=");
        if (allThreads()) {
            sb.append("all");
        } else {
            StringBuilder who = new StringBuilder();
            if (pids != null) {
                who.append("pid in ").append(new TreeSet<>(pids));
            }
            if (comms != null) {
                who.append(who.length() > 0 ? " or " : "").append("comm in ").append(new TreeSet<>(comms));
            }
            sb.append(who);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KernelFilter k
                && java.util.Objects.equals(syscalls, k.syscalls)
                && java.util.Objects.equals(pids, k.pids)
                && java.util.Objects.equals(comms, k.comms);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(syscalls, pids, comms);
    }
}
