// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns Ctrl-C / SIGTERM into a flag the capture loop polls: the JVM's shutdown waits (up to 10 s) until the
 * loop has stopped the probe and printed its summary, then exits.
 */
final class StopSignal implements AutoCloseable {
    private volatile boolean raised;
    private final CountDownLatch finished = new CountDownLatch(1);

    StopSignal() {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            raised = true;
                            try {
                                finished.await(10, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "sysql-stop"));
    }

    boolean raised() {
        return raised;
    }

    /** The loop is done (summary printed): shutdown may proceed. */
    @Override
    public void close() {
        finished.countDown();
    }
}
