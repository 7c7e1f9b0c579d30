// SPDX-License-Identifier: Apache-2.0
package sysql.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the benchmarks report about this JVM's memory: the collections so far, the heap's peaks, the resident set. */
final class JvmMemory {
    /** Collections of every collector since the JVM started, and the time they took. */
    record Gc(long count, long millis) {
        static Gc sinceStart() {
            long count = 0;
            long millis = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                count += Math.max(0, gc.getCollectionCount());
                millis += Math.max(0, gc.getCollectionTime());
            }
            return new Gc(count, millis);
        }
    }

    private JvmMemory() {}

    /** A size line of /proc/self/status ({@code VmRSS:}, {@code VmHWM:} the peak...), in bytes; -1 if unknown. */
    static long procStatus(String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(key)) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown
        }
        return -1;
    }

    /** A collection, then the heap pools' peaks start again from what is used now. */
    static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    /** Sum of the heap pools' peaks since {@link #resetPeaks} (an upper bound of the heap used at once). */
    static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** What the old generation held after its last collection (what survives), in bytes; -1 if unknown. */
    static long oldGenAfterGc() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage u = p.getType() == MemoryType.HEAP ? p.getCollectionUsage() : null;
            if (u != null && (p.getName().contains("Old") || p.getName().contains("Tenured"))) {
                return u.getUsed();
            }
        }
        return -1;
    }
}
