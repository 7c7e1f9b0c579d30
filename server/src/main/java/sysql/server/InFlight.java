// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Requests being served, per user (or address): at most {@code max} of one user's at once, so no user holds every
 * thread of the server. Memory is the requests in flight: a user without one has no entry.
 */
final class InFlight {
    /** No cap (a handler no customizer configured). */
    static final InFlight UNLIMITED = new InFlight(Integer.MAX_VALUE);

    private final int max;
    private final Map<String, Integer> counts = new HashMap<>();

    InFlight(int max) {
        this.max = max;
    }

    int max() {
        return max;
    }

    /** A slot for one request of {@code key}, to close when it is answered; null if {@code key} has max already. */
    Slot enter(String key) {
        synchronized (counts) {
            int n = counts.getOrDefault(key, 0);
            if (n >= max) {
                return null;
            }
            counts.put(key, n + 1);
        }
        return new Slot(key);
    }

    /** Requests of {@code key} in flight now. */
    int count(String key) {
        synchronized (counts) {
            return counts.getOrDefault(key, 0);
        }
    }

    private void leave(String key) {
        synchronized (counts) {
            int n = counts.getOrDefault(key, 0);
            if (n <= 1) {
                counts.remove(key);
            } else {
                counts.put(key, n - 1);
            }
        }
    }

    /** One request's place; closing it twice frees it once. */
    final class Slot implements AutoCloseable {
        private final String key;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Slot(String key) {
            this.key = key;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                leave(key);
            }
        }
    }
}
