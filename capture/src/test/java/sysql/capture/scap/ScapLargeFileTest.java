// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.EventTypes;

/**
 * The 56 MB storm capture (written by sysdig 0.29.3's live capture) reads completely, quickly (in CPU time of the
 * reading thread, which another build on the machine does not stretch), in bounded memory.
 */
class ScapLargeFileTest {
    /** {@code sysdig -r sysdig_live_storm.scap.gz -p '%evt.num' | tail -1}, run by hand with sysdig 0.29.3. */
    private static final long STORM_EVENTS = 1_172_355;

    @Test
    void stormCaptureReadsCompletely() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long count = 0;
        long getppid = 0;
        long lastTs = Long.MIN_VALUE;
        long backwards = 0;
        int getppidEnter = EventTypes.syscallEnterEvent(EventTypes.syscallNumber("getppid"));
        try (ScapFileSource src = ScapFileSource.open(ScapTestFiles.scap("sysdig_live_storm.scap.gz"));
                EventBatch batch = new EventBatch()) {
            assertTrue(src.compressed());
            Event e = new Event();
            while (src.fill(batch, 0)) {
                while (batch.next(e)) {
                    count++;
                    if ((e.typeCode() & ~1) == getppidEnter) {
                        getppid++;
                    }
                    if (e.ts() < lastTs) {
                        backwards++;
                    }
                    lastTs = e.ts();
                }
            }
            assertEquals(0, src.skippedBlocks());
            assertEquals(count, src.eventsRead());
            ProcessInfo workload = src.initialState().processes().stream()
                    .filter(p -> p.comm().equals("workload"))
                    .findFirst()
                    .orElse(null);
            System.out.println("storm: " + count + " events, " + getppid + " getppid events, workload in the initial "
                    + "table: " + (workload != null) + ", " + backwards + " timestamps going back, "
                    + (System.nanoTime() - start) / 1_000_000 + " ms");
        }
        long cpuMillis = (threads.getCurrentThreadCpuTime() - cpuStart) / 1_000_000;
        assertEquals(STORM_EVENTS, count);
        assertTrue(getppid > 1_000_000, "most events are getppid's: " + getppid);
        assertTrue(cpuMillis < 60_000, "reading took " + cpuMillis + " ms of CPU");
    }
}
