// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

/**
 * A source of events in timestamp order: live capture now, capture files later. Every source yields the same
 * encoding (sysql_event.h), so everything downstream works on any of them.
 */
public interface EventSource extends AutoCloseable {

    /**
     * Replaces the batch's contents with the next events, waiting up to {@code timeoutMillis} for the first
     * one (0: do not wait; negative: wait until there is one).
     *
     * @return false when the source has ended (a file's end; never for a running live capture), true
     *     otherwise, even if the batch is empty because the wait timed out
     */
    boolean fill(EventBatch batch, long timeoutMillis) throws CaptureException;

    @Override
    void close();
}
