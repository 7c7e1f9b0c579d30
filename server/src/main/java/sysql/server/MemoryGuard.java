// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;

/**
 * Whether the server's heap is short: what survived the last collection of the pool that holds long-lived objects
 * (G1's old generation, Serial's tenured one) is over a share of the heap. Calcite's joins, sorts and aggregates
 * hold their rows in the heap with no budget of their own, so {@link SysqlMeta} asks here every second and, when
 * short, stops the query that has run longest, in one line; one stop per collection, so the next look sees what
 * the stop freed.
 */
final class MemoryGuard {
    private final MemoryPoolMXBean pool; // null: no pool to watch (the guard never says short)
    private final long threshold;
    private long collectionsAtLastShortage = -1;

    /** Short when more than {@code percent}% of the heap survives a collection. */
    MemoryGuard(int percent) {
        this(percent, -1);
    }

    /** Short when more than {@code bytes} survive a collection (a test's guard), or {@code percent}% when -1. */
    MemoryGuard(int percent, long bytes) {
        MemoryPoolMXBean old = null;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP
                    && p.isCollectionUsageThresholdSupported()
                    && (p.getName().contains("Old") || p.getName().contains("Tenured"))) {
                old = p;
            }
        }
        this.pool = old;
        long max = old == null ? -1 : old.getUsage().getMax();
        if (max <= 0) {
            max = Runtime.getRuntime().maxMemory();
        }
        this.threshold = bytes >= 0 ? bytes : Math.max(1, max / 100 * percent);
    }

    /** Whether a collection since the last shortage it reported left more than the threshold in the heap. */
    synchronized boolean overLimit() {
        if (pool == null || pool.getCollectionUsage() == null) {
            return false;
        }
        long collections = collections();
        if (collections == collectionsAtLastShortage
                || pool.getCollectionUsage().getUsed() <= threshold) {
            return false;
        }
        collectionsAtLastShortage = collections;
        return true;
    }

    /** What survived the last collection, in MiB, and the threshold (for the message). */
    String state() {
        long used = pool == null || pool.getCollectionUsage() == null
                ? 0
                : pool.getCollectionUsage().getUsed();
        return (used >> 20) + " MiB of the heap survived a collection, over the server's " + (threshold >> 20) + " MiB";
    }

    private long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (Arrays.asList(gc.getMemoryPoolNames()).contains(pool.getName())) {
                n += Math.max(0, gc.getCollectionCount());
            }
        }
        return n;
    }
}
