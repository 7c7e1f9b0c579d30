// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sysql.capture.EventTypes;
import sysql.capture.engine.KernelFilter;
import sysql.driver.EventTables;

/**
 * The daemon's history filter: a WHERE condition the kernel can keep exactly becomes that kernel filter; anything
 * else is a one-line error that names the part the kernel cannot keep.
 */
class HistoryFilterTest {
    /** The syscalls whose events evt.type names one of {@code names}. */
    static BitSet named(String... names) {
        Set<String> set = Set.of(names);
        BitSet b = new BitSet();
        for (int nr = 0; nr < EventTables.SYSCALL_TABLE_SIZE; nr++) {
            String name = EventTypes.syscallEventName(nr);
            if (name != null && set.contains(name)) {
                b.set(nr);
            }
        }
        return b;
    }

    /** Every syscall with an evt.type but those. */
    static BitSet allBut(String... names) {
        BitSet b = new BitSet();
        for (int nr = 0; nr < EventTables.SYSCALL_TABLE_SIZE; nr++) {
            if (EventTypes.syscallEventName(nr) != null) {
                b.set(nr);
            }
        }
        b.andNot(named(names));
        return b;
    }

    @Test
    void noFilterKeepsEverything() {
        assertSame(KernelFilter.ALL, HistoryFilter.parse(null));
        assertSame(KernelFilter.ALL, HistoryFilter.parse("  "));
    }

    @Test
    void syscallSets() {
        KernelFilter k = HistoryFilter.parse("evt.type NOT IN ('getppid','futex')");
        assertEquals(KernelFilter.syscalls(allBut("getppid", "futex")), k);
        assertFalse(k.syscalls().get(EventTypes.syscallNumber("getppid")));
        assertTrue(k.syscalls().get(EventTypes.syscallNumber("read")));
        assertEquals("syscalls=all but [futex, getppid] threads=all", k.toString());

        assertEquals(KernelFilter.syscalls(named("openat")), HistoryFilter.parse("evt.type = 'openat'"));
        assertEquals(KernelFilter.syscalls(named("openat")), HistoryFilter.parse("\"evt.type\" = 'openat'"));
        assertEquals(KernelFilter.syscalls(named("openat")), HistoryFilter.parse("'openat' = EVT.TYPE"));
        assertEquals(KernelFilter.syscalls(allBut("futex")), HistoryFilter.parse("evt.type <> 'futex'"));
        assertEquals(KernelFilter.syscalls(allBut("futex")), HistoryFilter.parse("evt.type != 'futex'"));
        assertEquals(KernelFilter.syscalls(allBut("futex")), HistoryFilter.parse("NOT evt.type = 'futex'"));
        assertEquals(
                KernelFilter.syscalls(named("read", "write")),
                HistoryFilter.parse("evt.type = 'read' OR evt.type IN ('write')"));
        assertEquals(
                KernelFilter.syscalls(named("read")),
                HistoryFilter.parse("evt.type IN ('read', 'write') AND evt.type <> 'write'"));
    }

    @Test
    void threads() {
        assertEquals(KernelFilter.pids(Set.of(42)), HistoryFilter.parse("proc.pid = 42"));
        assertEquals(KernelFilter.pids(Set.of(1, 2)), HistoryFilter.parse("thread.tid IN (1, 2)"));
        assertEquals(
                KernelFilter.comms(Set.of("nginx", "curl")),
                HistoryFilter.parse("proc.name = 'nginx' OR proc.name = 'curl'"));
        KernelFilter either = HistoryFilter.parse("proc.pid = 1 OR proc.name = 'curl'");
        assertEquals(Set.of(1), either.pids());
        assertEquals(Set.of("curl"), either.comms());
        assertTrue(either.allSyscalls());
    }

    @Test
    void syscallsOfSomeThreads() {
        KernelFilter k = HistoryFilter.parse("evt.type IN ('read', 'write') AND proc.pid = 42");
        assertEquals(KernelFilter.syscalls(named("read", "write")).and(KernelFilter.pids(Set.of(42))), k);
        assertEquals(
                KernelFilter.syscalls(named("read", "write")).and(KernelFilter.pids(Set.of(5))),
                HistoryFilter.parse("(evt.type = 'read' AND proc.pid = 5) OR (evt.type = 'write' AND proc.pid = 5)"));
        assertEquals(
                KernelFilter.syscalls(named("read")).and(KernelFilter.pids(Set.of(5, 6))),
                HistoryFilter.parse("(evt.type = 'read' AND proc.pid = 5) OR (proc.pid = 6 AND evt.type = 'read')"));
    }

    /** The one-line message parsing {@code where} fails with. */
    static String refusal(String where) {
        SysqlException e = assertThrows(SysqlException.class, () -> HistoryFilter.parse(where), where);
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.startsWith("history filter: "), m);
        return m;
    }

    @Test
    void refusesWhatTheKernelCannotKeep() {
        assertEquals(
                "history filter: fd.name LIKE '/etc/%' cannot be kept by the kernel; " + HistoryFilter.ACCEPTED,
                refusal("fd.name LIKE '/etc/%'"));
        assertEquals(
                "history filter: fd.name = '/etc/passwd' cannot be kept by the kernel; " + HistoryFilter.ACCEPTED,
                refusal("evt.type = 'read' AND fd.name = '/etc/passwd'"));
        String or = refusal("evt.type = 'read' OR proc.pid = 5");
        assertTrue(or.startsWith("history filter: evt.type = 'read' OR proc.pid = 5 cannot be kept"), or);
        String notPid = refusal("proc.pid <> 5");
        assertTrue(notPid.startsWith("history filter: proc.pid <> 5 cannot be kept"), notPid);
        String notIn = refusal("proc.name NOT IN ('a', 'b')");
        assertTrue(notIn.startsWith("history filter: proc.name NOT IN ('a', 'b') cannot be kept"), notIn);
        String twice = refusal("proc.pid = 5 AND proc.name = 'x'");
        assertTrue(twice.contains("says twice which threads"), twice);
        String range = refusal("proc.pid > 5");
        assertTrue(range.startsWith("history filter: proc.pid > 5 cannot be kept"), range);
        String text = refusal("proc.pid = 'init'");
        assertTrue(text.contains("give proc.pid whole numbers"), text);
        assertTrue(refusal("evt.type = 1").contains("give evt.type strings in single quotes"));
    }

    @Test
    void refusesUnknownSyscallsAndBadText() {
        String unknown = refusal("evt.type NOT IN ('getppid', 'getpidd')");
        assertTrue(
                unknown.startsWith(
                        "history filter: unknown syscall 'getpidd' in evt.type NOT IN ('getppid', 'getpidd')"),
                unknown);
        assertTrue(refusal("evt.type = 'procexit'").contains("no syscall"));
        String x86 = refusal("evt.type = 'pread64'");
        assertTrue(x86.contains("'" + EventTypes.syscallEventName(EventTypes.syscallNumber("pread64")) + "'"), x86);
        assertTrue(refusal("fd.nme = 'x'").contains("Unknown field 'fd.nme'"));
        assertTrue(refusal("evt.type = ").contains("is not one SQL condition"));
        assertTrue(refusal("evt.type = 'read'; DROP").contains("is not one SQL condition"));
    }
}
