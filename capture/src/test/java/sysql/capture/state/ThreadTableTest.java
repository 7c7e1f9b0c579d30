// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The thread table's bookkeeping as sysdig's thread manager does it: thread counts, removal, shared files. */
class ThreadTableTest {
    private static ThreadInfo thread(long tid, long pid) {
        ThreadInfo t = new ThreadInfo(tid);
        t.pid = pid;
        t.flags = tid == pid ? 0 : ThreadInfo.CLONE_THREAD | ThreadInfo.CLONE_FILES;
        return t;
    }

    @Test
    void aThreadOfAnUnknownProcessCreatesItsMainThreadOnceCounted() {
        ThreadTable table = new ThreadTable(null);
        assertTrue(table.add(thread(51, 50)));
        ThreadInfo main = table.get(50);
        assertNotNull(main, "the main thread is looked up, so created");
        assertTrue(main.isPlaceholder());
        assertEquals(1, main.nchilds(), "counted once, not also by the placeholder's own scan");
        assertTrue(table.add(thread(52, 50)));
        assertEquals(2, main.nchilds());
        assertSame(main.fds(), table.fdTable(table.get(52)), "threads use their process's files");
    }

    @Test
    void aMainThreadWithThreadsStaysUntilTheyAreGone() {
        ThreadTable table = new ThreadTable(null);
        table.add(thread(60, 60));
        table.add(thread(61, 60));
        table.remove(60, false);
        assertNotNull(table.get(60), "kept: a thread still counts on it");
        table.remove(61, false);
        assertEquals(0, table.get(60).nchilds());
        table.remove(60, false);
        assertNull(table.get(60));
    }

    @Test
    void aPlaceholderCountsTheThreadsAlreadyThere() {
        ThreadTable table = new ThreadTable(null);
        table.putInitial(thread(71, 70));
        table.putInitial(thread(72, 70));
        ThreadInfo main = table.getOrCreate(70);
        assertEquals(2, main.nchilds());
        assertEquals(ThreadTable.UNKNOWN, main.comm());
        assertEquals(-1, main.ptid());
    }
}
