// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies the server holds in memory at once, over every connection and user: each body may be
 * up to {@link BothSerializations#MAX_REQUEST_BYTES}, and 512 connections sending such bodies slowly would hold
 * 8 GiB. A body whose next bytes do not fit is refused (HTTP 503, Retry-After) instead of growing the heap.
 */
final class BodyBudget {
    /** The default: an eighth of the heap, between 64 MiB and 1 GiB. */
    static long defaultBytes() {
        return Math.max(64L << 20, Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 8));
    }

    private final long max;
    private final AtomicLong held = new AtomicLong();

    BodyBudget(long max) {
        if (max < 1) {
            throw new IllegalArgumentException("a body budget must be positive: " + max);
        }
        this.max = max;
    }

    long max() {
        return max;
    }

    /** Takes {@code n} bytes of the budget; false (nothing taken) when they do not fit. */
    boolean take(long n) {
        while (true) {
            long h = held.get();
            if (h + n > max) {
                return false;
            }
            if (held.compareAndSet(h, h + n)) {
                return true;
            }
        }
    }

    /** Gives back {@code n} bytes taken. */
    void give(long n) {
        held.addAndGet(-n);
    }
}
