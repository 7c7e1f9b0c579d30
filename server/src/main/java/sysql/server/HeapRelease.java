// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * Gives the heap a heavy query grew back to the system once the server is idle. The JVM keeps the memory its heap
 * touched (a join the {@link MemoryGuard} stopped at half a gigabyte left the server's resident memory there for
 * good). After {@link #IDLE_SECONDS} seconds without a statement at work, if the heap's use peaked since the last
 * release at more than {@link #GROWTH} times what was live then (and {@link #MIN_GROWTH_BYTES} more), a full
 * collection runs ({@code System.gc()}), and the collector shrinks the heap to what is live plus
 * {@code MaxHeapFreeRatio} (the launcher gives a server 30%), returning the rest to the system. A full collection
 * pauses the process (34 ms for HeapReleaseIT's server, 492 MB of heap to 13 MB live; more with a daemon's
 * history in the heap); a capture going on meanwhile keeps its events in the kernel's rings, and what overflows them
 * is counted as drops. A
 * concurrent cycle instead ({@code -XX:+ExplicitGCInvokesConcurrent}) was tried: it gave back nothing when it found
 * the query's data still marked live. The peaks are reset then: an idle server is collected once,
 * not again and again.
 */
final class HeapRelease {
    static final int IDLE_SECONDS = 3;
    static final double GROWTH = 1.5;
    static final long MIN_GROWTH_BYTES = 64L << 20;
    static final int MAX_ATTEMPTS = 5;

    private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP && p.isValid())
            .toList();
    private long live = -1; // what the heap held after the last release (at first: when first asked)
    private int idleSeconds;
    private int attempts;

    /** Called once a second: {@code busy} when a statement is at work. True when it released the heap. */
    synchronized boolean tick(boolean busy) {
        if (live < 0) {
            live = used();
        }
        if (busy) {
            idleSeconds = 0;
            return false;
        }
        if (++idleSeconds < IDLE_SECONDS || peak() <= grown()) {
            return false;
        }
        System.gc(); // nothing else would collect an idle heap
        // a collection that left the heap as it was (data still referenced a moment after the query ended) is asked
        // for again at the next idle second: a few times per growth, not for ever
        if (used() > grown() && ++attempts < MAX_ATTEMPTS) {
            return true;
        }
        attempts = 0;
        live = used();
        for (MemoryPoolMXBean p : pools) {
            p.resetPeakUsage();
        }
        return true;
    }

    /** The heap's use past which it has grown since the last release. */
    private long grown() {
        return Math.max((long) (live * GROWTH), live + MIN_GROWTH_BYTES);
    }

    private long used() {
        return pools.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    }

    /** The heap's peak use since the last reset (each pool's own peak: at most what it took at once). */
    private long peak() {
        return pools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }
}
