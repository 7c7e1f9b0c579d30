// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sysql.capture.Event;
import sysql.capture.EventTypes;
import sysql.capture.engine.HistoryKeep;
import sysql.capture.engine.KernelFilter;
import sysql.driver.EventTables;

/**
 * Which live events the history records under a history filter: the filter's syscalls from the filter's threads,
 * and always the events the state needs (state syscalls, events that are no syscall), on synthesized events.
 */
class HistoryKeepTest {
    private static final int GETPPID = EventTypes.syscallNumber("getppid");
    private static final int GETPID = EventTypes.syscallNumber("getpid");
    /** The state syscalls, as the hub has them: here openat and close (any set works, the hub gives its own). */
    private static final BitSet STATE = syscalls("openat", "close");

    static BitSet syscalls(String... names) {
        BitSet b = new BitSet();
        for (String n : names) {
            b.set(EventTypes.syscallNumber(n));
        }
        return b;
    }

    /** Every syscall but these. */
    static BitSet allBut(String... names) {
        BitSet b = new BitSet();
        b.set(0, EventTables.SYSCALL_TABLE_SIZE);
        b.andNot(syscalls(names));
        return b;
    }

    /** sysdig's syscall code of x86_64 syscall {@code nr} (the ID of its generic events). */
    static int sysdigCode(int nr) {
        int[] code = {-1};
        EventTables.syscalls((n, name, c, enter, flags) -> {
            if (n == nr) {
                code[0] = c;
            }
        });
        return code[0];
    }

    /** An event of type {@code code} with these 2-byte integer parameters (generic events: ID, nativeID). */
    static Event generic(int code, long tid, int... params) {
        int len = Event.HEADER_LEN + 4 * params.length;
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(1_000L).putLong(tid).putInt(len).putShort((short) code).putInt(params.length);
        for (int i = 0; i < params.length; i++) {
            b.putShort((short) 2);
        }
        for (int p : params) {
            b.putShort((short) p);
        }
        return new Event().wrap(b.flip(), 0, 0);
    }

    /** sysql's generic event with raw arguments, as the probe emits for a syscall without a typed event. */
    static Event genericArgs(boolean enter, long tid, int nr) {
        int code = EventTables.EVENT_GENERIC_ARGS_E + (enter ? 0 : 1);
        int n = enter ? 8 : 3;
        int len = Event.HEADER_LEN + 2 * n + 2 + 2 + (enter ? 6 * 8 : 8);
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(1_000L).putLong(tid).putInt(len).putShort((short) code).putInt(n);
        b.putShort((short) 2).putShort((short) 2);
        for (int i = 2; i < n; i++) {
            b.putShort((short) 8);
        }
        b.putShort((short) sysdigCode(nr)).putShort((short) nr);
        for (int i = 2; i < n; i++) {
            b.putLong(0);
        }
        return new Event().wrap(b.flip(), 0, 0);
    }

    static ThreadTable threads() {
        ThreadTable t = new ThreadTable(null);
        t.putInitial(thread(100, 100, "nginx"));
        t.putInitial(thread(101, 100, "nginx-worker"));
        t.putInitial(thread(200, 200, "curl"));
        return t;
    }

    static ThreadInfo thread(long tid, long pid, String comm) {
        ThreadInfo t = new ThreadInfo(tid);
        t.pid = pid;
        t.comm = comm;
        return t;
    }

    @Test
    void recordsEverythingWithoutAFilter() {
        assertNull(HistoryKeep.of(KernelFilter.ALL, STATE));
        assertNull(HistoryKeep.of(null, STATE));
    }

