// SPDX-License-Identifier: Apache-2.0
package sysql.capture.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sysql.capture.EventTypes;

/** The union and containment of consumers' kernel filters (what the hub asks of the probe). */
class KernelFilterTest {
    static BitSet syscalls(String... names) {
        BitSet b = new BitSet();
        for (String n : names) {
            b.set(EventTypes.syscallNumber(n));
        }
        return b;
    }

    @Test
    void unionOfSyscallSetsAndOfThreads() {
        KernelFilter open = KernelFilter.syscalls(syscalls("openat"));
        KernelFilter read = KernelFilter.syscalls(syscalls("read"));
        KernelFilter both = open.union(read);
        assertEquals(syscalls("openat", "read"), both.syscalls());
        assertTrue(both.allThreads());
        assertTrue(open.within(both) && read.within(both));
        assertFalse(both.within(open));
        assertTrue(open.union(KernelFilter.ALL).isAll());

        KernelFilter p1 = KernelFilter.pids(Set.of(1));
        KernelFilter cat = KernelFilter.comms(Set.of("cat"));
        KernelFilter who = p1.union(cat);
        assertEquals(Set.of(1), who.pids());
        assertEquals(Set.of("cat"), who.comms());
        assertTrue(who.allSyscalls());
        assertTrue(p1.within(who) && cat.within(who));
        assertFalse(who.within(p1));
        assertTrue(p1.union(open).allThreads(), "a consumer of every thread makes the union every thread");
        assertNull(p1.union(open).syscalls(), "a consumer of every syscall makes the union every syscall");
    }

    @Test
    void conjunctionKeepsTheNarrowerThreadsAndBothSyscallSets() {
        KernelFilter k = KernelFilter.syscalls(syscalls("openat", "read"))
                .and(KernelFilter.pids(Set.of(7)))
                .and(KernelFilter.syscalls(syscalls("openat")));
        assertEquals(syscalls("openat"), k.syscalls());
        assertEquals(Set.of(7), k.pids());
        assertEquals("syscalls=[openat] threads=pid in [7]", k.toString());
        assertEquals("syscalls=all threads=all", KernelFilter.ALL.toString());
    }
}
