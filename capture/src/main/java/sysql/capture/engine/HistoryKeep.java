// SPDX-License-Identifier: Apache-2.0
package sysql.capture.engine;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Set;
import sysql.capture.Event;
import sysql.capture.state.ThreadInfo;
import sysql.capture.state.ThreadTable;
import sysql.driver.EventTables;

/**
 * Which live events the history records under a history filter: the events the filter lets through (its
 * syscalls, from its threads), and every event the state needs whatever the filter says, since a replay rebuilds
 * the process and fd tables from the recorded events: the state syscalls' events and every event that is no
 * syscall (process exits, container metadata, sysql's notifications...).
 *
 * <p>{@link #keeps} runs on the capture thread for every event: it reads tables made here once (by event type
 * code, by x86_64 syscall number, by sysdig syscall code for generic events) and looks the thread up in the live
 * thread table, allocating nothing and calling nothing native. A thread the table does not know (yet) is kept:
 * the history holds a superset of what the filter says, never less.
 */
public final class HistoryKeep {
    // kind of an event type code: 0 (the default) for an event that is no syscall's, or not one the syscall
    // table knows: always recorded.
    /** A syscall's event, decided by {@link #byCode}. */
    private static final byte TYPED = 1;
    /** sysdig's generic syscall event (ID = sysdig's syscall code; the enter event also has the native number). */
    private static final byte GENERIC = 2;
    /** sysql's generic event with raw arguments (the native number at parameter 1, enter and exit). */
    private static final byte GENERIC_ARGS = 3;

    /** The syscall is not in the filter: not recorded. */
    private static final byte DROP = 0;
    /** The syscall is in the filter: recorded when the thread is too. */
    private static final byte THREAD = 1;
    /** A state syscall: always recorded. */
    private static final byte KEEP = 2;

    private final KernelFilter filter;
    private final byte[] kind = new byte[EventTables.EVENT_CODE_LIMIT];
    private final byte[] byCode = new byte[EventTables.EVENT_CODE_LIMIT];
    private final byte[] byNr = new byte[EventTables.SYSCALL_TABLE_SIZE];
    private final byte[] byGenericCode;
    private final int[] pids; // sorted; null for any
    private final Set<String> comms; // null for any

    private HistoryKeep(KernelFilter filter, BitSet stateSyscalls) {
        this.filter = filter;
        int[] maxCode = {0};
        EventTables.syscalls((nr, name, code, enter, flags) -> maxCode[0] = Math.max(maxCode[0], code));
        byGenericCode = new byte[maxCode[0] + 1];
        BitSet syscalls = filter.syscalls();
        EventTables.syscalls((nr, name, code, enter, flags) -> {
            byte decision = stateSyscalls.get(nr) ? KEEP : syscalls == null || syscalls.get(nr) ? THREAD : DROP;
            byNr[nr] = decision;
            if (enter == EventTables.EVENT_GENERIC_E || enter == EventTables.EVENT_GENERIC_ARGS_E) {
                byGenericCode[code] = (byte) Math.max(byGenericCode[code], decision);
            } else if (enter >= 0 && enter + 1 < kind.length) {
                for (int c = enter; c <= enter + 1; c++) {
                    kind[c] = TYPED;
                    byCode[c] = (byte) Math.max(byCode[c], decision);
                }
            }
        });
        kind[EventTables.EVENT_GENERIC_E] = GENERIC;
        kind[EventTables.EVENT_GENERIC_E + 1] = GENERIC;
        kind[EventTables.EVENT_GENERIC_ARGS_E] = GENERIC_ARGS;
        kind[EventTables.EVENT_GENERIC_ARGS_E + 1] = GENERIC_ARGS;
        Set<Integer> p = filter.pids();
        pids = p == null
                ? null
                : p.stream().mapToInt(Integer::intValue).sorted().toArray();
        comms = filter.comms();
    }

    /**
     * What a history with {@code filter} records, besides the events of the syscalls in {@code stateSyscalls} (x86_64
     * numbers) and every event that is no syscall; null when it records everything.
     */
    public static HistoryKeep of(KernelFilter filter, BitSet stateSyscalls) {
        return filter == null || filter.isAll() ? null : new HistoryKeep(filter, stateSyscalls);
    }

    /** The history filter. */
    public KernelFilter filter() {
        return filter;
    }

    /**
     * Whether the history records {@code e}, whose thread {@code threads} holds as it was before {@code e} (null:
     * no thread is known). Allocates nothing.
     */
    public boolean keeps(Event e, ThreadTable threads) {
        int code = e.typeCode();
        if (code >= kind.length) {
            return true;
        }
        byte decision;
        switch (kind[code]) {
            case TYPED:
                decision = byCode[code];
                break;
            case GENERIC:
                // the enter event has the native number; the exit event only sysdig's code
                decision = e.nparams() > 1 ? nr(e, 1) : generic(e);
                break;
            case GENERIC_ARGS:
                decision = nr(e, 1);
                break;
            default:
                return true;
        }
        return decision == KEEP || (decision == THREAD && thread(e, threads));
    }

    /** The decision for the native syscall number at parameter {@code i}; KEEP when there is none. */
    private byte nr(Event e, int i) {
        long nr = integer(e, i);
        return nr >= 0 && nr < byNr.length ? byNr[(int) nr] : KEEP;
    }

    /** The decision for sysdig's syscall code at parameter 0 (every syscall that has it); KEEP when there is none. */
    private byte generic(Event e) {
        long code = integer(e, 0);
        return code >= 0 && code < byGenericCode.length ? byGenericCode[(int) code] : KEEP;
    }

    /** Integer parameter {@code i} (unsigned), or -1 when the event has no such parameter. */
    private static long integer(Event e, int i) {
        if (i >= e.nparams()) {
            return -1;
        }
        return switch (e.paramLength(i)) {
            case 1, 2, 4, 8 -> e.paramAsLong(i);
            default -> -1;
        };
    }

    /** Whether the event's thread is one of the filter's; true for a thread the table does not know. */
    private boolean thread(Event e, ThreadTable threads) {
        if (pids == null && comms == null) {
            return true;
        }
        long tid = e.tid();
        if (pids != null && has(pids, tid)) {
            return true;
        }
        ThreadInfo t = threads == null ? null : threads.get(tid);
        if (t == null || t.isPlaceholder()) {
            return true;
        }
        return (pids != null && has(pids, t.pid())) || (comms != null && comms.contains(t.comm()));
    }

    private static boolean has(int[] sorted, long id) {
        return id >= 0 && id <= Integer.MAX_VALUE && Arrays.binarySearch(sorted, (int) id) >= 0;
    }
}