    @Test
    void dropsTheSyscallsTheFilterLeavesOutAndNothingElse() {
        HistoryKeep keep = HistoryKeep.of(KernelFilter.syscalls(allBut("getppid", "write")), STATE);
        ThreadTable t = threads();
        // typed events
        assertFalse(keep.keeps(TestEvents.enter("write").event(1, 200), t));
        assertFalse(keep.keeps(TestEvents.exit("write").event(1, 200), t));
        assertTrue(keep.keeps(TestEvents.enter("read").event(1, 200), t));
        assertTrue(keep.keeps(TestEvents.exit("read").event(1, 200), t));
        // the probe's generic events (the native number in both)
        assertFalse(keep.keeps(genericArgs(true, 200, GETPPID), t));
        assertFalse(keep.keeps(genericArgs(false, 200, GETPPID), t));
        assertTrue(keep.keeps(genericArgs(true, 200, GETPID), t));
        assertTrue(keep.keeps(genericArgs(false, 200, GETPID), t));
        // sysdig's generic events (a capture file's): the native number on enter, sysdig's code on exit
        int ge = EventTables.EVENT_GENERIC_E;
        assertFalse(keep.keeps(generic(ge, 200, sysdigCode(GETPPID), GETPPID), t));
        assertFalse(keep.keeps(generic(ge + 1, 200, sysdigCode(GETPPID)), t));
        assertTrue(keep.keeps(generic(ge, 200, sysdigCode(GETPID), GETPID), t));
        assertTrue(keep.keeps(generic(ge + 1, 200, sysdigCode(GETPID)), t));
    }

    @Test
    void keepsWhatTheStateNeedsWhateverTheFilterSays() {
        // only reads of process 100
        HistoryKeep keep =
                HistoryKeep.of(KernelFilter.syscalls(syscalls("read")).and(KernelFilter.pids(Set.of(100))), STATE);
        ThreadTable t = threads();
        assertTrue(keep.keeps(TestEvents.enter("openat").event(1, 200), t), "a state syscall of another process");
        assertTrue(keep.keeps(TestEvents.exit("openat").event(1, 200), t));
        assertTrue(keep.keeps(TestEvents.exit("close").event(1, 200), t));
        assertTrue(keep.keeps(TestEvents.enter("procexit").event(1, 200), t), "no syscall: always kept");
        assertFalse(keep.keeps(TestEvents.exit("write").event(1, 100), t), "not the filter's syscall");
        assertFalse(keep.keeps(TestEvents.exit("read").event(1, 200), t), "not the filter's process");
        assertTrue(keep.keeps(TestEvents.exit("read").event(1, 100), t));
        assertTrue(keep.keeps(TestEvents.exit("read").event(1, 101), t), "a thread of the process");
        assertTrue(keep.keeps(TestEvents.exit("read").event(1, 999), t), "a thread not known yet is kept");
        assertTrue(keep.keeps(TestEvents.exit("read").event(1, 999), null));
    }

    @Test
    void keepsTheThreadsOfTheFilterByNameOrPid() {
        HistoryKeep byName = HistoryKeep.of(KernelFilter.comms(Set.of("curl")), STATE);
        ThreadTable t = threads();
        assertTrue(byName.keeps(TestEvents.exit("read").event(1, 200), t));
        assertFalse(byName.keeps(TestEvents.exit("read").event(1, 100), t));
        assertFalse(byName.keeps(genericArgs(true, 101, GETPPID), t));
        HistoryKeep either =
                HistoryKeep.of(KernelFilter.comms(Set.of("curl")).union(KernelFilter.pids(Set.of(101))), STATE);
        assertTrue(either.keeps(TestEvents.exit("read").event(1, 200), t));
        assertTrue(either.keeps(TestEvents.exit("read").event(1, 101), t));
        assertFalse(either.keeps(TestEvents.exit("read").event(1, 100), t), "101 is a thread of 100, not the reverse");
    }

    @Test
    void allocatesNothingPerEvent() {
        HistoryKeep keep = HistoryKeep.of(
                KernelFilter.syscalls(allBut("getppid")).and(KernelFilter.comms(Set.of("curl", "nginx"))), STATE);
        ThreadTable t = threads();
        Event[] events = {
            TestEvents.exit("read").event(1, 200),
            TestEvents.exit("read").event(1, 101),
            TestEvents.exit("read").event(1, 5000),
            genericArgs(true, 200, GETPPID),
            genericArgs(false, 100, GETPID),
            generic(EventTables.EVENT_GENERIC_E + 1, 100, sysdigCode(GETPID)),
            TestEvents.enter("procexit").event(1, 200),
        };
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        int kept = 0;
        for (int i = 0; i < 200_000; i++) { // warm up
            kept += keep.keeps(events[i % events.length], t) ? 1 : 0;
        }
        long before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < 1_000_000; i++) {
            kept += keep.keeps(events[i % events.length], t) ? 1 : 0;
        }
        long allocated = mx.getThreadAllocatedBytes(id) - before;
        assertTrue(kept > 0);
        assertTrue(allocated < 4096, allocated + " bytes allocated for 1,000,000 events");
    }
}
