// SPDX-License-Identifier: Apache-2.0
package sysql.testing;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waiting for something the engine does on its own threads, instead of sleeping for a time that is long enough
 * on an idle machine: polls a condition until it holds, or fails with a message once a generous deadline passed.
 */
public final class Await {
    private static final long POLL_MILLIS = 20;

    private Await() {}

    /** A condition to poll; it may query (and throw). */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Returns once {@code condition} holds; fails with {@code message} when it still does not after {@code within}. */
    public static void until(Condition condition, Duration within, String message) throws Exception {
        until(condition, within, () -> message);
    }

    /**
     * Returns once {@code condition} holds; fails with {@code message} (computed then, so it can say what the
     * state was) when it still does not after {@code within}.
     */
    public static void until(Condition condition, Duration within, Supplier<String> message) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(message.get() + " (waited " + within.toMillis() + " ms)");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
